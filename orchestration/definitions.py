"""The hub's Dagster code location: assembled here, defined under defs/, built from lib/.

Runs execute one step at a time: the DuckDB warehouse admits one writing process, so
parallel steps would lock each other out. By default every step runs in the run's own
process; HUB_DAGSTER_EXECUTOR=multiprocess gives each step a process of its own (a crashed
step cannot take the run with it), still one at a time (docs/orchestration.md "Deployment").
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.field_quality.assets import assets as field_quality_assets
from orchestration.defs.identity.assets import assets as identity_assets
from orchestration.defs.ingestion.assets import assets as ingestion_assets
from orchestration.defs.ingestion.sensors import landing_files
from orchestration.defs.ingestion.ops_sensor import ops_writebacks
from orchestration.defs.models.assets import assets as model_assets, model_retrain, weekly_model_retrain
from orchestration.defs.models.forecast.assets import assets as forecast_assets
from orchestration.defs.notify.assets import assets as notify_assets
from orchestration.defs.leadership.assets import (
    assets as leadership_assets, leadership_report_job, monthly_leadership_report,
)
from orchestration.defs.pipeline.jobs import hub_build
from orchestration.defs.publish.assets import assets as publish_assets
from orchestration.defs.pipeline.schedules import schedules
from orchestration.defs.privacy.retention import daily_retention, retention_job
from orchestration.defs.quality.checks import checks
from orchestration.defs.transforms.assets import cs_hub_dbt, cs_hub_dbt_scored
from orchestration.defs.transforms.resources import dbt
from orchestration.lib.resources import HubResource, WarehouseResource
from hub.settings import get_settings

# one step at a time on either: see the module's docstring
EXECUTORS = {
    "in_process": dg.in_process_executor,
    "multiprocess": dg.multiprocess_executor.configured({"max_concurrent": 1}),
}

hub = HubResource()
# the second dbt op exists once some mart reads a model's output (tag:scored)
scored = [cs_hub_dbt_scored] if cs_hub_dbt_scored.keys else []

defs = dg.Definitions(
    assets=[
        *ingestion_assets, *identity_assets, cs_hub_dbt, *model_assets, *forecast_assets, *scored, *publish_assets,
        *field_quality_assets, *notify_assets, *leadership_assets,
    ],
    asset_checks=checks,
    jobs=[hub_build, model_retrain, retention_job, leadership_report_job],
    schedules=[*schedules, weekly_model_retrain, daily_retention, monthly_leadership_report],
    sensors=[landing_files, ops_writebacks],
    resources={
        "hub": hub,
        "warehouse": WarehouseResource(hub=hub),
        "dbt": dbt,
    },
    executor=EXECUTORS[get_settings().dagster_executor],
)
