"""Field quality: the early-warning model's tables, built between the two dbt ops.

The marts it reads come from `cs_hub_dbt`; the scored marts that read its tables
(fct_field_alerts and the evidence) come from `cs_hub_dbt_scored`, then publish serves them.
"""

import dagster as dg

from models.field_alerts.outputs import SCHEMAS
from models.field_alerts.report import recent_since, write_reports
from models.field_alerts.run import run
from models.similar_cases.run import run as fit_similar_cases
from orchestration.lib.resources import HubResource

READS = [
    dg.AssetKey(["marts", name])
    for name in ("fct_component_failures", "dim_field_vehicles", "fct_work_orders")
] + [dg.AssetKey(["reference", "fault_codes"])]


@dg.multi_asset(
    specs=[dg.AssetSpec(["models", table], deps=READS, group_name="models") for table in SCHEMAS],
    name="field_alerts",
    description="Field alerts for R&D: failures per cell against the peers' rate x exposure, replayed day by day.",
)
def field_alerts(context: dg.AssetExecutionContext, hub: HubResource):
    result = run(hub.settings().warehouse_path)
    states = {f"alerts/{state}": count for state, count in result.open_by_state().items()}
    for table, rows in result.row_counts.items():
        metadata: dict[str, dg.RawMetadataValue] = {"rows": rows, "as_of": str(result.data.end)}
        if table == "field_alerts":
            metadata.update(states)
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["models", table]), metadata=metadata)


@dg.asset(
    key=dg.AssetKey(["reports", "field_alerts"]),
    deps=[dg.AssetKey(["serving", "store"])],
    group_name="publish",
    description="HTML and PDF reports of the alerts that signalled in the last 30 days, from the served store.",
)
def field_alert_reports(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
    settings = hub.settings()
    since = recent_since(settings.serving_url)
    folder = settings.reports_dir / "field_alerts"
    reports = write_reports(settings.serving_url, folder, since) if since else []
    return dg.MaterializeResult(metadata={
        "reports": len(reports), "since": str(since), "folder": dg.MetadataValue.path(str(folder)),
    })


assets = [field_alerts, field_alert_reports]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["models", table], deps=[dg.AssetKey(["marts", "fct_resolved_cases"])], group_name="models")
        for table in ("similar_case_terms", "similar_case_idf")
    ],
    name="similar_cases",
    description="Similar past cases: tf-idf of character n-grams over resolved work orders, pruned for serving.",
)
def similar_cases(context: dg.AssetExecutionContext, hub: HubResource):
    for table, rows in fit_similar_cases(hub.settings().warehouse_path).items():
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["models", table]), metadata={"rows": rows})


assets = [*assets, similar_cases]
