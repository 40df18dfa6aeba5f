-- Forecast calls and staffing per queue and half hour (held out and future).
with served as (
    select * from {{ ref('fct_queue_interval_forecasts') }}
)

{{ select_served() }}
