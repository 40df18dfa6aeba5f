-- Held-out accuracy of each forecast run against the seasonal-naive baseline.
with served as (
    select * from {{ ref('fct_forecast_accuracy') }}
)

{{ select_served() }}
