"""The dbt CLI resource for the cs_hub project."""

from __future__ import annotations

from orchestration.lib.dbt_project import dbt_cli
from orchestration.defs.transforms.project import CS_HUB

dbt = dbt_cli(CS_HUB)
