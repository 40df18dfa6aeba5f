"""Start an incremental build when the contact engine has written back events the
warehouse does not hold yet (the build's ops ingestion exports and loads them)."""

import dagster as dg

from orchestration.defs.pipeline.jobs import build_run_config, hub_build
from orchestration.lib.ops_events import ops_backlog
from orchestration.lib.resources import HubResource


@dg.sensor(job=hub_build, minimum_interval_seconds=60)
def ops_writebacks(context: dg.SensorEvaluationContext, hub: HubResource):
    backlog = ops_backlog(hub.settings())
    if not backlog.pending:
        return dg.SkipReason(f"no write-backs after seq {backlog.exported}")
    context.update_cursor(str(backlog.written))
    return dg.RunRequest(
        run_key=backlog.run_key,
        run_config=build_run_config(full_refresh=False),
        tags={"hub/build": "incremental", "hub/ops_events": str(backlog.pending)},
    )
