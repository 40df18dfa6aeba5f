{{ config(tags=["scored"]) }}
-- The arrival forecast's held-out accuracy, one row per training cut-off: WAPE and MAPE of
-- the model and of seasonal-naive (same interval last week), and how much lower the
-- model's WAPE is. Written by models/forecast, never computed on training data.
with

metrics as (
    {{ source_or_empty('models', 'call_forecast_metrics', {
        'model_name': dbt.type_string(), 'trained_through': dbt.type_timestamp(),
        'evaluated_at': dbt.type_timestamp(), 'held_out_weeks': dbt.type_int(), 'held_out_first_date': 'date',
        'held_out_last_date': 'date', 'held_out_intervals': dbt.type_bigint(), 'held_out_calls': dbt.type_bigint(),
        'model_wape': 'double precision', 'model_mape': 'double precision',
        'seasonal_naive_wape': 'double precision', 'seasonal_naive_mape': 'double precision',
        'wape_improvement': 'double precision'}) }}
),

final as (
    select
        -- ids
        {{ dbt.concat(["model_name", "'|'", dbt.safe_cast("trained_through", dbt.type_string())]) }} as forecast_run_id,
        -- attributes
        model_name,
        held_out_weeks,
        held_out_intervals,
        held_out_calls,
        -- dates
        held_out_first_date,
        held_out_last_date,
        -- timestamps
        trained_through,
        evaluated_at,
        -- accuracy
        model_wape,
        model_mape,
        seasonal_naive_wape,
        seasonal_naive_mape,
        wape_improvement
    from metrics
)

select * from final
