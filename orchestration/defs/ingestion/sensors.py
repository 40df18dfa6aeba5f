"""Start an incremental build when upstream systems drop new files into the landing dir."""

import dagster as dg

from orchestration.defs.pipeline.jobs import build_run_config, hub_build
from orchestration.lib.landing import scan_landing
from orchestration.lib.resources import HubResource


@dg.sensor(job=hub_build, minimum_interval_seconds=60)
def landing_files(context: dg.SensorEvaluationContext, hub: HubResource):
    scan = scan_landing(hub.settings().landing_dir, context.cursor)
    if not scan.new_files:
        return dg.SkipReason("no new files in the landing dir")
    context.update_cursor(scan.cursor)
    return dg.RunRequest(
        run_key=scan.run_key,
        run_config=build_run_config(full_refresh=False),
        tags={"hub/build": "incremental", "hub/new_files": str(len(scan.new_files))},
    )
