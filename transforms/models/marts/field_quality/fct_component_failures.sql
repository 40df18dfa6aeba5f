-- One row per failure of a vehicle's component as the field reports it, from repair and
-- rescue work orders and from telematics fault codes.
--
-- Rules (docs/field_quality.md):
-- * a work order's component is the one the agent recorded, else the component of its
--   fault code (fault_codes seed);
-- * a telematics fault counts when it was not cleared within var('transient_fault_hours')
--   (1% of trucks a day raise a fault that clears itself within two hours);
-- * reports of one vehicle's component within var('failure_episode_days') of the previous
--   report are the same failure (the call's work order and the truck's fault code, a
--   reopened order, a repeat call): the failure dates from its first report.
with

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

events as (
    select * from {{ ref('stg_telematics__events') }}
),

fault_codes as (
    select * from {{ ref('fault_codes') }}
),

vehicles as (
    select * from {{ ref('dim_field_vehicles') }}
),

work_order_reports as (
    select
        work_orders.vin,
        coalesce(work_orders.component, fault_codes.component) as component,
        work_orders.fault_code,
        work_orders.work_order_id,
        work_orders.created_at as reported_at,
        'work_order' as report_source
    from work_orders
    left join fault_codes on fault_codes.fault_code = work_orders.fault_code
    where work_orders.work_order_category in ('repair', 'rescue')
        and work_orders.vin <> {{ unknown_key() }}
),

raised as (
    select
        event_id,
        vin,
        spn,
        fmi,
        event_at,
        {{ dbt.concat([dbt.safe_cast("spn", dbt.type_string()), "'-'", dbt.safe_cast("fmi", dbt.type_string())]) }}
            as fault_code
    from events
    where event_type = 'fault_raised'
),

cleared as (
    select vin, spn, fmi, event_at
    from events
    where event_type = 'fault_cleared'
),

transient as (
    select distinct raised.event_id
    from raised
    inner join cleared
        on cleared.vin = raised.vin
        and cleared.spn = raised.spn
        and cleared.fmi = raised.fmi
        and cleared.event_at >= raised.event_at
        and cleared.event_at <= {{ dbt.dateadd('hour', var('transient_fault_hours', 6), 'raised.event_at') }}
),

telematics_reports as (
    select
        raised.vin,
        fault_codes.component,
        raised.fault_code,
        cast(null as {{ dbt.type_string() }}) as work_order_id,
        raised.event_at as reported_at,
        'telematics' as report_source
    from raised
    inner join fault_codes on fault_codes.fault_code = raised.fault_code
    where raised.event_id not in (select event_id from transient)
),

reports as (
    select * from work_order_reports where component is not null
    union all
    select * from telematics_reports
),

with_previous as (
    select
        reports.*,
        lag(reported_at) over (partition by vin, component order by reported_at, report_source) as previous_at
    from reports
),

numbered as (
    select
        with_previous.*,
        sum(
            case
                when previous_at is null
                    or reported_at > {{ dbt.dateadd('day', var('failure_episode_days', 14), 'previous_at') }}
                    then 1
                else 0
            end
        ) over (
            partition by vin, component order by reported_at, report_source rows unbounded preceding
        ) as episode_number
    from with_previous
),

episodes as (
    select
        vin,
        component,
        episode_number,
        min(reported_at) as first_reported_at,
        count(*) as report_count,
        max(case when report_source = 'work_order' then 1 else 0 end) as has_work_order,
        max(case when report_source = 'telematics' then 1 else 0 end) as has_telematics,
        min(work_order_id) as work_order_id,
        min(fault_code) as fault_code
    from numbered
    group by vin, component, episode_number
),

final as (
    select
        -- ids
        {{ dbt.concat(["episodes.vin", "'|'", "episodes.component", "'|'",
            dbt.safe_cast("episodes.episode_number", dbt.type_string())]) }} as failure_id,
        episodes.vin,
        episodes.work_order_id,
        -- attributes
        episodes.component,
        episodes.fault_code,
        vehicles.model_code,
        vehicles.build_batch,
        vehicles.region_office,
        vehicles.route_type,
        episodes.report_count,
        episodes.has_work_order = 1 as has_work_order,
        episodes.has_telematics = 1 as has_telematics,
        -- dates
        {{ local_date('episodes.first_reported_at') }} as failure_date,
        cast({{ dbt.date_trunc('week', local_date('episodes.first_reported_at')) }} as date) as failure_week,
        -- timestamps
        episodes.first_reported_at
    from episodes
    inner join vehicles on vehicles.vin = episodes.vin
)

select * from final
