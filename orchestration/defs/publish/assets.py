"""The serving store: published only after the marts pass their blocking quality checks.

Dagster skips this asset in a run where a blocking check on any of its upstream marts
failed, so consumers keep the last good build; the publish function then audits its own
copy and swaps it in atomically (orchestration.lib.publish).
"""

import dagster as dg

from orchestration.lib.publish import publish
from orchestration.lib.resources import HubResource

# every relation orchestration.lib.publish.extract reads
SOURCES = [
    dg.AssetKey(["marts", name])
    for name in (
        "customer_profile",
        "dim_customer_phones",
        "customer_aliases",
        "dim_vehicles",
        "fct_telematics_daily",
        "fct_calls",
        "fct_work_orders",
        "fct_work_order_stages",
        "fct_contacts",
        "fct_consents",
        "fct_offer_responses",
        "ops_watermark",
        "fct_customer_scores",
        "fct_cross_sell_propensities",
        "fct_field_alerts",
        "fct_field_alert_days",
        "fct_field_alert_failures",
        "fct_field_failure_rates_weekly",
        "fct_resolved_cases",
        "fct_similar_case_terms",
        "fct_driving_behaviour",
        # contact-centre KPIs and the forecast (docs/contact_center.md)
        "fct_queue_intervals",
        "fct_queue_days",
        "fct_agent_days",
        "fct_work_order_sla",
        "fct_work_order_days",
        "fct_region_workload",
        "fct_queue_interval_forecasts",
        "fct_forecast_accuracy",
    )
] + [dg.AssetKey(["intermediate", "int_crm_customers_resolved"])]


@dg.asset(
    key=dg.AssetKey(["serving", "store"]),
    deps=SOURCES,
    group_name="publish",
    description="Screen-pop tables copied from the marts into a new serving store, swapped in atomically.",
)
def serving_store(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
    result = publish(hub.settings(), build_id=context.run.run_id)
    metadata: dict[str, dg.RawMetadataValue] = {"build_id": result.build_id}
    metadata.update({f"rows/{table}": rows for table, rows in result.row_counts.items()})
    return dg.MaterializeResult(metadata=metadata)


assets = [serving_store]
