"""The models' output tables (warehouse schema `models`), one asset each, with a weekly retrain.

Bodies only open the warehouse and call models.train: a run below its metric floor keeps
the previous output (models.runs), and the asset's metadata says so.
"""

import dagster as dg

from hub.calendar import TIMEZONE
from models import train
from orchestration.defs.transforms.assets import DBT_SCORED_OP
from orchestration.lib.resources import HubResource, WarehouseResource

FEATURE_MARTS = [
    dg.AssetKey(["marts", name])
    for name in ("dim_customers", "dim_vehicles", "dim_vehicle_ownerships", "fct_calls", "fct_work_orders",
                 "fct_telematics_daily", "fct_purchases")
]


def _model_asset(name: str, trainer, deps: list[dg.AssetKey], description: str) -> dg.AssetsDefinition:
    @dg.asset(key=dg.AssetKey(["models", train.TABLES[name]]), deps=deps, group_name="models",
              description=description)
    def _asset(hub: HubResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            run = trainer(con, hub.settings())
        metadata: dict[str, dg.RawMetadataValue] = {f"metric/{k}": float(v) for k, v in run.metrics.items()}
        metadata.update({"run_id": run.run_id, "published": run.published, "reason": run.reason or ""})
        return dg.MaterializeResult(metadata=metadata)

    return _asset


churn_scores = _model_asset("churn", train.train_churn, FEATURE_MARTS, "Churn risk and top reasons per customer.")
lifecycle_stages = _model_asset(
    "lifecycle", train.train_lifecycle, [*FEATURE_MARTS, churn_scores.key], "Lifecycle stage per customer (one rule)."
)
customer_value = _model_asset(
    "value", train.train_value, FEATURE_MARTS, "BG/NBD + Gamma-Gamma expected purchases and value over 12 months."
)
cross_sell_scores = _model_asset(
    "cross_sell", train.train_cross_sell, FEATURE_MARTS, "Calibrated propensity per customer and product."
)

assets = [churn_scores, lifecycle_stages, customer_value, cross_sell_scores]

# Retrain weekly (Monday 03:30, after the nightly build): the models, the marts that read
# them and the serving store, so the profile and the marketers' lists follow the new scores.
model_retrain = dg.define_asset_job(
    name="model_retrain",
    selection=dg.AssetSelection.assets(*assets).downstream(),
    description="Retrain every model, rebuild the scored marts and republish.",
)
weekly_model_retrain = dg.ScheduleDefinition(
    name="weekly_model_retrain",
    job=model_retrain,
    cron_schedule="30 3 * * 1",
    execution_timezone=TIMEZONE,
    run_config={"ops": {DBT_SCORED_OP: {"config": {"full_refresh": False}}}},
    tags={"hub/build": "model_retrain"},
)
