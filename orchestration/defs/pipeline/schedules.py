"""When the hub rebuilds on its own (times are the contact center's, hub.calendar.TIMEZONE).

Hourly builds are incremental: ingestion skips files it has seen and incremental models
add rows only. The nightly build rebuilds every model from raw, so a fix in a model's SQL
reaches history within a day; it runs at 02:30, when the contact center is quiet.
"""

from __future__ import annotations

import dagster as dg

from hub.calendar import TIMEZONE
from orchestration.defs.pipeline.jobs import build_run_config, hub_build


hourly_incremental_build = dg.ScheduleDefinition(
    name="hourly_incremental_build",
    job=hub_build,
    cron_schedule="5 * * * *",
    execution_timezone=TIMEZONE,
    run_config=build_run_config(full_refresh=False),
    tags={"hub/build": "incremental"},
)

nightly_full_build = dg.ScheduleDefinition(
    name="nightly_full_build",
    job=hub_build,
    cron_schedule="30 2 * * *",
    execution_timezone=TIMEZONE,
    run_config=build_run_config(full_refresh=True),
    tags={"hub/build": "full_refresh"},
)

schedules = [hourly_incremental_build, nightly_full_build]
