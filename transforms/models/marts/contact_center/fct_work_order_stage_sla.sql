-- Each work order's SLA measures against the policy of its category and priority
-- (seed sla_policy, in minutes): every visit of a timed stage (created, dispatched,
-- accepted, on_site), the response (creation until first on site) and the resolution
-- (creation until first resolved). One row per measure and visit.
--
-- State: a finished measure is met or breached; a running one (the current stage, an open
-- order not yet on site or resolved) is breached past its target, at_risk once
-- var('serving_sla_at_risk_share') of it has passed, else on_track, as of the latest
-- stage change in the warehouse (as_of_at, the data's own clock as in fct_work_order_sla).
-- A measure without a target has no state; a measure that can no longer run (a closed
-- order never visited on site) is not listed.
with

stages as (
    select * from {{ ref('fct_work_order_stages') }}
),

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

policy as (
    select * from {{ ref('sla_policy') }}
),

as_of as (
    select max(stage_entered_at) as as_of_at from stages
),

stage_measures as (
    select
        stages.work_order_id,
        stages.work_order_stage as sla_measure,
        stages.transition_seq,
        stages.stage_entered_at as started_at,
        stages.stage_exited_at as finished_at,
        case stages.work_order_stage
            when 'created' then policy.created_minutes
            when 'dispatched' then policy.dispatched_minutes
            when 'accepted' then policy.accepted_minutes
            when 'on_site' then policy.on_site_minutes
        end as target_minutes
    from stages
    inner join work_orders on work_orders.work_order_id = stages.work_order_id
    left join policy
        on policy.work_order_category = work_orders.work_order_category
        and policy.work_order_priority = work_orders.work_order_priority
    where stages.work_order_stage in ('created', 'dispatched', 'accepted', 'on_site')
        -- a stage left without a next one only while the order is open (the export's last row)
        and (stages.stage_exited_at is not null or work_orders.is_open)
),

order_measures as (
    select
        work_orders.work_order_id,
        'response' as sla_measure,
        0 as transition_seq,
        work_orders.created_at as started_at,
        work_orders.first_on_site_at as finished_at,
        policy.response_minutes as target_minutes
    from work_orders
    left join policy
        on policy.work_order_category = work_orders.work_order_category
        and policy.work_order_priority = work_orders.work_order_priority
    where work_orders.first_on_site_at is not null or work_orders.is_open
    union all
    select
        work_orders.work_order_id,
        'resolve' as sla_measure,
        0 as transition_seq,
        work_orders.created_at as started_at,
        work_orders.first_resolved_at as finished_at,
        policy.resolve_minutes as target_minutes
    from work_orders
    left join policy
        on policy.work_order_category = work_orders.work_order_category
        and policy.work_order_priority = work_orders.work_order_priority
    where work_orders.first_resolved_at is not null or work_orders.is_open
),

measures as (
    select * from stage_measures
    union all
    select * from order_measures
),

timed as (
    select
        measures.*,
        measures.finished_at is null as is_running,
        case
            when measures.finished_at is not null
                then {{ seconds_between('measures.started_at', 'measures.finished_at') }}
            else {{ seconds_between('measures.started_at', 'as_of.as_of_at') }}
        end as elapsed_seconds,
        as_of.as_of_at
    from measures
    cross join as_of
),

final as (
    select
        -- ids
        {{ dbt.concat(["timed.work_order_id", "'|'", "timed.sla_measure", "'|'",
                       "cast(timed.transition_seq as " ~ dbt.type_string() ~ ")"]) }} as stage_sla_id,
        timed.work_order_id,
        timed.transition_seq,
        -- attributes
        timed.sla_measure,
        coalesce(work_orders.work_order_category, 'unknown') as work_order_category,
        coalesce(work_orders.work_order_priority, 'unknown') as work_order_priority,
        coalesce(work_orders.region_office, 'unknown') as region_office,
        timed.is_running,
        case
            when timed.target_minutes is null then null
            when not timed.is_running then
                case when timed.elapsed_seconds <= timed.target_minutes * 60 then 'met' else 'breached' end
            when timed.elapsed_seconds > timed.target_minutes * 60 then 'breached'
            when timed.elapsed_seconds > timed.target_minutes * 60 * {{ var('serving_sla_at_risk_share') }} then 'at_risk'
            else 'on_track'
        end as sla_state,
        -- measures
        timed.target_minutes,
        cast(timed.elapsed_seconds as {{ type_double() }}) / 60 as elapsed_minutes,
        -- timestamps
        timed.started_at,
        timed.finished_at,
        case
            when timed.target_minutes is not null
                then {{ dbt.dateadd('minute', 'timed.target_minutes', 'timed.started_at') }}
        end as due_at,
        timed.as_of_at
    from timed
    inner join work_orders on work_orders.work_order_id = timed.work_order_id
)

select * from final
