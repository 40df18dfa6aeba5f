-- The dispatcher's view: one row per region office with its open work orders and the
-- engineers on duty, as of the latest stage change in the warehouse (as_of_at).
--
-- An order's engineer is the last one named in its stage history. Engineers on duty are
-- those of the roster (fct_engineer_shifts) whose shift covers as_of_at.
with

orders as (
    select * from {{ ref('fct_work_order_sla') }}
),

stages as (
    select * from {{ ref('fct_work_order_stages') }}
),

as_of as (
    select max(stage_entered_at) as as_of_at from stages
),

assigned as (
    select work_order_id, {{ last_by('engineer_id', 'transition_seq') }} as engineer_id
    from stages
    where engineer_id is not null
    group by work_order_id
),

open_orders as (
    select orders.*, assigned.engineer_id
    from orders
    left join assigned on assigned.work_order_id = orders.work_order_id
    where orders.is_open
),

shifts as (
    select * from {{ ref('fct_engineer_shifts') }}
),

on_duty as (
    select distinct shifts.region_office, shifts.engineer_id
    from shifts
    cross join as_of
    where shifts.shift_started_at <= as_of.as_of_at and shifts.shift_ended_at > as_of.as_of_at
),

regions as (
    select distinct region_office from orders
),

open_counts as (
    select
        region_office,
        count(*) as open_work_orders,
        {{ count_where("engineer_id is null") }} as unassigned_work_orders,
        {{ count_where("is_sla_breached") }} as overdue_work_orders,
        {{ count_where("work_order_status = 'created'") }} as open_created,
        {{ count_where("work_order_status = 'dispatched'") }} as open_dispatched,
        {{ count_where("work_order_status = 'accepted'") }} as open_accepted,
        {{ count_where("work_order_status = 'on_site'") }} as open_on_site,
        {{ count_where("work_order_status = 'reopened'") }} as open_reopened
    from open_orders
    group by region_office
),

duty_counts as (
    select region_office, count(distinct engineer_id) as engineers_on_duty
    from on_duty
    group by region_office
),

workload as (
    select
        -- ids
        regions.region_office,
        -- workload
        coalesce(duty_counts.engineers_on_duty, 0) as engineers_on_duty,
        coalesce(open_counts.open_work_orders, 0) as open_work_orders,
        coalesce(open_counts.unassigned_work_orders, 0) as unassigned_work_orders,
        coalesce(open_counts.overdue_work_orders, 0) as overdue_work_orders,
        coalesce(open_counts.open_created, 0) as open_created,
        coalesce(open_counts.open_dispatched, 0) as open_dispatched,
        coalesce(open_counts.open_accepted, 0) as open_accepted,
        coalesce(open_counts.open_on_site, 0) as open_on_site,
        coalesce(open_counts.open_reopened, 0) as open_reopened,
        -- timestamps
        as_of.as_of_at
    from regions
    cross join as_of
    left join open_counts on open_counts.region_office = regions.region_office
    left join duty_counts on duty_counts.region_office = regions.region_office
),

final as (
    select
        -- ids
        region_office,
        -- workload
        engineers_on_duty,
        open_work_orders,
        unassigned_work_orders,
        overdue_work_orders,
        open_created,
        open_dispatched,
        open_accepted,
        open_on_site,
        open_reopened,
        {{ kpi('open_work_orders_per_engineer') }} as open_work_orders_per_engineer,
        -- timestamps
        as_of_at
    from workload
)

select * from final
