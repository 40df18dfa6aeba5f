-- One row per work order: hours spent in each stage and end to end (creation to first
-- resolution) against the SLA target of its category and priority (sla_hours), whether
-- it was reopened, and its callback satisfaction (score 4-5 of 1-5, as CSAT).
--
-- An order still open is breached once its due time has passed as of the latest stage
-- change in the warehouse (as_of_at): the data's own clock, so a rebuild of the same data
-- gives the same answer.
with

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

stages as (
    select * from {{ ref('fct_work_order_stages') }}
),

as_of as (
    select max(stage_entered_at) as as_of_at from stages
),

stage_hours as (
    select
        work_order_id,
        sum(case when work_order_stage = 'created' then seconds_in_stage else 0 end) / 3600.0 as created_hours,
        sum(case when work_order_stage = 'dispatched' then seconds_in_stage else 0 end) / 3600.0 as dispatched_hours,
        sum(case when work_order_stage = 'accepted' then seconds_in_stage else 0 end) / 3600.0 as accepted_hours,
        sum(case when work_order_stage in ('on_site', 'reopened') then seconds_in_stage else 0 end) / 3600.0 as on_site_hours,
        sum(case when work_order_stage = 'resolved' then seconds_in_stage else 0 end) / 3600.0 as resolved_to_closed_hours
    from stages
    group by work_order_id
),

final as (
    select
        -- ids
        work_orders.work_order_id,
        -- attributes
        -- a missing attribute is 'unknown', so every order counts in the day and region marts
        coalesce(work_orders.work_order_category, 'unknown') as work_order_category,
        coalesce(work_orders.work_order_priority, 'unknown') as work_order_priority,
        coalesce(work_orders.region_office, 'unknown') as region_office,
        work_orders.work_order_status,
        work_orders.sla_hours,
        work_orders.is_open,
        work_orders.first_resolved_at is not null as is_resolved,
        work_orders.is_sla_met,
        case
            when work_orders.first_resolved_at is not null then not work_orders.is_sla_met
            else work_orders.sla_due_at < as_of.as_of_at
        end as is_sla_breached,
        work_orders.reopen_count > 0 as is_reopened,
        work_orders.callback_score is not null as has_callback,
        work_orders.callback_score >= 4 as is_callback_satisfied,
        work_orders.callback_score,
        -- measures
        cast(coalesce(stage_hours.created_hours, 0) as {{ type_double() }}) as created_hours,
        cast(coalesce(stage_hours.dispatched_hours, 0) as {{ type_double() }}) as dispatched_hours,
        cast(coalesce(stage_hours.accepted_hours, 0) as {{ type_double() }}) as accepted_hours,
        cast(coalesce(stage_hours.on_site_hours, 0) as {{ type_double() }}) as on_site_hours,
        cast(coalesce(stage_hours.resolved_to_closed_hours, 0) as {{ type_double() }}) as resolved_to_closed_hours,
        work_orders.hours_to_resolve,
        {{ ratio('work_orders.hours_to_resolve', 'work_orders.sla_hours') }} as sla_share_used,
        -- dates
        work_orders.created_date,
        {{ local_date('work_orders.first_resolved_at') }} as resolved_date,
        -- timestamps
        work_orders.created_at,
        work_orders.sla_due_at,
        work_orders.first_resolved_at,
        as_of.as_of_at
    from work_orders
    cross join as_of
    left join stage_hours on stage_hours.work_order_id = work_orders.work_order_id
)

select * from final
