"""The dbt project, loaded once per code location.

Its manifest is needed to declare the assets, so it is prepared (parsed if stale) when
this module is imported; that is the one piece of work done at load time.
"""

from __future__ import annotations

from orchestration.lib.dbt_project import cs_hub_project

CS_HUB = cs_hub_project()
