-- Failures against exposure per vehicle model x component x build batch x region x week:
-- the rates R&D and the "Field quality" dashboard compare. Exposure is counted within the
-- period the warehouse holds, so the first and last weeks
-- may be partial: vehicle-days say how much of them there is. The period runs from the
-- first to the last day anything was reported (a work order, a failure); a week in which
-- nothing at all was reported or driven has no row.
with

vehicles as (
    select * from {{ ref('dim_field_vehicles') }}
),

failures as (
    select * from {{ ref('fct_component_failures') }}
),

telematics as (
    select * from {{ ref('fct_telematics_daily') }}
),

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

fault_codes as (
    select * from {{ ref('fault_codes') }}
),

reported_days as (
    select created_date as reported_date from work_orders
    union
    select failure_date from failures
),

period as (
    select min(reported_date) as start_date, max(reported_date) as end_date
    from reported_days
),

weeks as (
    select distinct cast({{ dbt.date_trunc('week', 'reported_date') }} as date) as week_start
    from reported_days
    union
    select distinct cast({{ dbt.date_trunc('week', 'activity_date') }} as date)
    from telematics
    cross join period
    where telematics.activity_date between period.start_date and period.end_date
),

components as (
    select distinct component from fault_codes
),

service_groups as (
    select model_code, build_batch, region_office, in_service_from, count(*) as vehicle_count
    from vehicles
    group by model_code, build_batch, region_office, in_service_from
),

group_weeks as (
    select
        service_groups.model_code,
        service_groups.build_batch,
        service_groups.region_office,
        weeks.week_start,
        service_groups.vehicle_count,
        case
            when service_groups.in_service_from > period.start_date then service_groups.in_service_from
            else period.start_date
        end as exposed_from,
        case
            when {{ dbt.dateadd('day', 6, 'weeks.week_start') }} < period.end_date
                then cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} as date)
            else period.end_date
        end as week_end
    from service_groups
    cross join weeks
    cross join period
),

exposure as (
    select
        model_code,
        build_batch,
        region_office,
        week_start,
        sum(case when exposed_from <= week_end then vehicle_count else 0 end) as vehicles_in_service,
        sum(
            vehicle_count * case
                when exposed_from > week_end then 0
                when exposed_from > week_start then {{ dbt.datediff('exposed_from', 'week_end', 'day') }} + 1
                else {{ dbt.datediff('week_start', 'week_end', 'day') }} + 1
            end
        ) as vehicle_days
    from group_weeks
    group by model_code, build_batch, region_office, week_start
),

distance as (
    select
        vehicles.model_code,
        vehicles.build_batch,
        vehicles.region_office,
        cast({{ dbt.date_trunc('week', 'telematics.activity_date') }} as date) as week_start,
        count(distinct vehicles.vin) as connected_vehicles,
        sum(telematics.km_driven) as km_driven
    from telematics
    inner join vehicles on vehicles.vin = telematics.vin
    group by vehicles.model_code, vehicles.build_batch, vehicles.region_office,
        cast({{ dbt.date_trunc('week', 'telematics.activity_date') }} as date)
),

failure_counts as (
    select
        model_code,
        build_batch,
        region_office,
        component,
        failure_week as week_start,
        count(*) as failure_count,
        sum(case when has_work_order then 1 else 0 end) as work_order_failure_count,
        sum(case when has_telematics and not has_work_order then 1 else 0 end) as telematics_only_failure_count
    from failures
    group by model_code, build_batch, region_office, component, failure_week
),

final as (
    select
        -- ids
        {{ dbt.concat(["exposure.model_code", "'|'", "components.component", "'|'", "exposure.build_batch", "'|'",
            "exposure.region_office", "'|'", dbt.safe_cast("exposure.week_start", dbt.type_string())]) }}
            as cell_week_id,
        -- attributes
        exposure.model_code,
        components.component,
        exposure.build_batch,
        exposure.region_office,
        -- measures
        exposure.vehicles_in_service,
        exposure.vehicle_days,
        coalesce(distance.connected_vehicles, 0) as connected_vehicles,
        cast(coalesce(distance.km_driven, 0) as numeric(18, 3)) as km_driven,
        coalesce(failure_counts.failure_count, 0) as failure_count,
        coalesce(failure_counts.work_order_failure_count, 0) as work_order_failure_count,
        coalesce(failure_counts.telematics_only_failure_count, 0) as telematics_only_failure_count,
        -- dates
        exposure.week_start
    from exposure
    cross join components
    left join distance
        on distance.model_code = exposure.model_code
        and distance.build_batch = exposure.build_batch
        and distance.region_office = exposure.region_office
        and distance.week_start = exposure.week_start
    left join failure_counts
        on failure_counts.model_code = exposure.model_code
        and failure_counts.build_batch = exposure.build_batch
        and failure_counts.region_office = exposure.region_office
        and failure_counts.component = components.component
        and failure_counts.week_start = exposure.week_start
    where exposure.vehicle_days > 0
)

select * from final
