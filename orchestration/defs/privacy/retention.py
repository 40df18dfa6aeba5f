"""The daily retention job: each store's periods in settings, what was removed in its log."""

# no `from __future__ import annotations`: Dagster reads the context annotation at definition time


import dagster as dg

from hub.calendar import TIMEZONE
from orchestration.lib import retention
from orchestration.lib.resources import HubResource



@dg.op(description="Remove what each store holds past its retention period (docs/privacy.md).")
def enforce_retention(context: dg.OpExecutionContext, hub: HubResource) -> dg.Output[int]:
    removed = retention.enforce(hub.settings())
    for item in removed:
        context.log.info(f"retention: {item.store} {item.what}: removed {item.count} older than {item.older_than}")
    metadata = {f"{item.store} {item.what}": dg.MetadataValue.int(item.count) for item in removed}
    return dg.Output(sum(item.count for item in removed), metadata=metadata)


@dg.job(name="retention", description="Enforce the retention periods of settings in every store.")
def retention_job() -> None:
    enforce_retention()


# 03:10, after the nightly full build (02:30) and before the contact center opens
daily_retention = dg.ScheduleDefinition(
    name="daily_retention", job=retention_job, cron_schedule="10 3 * * *", execution_timezone=TIMEZONE,
)
