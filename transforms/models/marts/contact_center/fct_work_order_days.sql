-- One row per region office, category, priority and Beijing day: orders created and
-- resolved that day, resolved within SLA, and the backlog at the end of the day (created
-- so far minus first-resolved so far). Reopen rate and callback satisfaction belong to
-- the day of resolution: of the orders resolved that day, how many were reopened later
-- and how satisfied the callback found the customer. Every (region, category, priority)
-- gets every day of the warehouse, so backlog lines have no gaps.
with

orders as (
    select * from {{ ref('fct_work_order_sla') }}
),

calls as (
    select * from {{ ref('fct_calls') }}
),

days as (
    select distinct call_date as activity_date from calls
    union
    select distinct created_date from orders
    union
    select distinct resolved_date from orders where resolved_date is not null
),

segments as (
    select distinct region_office, work_order_category, work_order_priority
    from orders
),

created as (
    select region_office, work_order_category, work_order_priority, created_date as activity_date,
        count(*) as created_work_orders
    from orders
    group by 1, 2, 3, 4
),

resolved as (
    select region_office, work_order_category, work_order_priority, resolved_date as activity_date,
        count(*) as resolved_work_orders,
        {{ count_where("is_sla_met") }} as resolved_within_sla_work_orders,
        sum(hours_to_resolve) as resolve_hours,
        {{ count_where("is_reopened") }} as reopened_work_orders,
        {{ count_where("has_callback") }} as callback_responses,
        {{ count_where("is_callback_satisfied") }} as callback_satisfied_responses
    from orders
    where is_resolved
    group by 1, 2, 3, 4
),

grid as (
    select
        segments.region_office,
        segments.work_order_category,
        segments.work_order_priority,
        days.activity_date,
        coalesce(created.created_work_orders, 0) as created_work_orders,
        coalesce(resolved.resolved_work_orders, 0) as resolved_work_orders,
        coalesce(resolved.resolved_within_sla_work_orders, 0) as resolved_within_sla_work_orders,
        coalesce(resolved.resolve_hours, 0) as resolve_hours,
        coalesce(resolved.reopened_work_orders, 0) as reopened_work_orders,
        coalesce(resolved.callback_responses, 0) as callback_responses,
        coalesce(resolved.callback_satisfied_responses, 0) as callback_satisfied_responses
    from segments
    cross join days
    left join created
        on created.region_office = segments.region_office
        and created.work_order_category = segments.work_order_category
        and created.work_order_priority = segments.work_order_priority
        and created.activity_date = days.activity_date
    left join resolved
        on resolved.region_office = segments.region_office
        and resolved.work_order_category = segments.work_order_category
        and resolved.work_order_priority = segments.work_order_priority
        and resolved.activity_date = days.activity_date
),

cumulated as (
    select
        grid.*,
        sum(created_work_orders - resolved_work_orders) over (
            partition by region_office, work_order_category, work_order_priority
            order by activity_date
            rows between unbounded preceding and current row
        ) as backlog_work_orders
    from grid
),

final as (
    select
        -- ids
        {{ dbt.concat(["region_office", "'|'", "work_order_category", "'|'", "work_order_priority", "'|'",
                       dbt.safe_cast("activity_date", dbt.type_string())]) }} as work_order_day_id,
        -- attributes
        region_office,
        work_order_category,
        work_order_priority,
        -- dates
        activity_date,
        -- flow
        created_work_orders,
        resolved_work_orders,
        cast(backlog_work_orders as {{ dbt.type_bigint() }}) as backlog_work_orders,
        -- SLA compliance
        resolved_within_sla_work_orders,
        {{ kpi('sla_compliance') }} as sla_compliance,
        resolve_hours,
        {{ kpi('average_resolve_hours') }} as average_resolve_hours,
        -- reopen rate
        reopened_work_orders,
        {{ kpi('reopen_rate') }} as reopen_rate,
        -- callback satisfaction
        callback_satisfied_responses,
        callback_responses,
        {{ kpi('callback_satisfaction') }} as callback_satisfaction
    from cumulated
)

select * from final
