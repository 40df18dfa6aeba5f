"""The call-arrival forecast and its staffing plan (models/forecast), after the interval marts.

Writes models.call_forecast and models.call_forecast_metrics in the warehouse; the scored
marts fct_queue_interval_forecasts and fct_forecast_accuracy read them."""

import dagster as dg

from models.forecast.score import run_forecast
from orchestration.lib.resources import WarehouseResource

FORECAST = dg.AssetKey(["models", "call_forecast"])
METRICS = dg.AssetKey(["models", "call_forecast_metrics"])
HISTORY = dg.AssetKey(["marts", "fct_queue_intervals"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(FORECAST, deps=[HISTORY], group_name="models",
                     description="Calls per queue and 30-minute interval: held-out weeks and the next 14 days, "
                                 "with Erlang C agents required and scheduled."),
        dg.AssetSpec(METRICS, deps=[HISTORY], group_name="models",
                     description="WAPE and MAPE of the forecast and of seasonal-naive on held-out weeks."),
    ],
)
def call_forecast(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        run = run_forecast(con)
    if run is None:
        context.log.warning("too little call history to hold weeks out: no forecast this run (tables left empty)")
        yield dg.MaterializeResult(asset_key=FORECAST, metadata={"rows": 0})
        yield dg.MaterializeResult(asset_key=METRICS, metadata={"rows": 0})
        return
    e = run.evaluation
    context.log.info("; ".join(e.lines()[:5]))
    yield dg.MaterializeResult(asset_key=FORECAST, metadata={
        "rows": len(run.forecast), "trained_through": str(run.trained_through),
    })
    yield dg.MaterializeResult(asset_key=METRICS, metadata={
        "model_wape": e.model.wape, "seasonal_naive_wape": e.baseline.wape, "wape_improvement": e.wape_improvement,
        "model_mape": e.model.mape, "seasonal_naive_mape": e.baseline.mape, "held_out_weeks": e.weeks,
    })


assets = [call_forecast]
