"""The monthly leadership report (models.leadership.report): an asset after the publish and
a schedule that renders it on the first of each month, from what is served then."""

import dagster as dg

from hub.calendar import TIMEZONE
from hub.privacy.live import serving_engine
from models.leadership.report import write_report
from orchestration.lib.resources import HubResource

KEY = dg.AssetKey(["reports", "leadership"])


@dg.asset(
    key=KEY,
    deps=[dg.AssetKey(["serving", "store"])],
    group_name="publish",
    description="The latest complete month's leadership report (KPIs against targets, trends, top field alerts, "
                "staffing) as HTML and PDF, from the served store.",
)
def leadership_report(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
    settings = hub.settings()
    engine = serving_engine(settings.serving_url)
    try:
        written = write_report(engine, settings.reports_dir / "leadership")
    finally:
        engine.dispose()
    if written is None:
        return dg.MaterializeResult(metadata={"month": "none: no calls served"})
    month, html, pdf = written
    return dg.MaterializeResult(metadata={"month": month.label, "pdf": dg.MetadataValue.path(str(pdf)),
                                          "html": dg.MetadataValue.path(str(html))})


leadership_report_job = dg.define_asset_job(
    name="leadership_report", selection=dg.AssetSelection.assets(KEY),
    description="Render the latest complete month's leadership report from the served store.")
# 07:00 on the 1st: the nightly full build of 02:30 has served the month's last day
monthly_leadership_report = dg.ScheduleDefinition(
    name="monthly_leadership_report", job=leadership_report_job, cron_schedule="0 7 1 * *",
    execution_timezone=TIMEZONE)

assets = [leadership_report]
