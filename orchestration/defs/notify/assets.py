"""Pushed alerts: after each publish, the served field alerts and scorecards are matched
against the subscriptions and delivered (hub.notify, docs/notify.md).

After the publish, not after the model: subscribers are told what the API and the reports
serve, and a build that fails its quality gate pushes nothing."""

import dagster as dg

from hub.notify.deliver import DeliveryConfig, deliver
from hub.privacy.live import serving_engine
from orchestration.lib.resources import HubResource


@dg.asset(
    key=dg.AssetKey(["alerts", "deliveries"]),
    deps=[dg.AssetKey(["serving", "store"])],
    group_name="publish",
    description="Field alerts and KPI breaches pushed to their subscribers by webhook and e-mail, once each.",
)
def alert_deliveries(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
    settings = hub.settings()
    engine = serving_engine(settings.serving_url)
    try:
        summary = deliver(settings.ops_url, engine, DeliveryConfig.from_settings(settings))
    finally:
        engine.dispose()
    if summary.failed:
        context.log.warning(f"{summary.failed} alert deliveries failed for good: `hub notify log --status failed`")
    return dg.MaterializeResult(metadata={
        "queued": summary.queued, "delivered": summary.delivered, "retrying": summary.retrying,
        "failed": summary.failed, "attempts": summary.attempts,
    })


assets = [alert_deliveries]
