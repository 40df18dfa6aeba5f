"""The one job: ingest, transform, check. Runs are incremental unless told to refresh."""

from __future__ import annotations

from typing import Any

import dagster as dg

from orchestration.defs.transforms.assets import DBT_OP, DBT_SCORED_OP

hub_build = dg.define_asset_job(
    name="hub_build",
    selection=dg.AssetSelection.all(),
    description="Load new landing files, build the dbt project and run every quality check.",
)


def build_run_config(full_refresh: bool) -> dict[str, Any]:
    config = {"config": {"full_refresh": full_refresh}}
    return {"ops": {DBT_OP: config, DBT_SCORED_OP: config}}
