-- Arrival profile: per queue, ISO weekday (1 = Monday) and Beijing half hour (0-47), the
-- calls offered and the days of that weekday the ACD export covers (any call that day), so
-- arrivals_per_day is the mean calls offered in that half hour on that weekday. A half hour
-- with no call in any week has no row (0 calls). Calls belong to their queue-entry interval.
with

calls as (
    select * from {{ ref('int_calls_measured') }}
),

days as (
    select distinct interval_date from calls
),

observed as (
    select {{ iso_weekday('interval_date') }} as weekday, count(*) as observed_days
    from days
    group by {{ iso_weekday('interval_date') }}
),

arrivals as (
    select
        queue_name,
        {{ iso_weekday('interval_date') }} as weekday,
        half_hour_of_day,
        count(*) as offered_calls
    from calls
    group by queue_name, {{ iso_weekday('interval_date') }}, half_hour_of_day
),

joined as (
    select
        arrivals.queue_name,
        arrivals.weekday,
        arrivals.half_hour_of_day,
        cast(arrivals.offered_calls as {{ dbt.type_bigint() }}) as offered_calls,
        cast(observed.observed_days as {{ dbt.type_bigint() }}) as observed_days
    from arrivals
    inner join observed on observed.weekday = arrivals.weekday
),

final as (
    select
        -- ids
        {{ dbt.concat(["queue_name", "'|'", dbt.safe_cast("weekday", dbt.type_string()), "'|'",
                       dbt.safe_cast("half_hour_of_day", dbt.type_string())]) }} as arrival_profile_id,
        queue_name,
        -- attributes
        weekday,
        half_hour_of_day,
        -- measures
        offered_calls,
        observed_days,
        {{ kpi('arrivals_per_day') }} as arrivals_per_day
    from joined
)

select * from final
