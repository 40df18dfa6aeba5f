-- One row per queue and Beijing day: the interval counts summed (so the day and its
-- intervals always agree), plus first-contact resolution and CSAT, which belong to calls
-- rather than intervals. Ratios from the KPI registry (hub/kpis.py, macro kpi()); FCR and CSAT per docs/design.md:
--   FCR  = answered calls of identified customers not followed on the same issue within
--          7 days / answered calls of identified customers
--   CSAT = survey answers 4-5 / survey answers
with

intervals as (
    select * from {{ ref('fct_queue_intervals') }}
),

calls as (
    select * from {{ ref('int_calls_measured') }}
),

interval_sums as (
    select
        queue_name,
        interval_date,
        {{ total('offered_calls') }} as offered_calls,
        {{ total('answered_calls') }} as answered_calls,
        {{ total('abandoned_calls') }} as abandoned_calls,
        {{ total('short_abandoned_calls') }} as short_abandoned_calls,
        {{ total('transferred_calls') }} as transferred_calls,
        {{ total('answered_within_service_level_calls') }} as answered_within_service_level_calls,
        {{ total('answered_wait_seconds') }} as answered_wait_seconds,
        {{ total('handle_seconds') }} as handle_seconds,
        {{ total('staffed_seconds') }} as staffed_seconds,
        -- the KPI bases (hub/kpis.py)
        {{ total('service_level_base_calls') }} as service_level_base_calls,
        {{ total('counted_abandoned_calls') }} as counted_abandoned_calls
    from intervals
    group by queue_name, interval_date
),

call_sums as (
    select
        queue_name,
        interval_date,
        {{ count_where("is_fcr_eligible") }} as fcr_eligible_calls,
        {{ count_where("is_first_contact_resolved") }} as first_contact_resolved_calls,
        {{ count_where("has_survey") }} as survey_responses,
        {{ count_where("is_survey_satisfied") }} as satisfied_responses
    from calls
    group by queue_name, interval_date
),

final as (
    select
        -- ids
        {{ dbt.concat(["interval_sums.queue_name", "'|'", dbt.safe_cast("interval_sums.interval_date", dbt.type_string())]) }} as queue_day_id,
        interval_sums.queue_name,
        -- dates
        interval_sums.interval_date as call_date,
        -- counts
        interval_sums.offered_calls,
        interval_sums.answered_calls,
        interval_sums.abandoned_calls,
        interval_sums.short_abandoned_calls,
        interval_sums.transferred_calls,
        -- service level
        interval_sums.answered_within_service_level_calls,
        interval_sums.service_level_base_calls,
        {{ kpi('service_level', 'interval_sums') }} as service_level,
        -- abandonment
        interval_sums.counted_abandoned_calls,
        {{ kpi('abandon_rate', 'interval_sums') }} as abandon_rate,
        -- speed of answer, handle time, occupancy
        interval_sums.answered_wait_seconds,
        {{ kpi('average_speed_of_answer_seconds', 'interval_sums') }} as average_speed_of_answer_seconds,
        interval_sums.handle_seconds,
        {{ kpi('average_handle_seconds', 'interval_sums') }} as average_handle_seconds,
        interval_sums.staffed_seconds,
        {{ kpi('occupancy', 'interval_sums') }} as occupancy,
        -- first-contact resolution
        call_sums.first_contact_resolved_calls,
        call_sums.fcr_eligible_calls,
        {{ kpi('first_contact_resolution', 'call_sums') }} as first_contact_resolution,
        -- satisfaction
        call_sums.satisfied_responses,
        call_sums.survey_responses,
        {{ kpi('csat', 'call_sums') }} as csat
    from interval_sums
    inner join call_sums
        on call_sums.queue_name = interval_sums.queue_name
        and call_sums.interval_date = interval_sums.interval_date
)

select * from final
