-- One row per queue and 30-minute interval (UTC start; Beijing day and half hour beside
-- it) with at least one offered call. Every KPI carries its numerator and denominator, so
-- any roll-up (day, week, all queues) is exact: sum both, then divide.
--
-- service level = answered within var('service_level_seconds') / (offered - short abandons)
-- abandon rate  = (abandoned - short abandons) / (offered - short abandons)
-- ASA           = queue wait of answered calls / answered
-- AHT           = talk + hold + after-call work of answered calls / answered
-- occupancy     = handle seconds / staffed seconds, where staffed seconds are the agents
--                 who answered a call of the queue in the interval x 1800 (the ACD export
--                 has no agent login states; this is the busy agents' occupancy)
with

calls as (
    select * from {{ ref('int_calls_measured') }}
),

aggregated as (
    select
        queue_name,
        interval_start_at,
        min(interval_date) as interval_date,
        min(half_hour_of_day) as half_hour_of_day,
        count(*) as offered_calls,
        {{ count_where("is_answered") }} as answered_calls,
        {{ count_where("is_abandoned") }} as abandoned_calls,
        {{ count_where("is_short_abandon") }} as short_abandoned_calls,
        {{ count_where("is_transferred") }} as transferred_calls,
        {{ count_where("is_answered_within_service_level") }} as answered_within_service_level_calls,
        {{ total('case when is_answered then queue_wait_seconds else 0 end') }} as answered_wait_seconds,
        {{ total('handle_seconds') }} as handle_seconds,
        count(distinct case when is_answered then agent_id end) as answering_agents
    from calls
    group by queue_name, interval_start_at
),

-- the KPI bases (hub/kpis.py names each KPI's numerator and denominator)
counted as (
    select
        aggregated.*,
        offered_calls - short_abandoned_calls as service_level_base_calls,
        abandoned_calls - short_abandoned_calls as counted_abandoned_calls,
        answering_agents * 1800 as staffed_seconds
    from aggregated
),

final as (
    select
        -- ids
        {{ dbt.concat(["queue_name", "'|'", dbt.safe_cast("interval_start_at", dbt.type_string())]) }} as queue_interval_id,
        queue_name,
        -- dates
        interval_date,
        half_hour_of_day,
        -- timestamps
        interval_start_at,
        -- counts
        offered_calls,
        answered_calls,
        abandoned_calls,
        short_abandoned_calls,
        transferred_calls,
        answering_agents,
        -- service level
        answered_within_service_level_calls,
        service_level_base_calls,
        {{ kpi('service_level') }} as service_level,
        -- abandonment
        counted_abandoned_calls,
        {{ kpi('abandon_rate') }} as abandon_rate,
        -- speed of answer and handle time
        answered_wait_seconds,
        {{ kpi('average_speed_of_answer_seconds') }} as average_speed_of_answer_seconds,
        handle_seconds,
        {{ kpi('average_handle_seconds') }} as average_handle_seconds,
        -- occupancy
        staffed_seconds,
        {{ kpi('occupancy') }} as occupancy
    from counted
)

select * from final
