{{ config(tags=["scored"]) }}
-- One row per queue and 30-minute interval the forecast covers: the held-out weeks (each
-- forecast by a model trained before its week) beside what arrived, and the next 14 days.
-- agents_required / agents_scheduled are Erlang C for 80% in 20 s, occupancy at most 85%,
-- shrinkage 30% (hub/erlang.py). The staffing gap compares the agents who answered calls
-- of the queue in the interval with the agents the forecast required (negative: short).
with

forecast as (
    {{ source_or_empty('models', 'call_forecast', {
        'queue_name': dbt.type_string(), 'interval_start_at': dbt.type_timestamp(), 'interval_date': 'date',
        'half_hour_of_day': dbt.type_int(), 'forecast_kind': dbt.type_string(), 'forecast_calls': 'double precision',
        'seasonal_naive_calls': 'double precision', 'aht_seconds': 'double precision',
        'agents_required': dbt.type_int(), 'agents_scheduled': dbt.type_int(),
        'expected_service_level': 'double precision', 'expected_occupancy': 'double precision',
        'model_name': dbt.type_string(), 'trained_through': dbt.type_timestamp()}) }}
),

intervals as (
    select * from {{ ref('fct_queue_intervals') }}
),

final as (
    select
        -- ids
        {{ dbt.concat(["forecast.queue_name", "'|'", dbt.safe_cast("forecast.interval_start_at", dbt.type_string())]) }} as queue_interval_id,
        forecast.queue_name,
        -- attributes
        forecast.forecast_kind,
        forecast.model_name,
        -- dates
        forecast.interval_date,
        forecast.half_hour_of_day,
        -- timestamps
        forecast.interval_start_at,
        forecast.trained_through,
        -- volume
        forecast.forecast_calls,
        forecast.seasonal_naive_calls,
        case
            when forecast.forecast_kind = 'holdout' then coalesce(intervals.offered_calls, 0)
        end as actual_calls,
        -- staffing
        forecast.aht_seconds,
        forecast.agents_required,
        forecast.agents_scheduled,
        forecast.expected_service_level,
        forecast.expected_occupancy,
        case
            when forecast.forecast_kind = 'holdout' then coalesce(intervals.answering_agents, 0)
        end as answering_agents,
        case
            when forecast.forecast_kind = 'holdout'
                then coalesce(intervals.answering_agents, 0) - forecast.agents_required
        end as staffing_gap_agents
    from forecast
    left join intervals
        on intervals.queue_name = forecast.queue_name
        and intervals.interval_start_at = forecast.interval_start_at
)

select * from final
