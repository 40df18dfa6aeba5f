{{
    config(
        materialized=fact_materialization(),
        unique_key='vehicle_day_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ ref('int_crm_customers_resolved') }}
-- Per vehicle and Beijing calendar day: distance, fuel, engine hours and driving events,
-- joined to whoever owned the vehicle that day.
--
-- Incremental: each run recomputes the last var('incremental_window_days') days already
-- in the table (late readings and events land there) and everything after. Deltas need
-- the reading before each one, so readings are read from one day earlier than the window.
-- Each delta becomes an exact 6-place decimal before it is summed: a float sum depends on
-- the order rows arrive in (and a double is rounded to a decimal differently by DuckDB and
-- PostgreSQL), while a rebuild of the same data, on either engine, must give the same
-- table. Day sums are then fixed to 3 decimals.
-- A delta is counted only when it is plausible for the time since the previous reading
-- (odometer resets, duplicate or long-gapped readings add nothing). Vehicles whose rows
-- name a customer id since retired by a merge are rebuilt whole, to re-resolve the owner.
with

{% if is_incremental() %}
window_start as (
    select
        cast({{ dbt.dateadd('day', -var('incremental_window_days', 3), 'max(activity_date)') }} as date)
            as start_date
    from {{ this }}
),

stale_vins as (
    select distinct vin from ({{ keys_with_retired_customers('vin') }}) as retired
),
{% else %}
window_start as (
    select cast('1900-01-01' as date) as start_date
),

stale_vins as (
    select cast(null as {{ dbt.type_string() }}) as vin
    where 1 = 0
),
{% endif %}

readings as (
    select readings.*
    from {{ ref('stg_telematics__readings') }} as readings
    cross join window_start
    where readings.reading_at >= {{ dbt.dateadd('day', -1, 'window_start.start_date') }}
        or readings.vin in (select vin from stale_vins)
    {% if is_incremental() %}
    union all
    -- Each vehicle's last reading before the window: the first delta inside the window is
    -- measured from it, however long the vehicle stood still, exactly as a full build does.
    select readings.*
    from {{ ref('stg_telematics__readings') }} as readings
    inner join (
        select earlier.vin, max(earlier.reading_at) as reading_at
        from {{ ref('stg_telematics__readings') }} as earlier
        cross join window_start
        where earlier.reading_at < {{ dbt.dateadd('day', -1, 'window_start.start_date') }}
        group by earlier.vin
    ) as previous
        on previous.vin = readings.vin and previous.reading_at = readings.reading_at
    where not exists (select 1 from stale_vins where stale_vins.vin = readings.vin)
    {% endif %}
),

events as (
    select events.*, {{ local_date('events.event_at') }} as activity_date
    from {{ ref('stg_telematics__events') }} as events
    cross join window_start
    where {{ local_date('events.event_at') }} >= window_start.start_date
        or events.vin in (select vin from stale_vins)
),

ownerships as (
    select * from {{ ref('dim_vehicle_ownerships') }}
),

with_previous as (
    select
        vin,
        reading_at,
        {{ local_date('reading_at') }} as activity_date,
        speed_kmh,
        fuel_rate_lph,
        odometer_km - lag(odometer_km) over vehicle_time as odometer_delta_km,
        engine_hours - lag(engine_hours) over vehicle_time as engine_hours_delta,
        {{ hours_between('lag(reading_at) over vehicle_time', 'reading_at') }} as gap_hours
    from readings
    window vehicle_time as (partition by vin order by reading_at)
),

deltas as (
    select
        vin,
        activity_date,
        speed_kmh,
        cast(
            case
                when odometer_delta_km >= 0 and odometer_delta_km <= 150 * gap_hours then odometer_delta_km
                else 0
            end as numeric(18, 6)
        ) as km_driven,
        cast(
            case when gap_hours <= 6 then coalesce(fuel_rate_lph, 0) * gap_hours else 0 end as numeric(18, 6)
        ) as fuel_litres,
        cast(
            case
                when engine_hours_delta >= 0 and engine_hours_delta <= gap_hours + 0.1 then engine_hours_delta
                else 0
            end as numeric(18, 6)
        ) as engine_hours
    from with_previous
),

reading_days as (
    select
        deltas.vin,
        deltas.activity_date,
        count(*) as reading_count,
        sum(deltas.km_driven) as km_driven,
        sum(deltas.fuel_litres) as fuel_litres,
        sum(deltas.engine_hours) as engine_hours,
        max(deltas.speed_kmh) as max_speed_kmh
    from deltas
    cross join window_start
    where deltas.activity_date >= window_start.start_date
        or deltas.vin in (select vin from stale_vins)
    group by deltas.vin, deltas.activity_date
),

event_days as (
    select
        vin,
        activity_date,
        sum(case when event_type = 'harsh_braking' then 1 else 0 end) as harsh_braking_count,
        sum(case when event_type = 'over_speed' then 1 else 0 end) as over_speed_count,
        sum(case when event_type = 'overload' then 1 else 0 end) as overload_count,
        sum(case when event_type = 'fault_raised' then 1 else 0 end) as faults_raised_count,
        sum(case when event_type = 'fault_cleared' then 1 else 0 end) as faults_cleared_count
    from events
    group by vin, activity_date
),

vehicle_days as (
    select vin, activity_date from reading_days
    union
    select vin, activity_date from event_days
),

owners as (
    select vin, activity_date, customer_id
    from (
        select
            vehicle_days.vin,
            vehicle_days.activity_date,
            ownerships.customer_id,
            row_number() over (
                partition by vehicle_days.vin, vehicle_days.activity_date
                order by ownerships.valid_from desc, ownerships.ownership_id
            ) as owner_rank
        from vehicle_days
        inner join ownerships
            on ownerships.vin = vehicle_days.vin
            and vehicle_days.activity_date >= ownerships.valid_from
            and vehicle_days.activity_date < ownerships.valid_to
    ) as ranked
    where owner_rank = 1
),

final as (
    select
        -- ids
        {{ dbt.concat(["vehicle_days.vin", "'|'", dbt.safe_cast("vehicle_days.activity_date", dbt.type_string())]) }}
            as vehicle_day_id,
        vehicle_days.vin,
        coalesce(owners.customer_id, {{ unknown_key() }}) as customer_id,
        -- measures
        coalesce(reading_days.reading_count, 0) as reading_count,
        cast(coalesce(reading_days.km_driven, 0) as numeric(18, 3)) as km_driven,
        cast(coalesce(reading_days.fuel_litres, 0) as numeric(18, 3)) as fuel_litres,
        cast(coalesce(reading_days.engine_hours, 0) as numeric(18, 3)) as engine_hours,
        reading_days.max_speed_kmh,
        coalesce(event_days.harsh_braking_count, 0) as harsh_braking_count,
        coalesce(event_days.over_speed_count, 0) as over_speed_count,
        coalesce(event_days.overload_count, 0) as overload_count,
        coalesce(event_days.faults_raised_count, 0) as faults_raised_count,
        coalesce(event_days.faults_cleared_count, 0) as faults_cleared_count,
        -- dates
        vehicle_days.activity_date
    from vehicle_days
    left join reading_days
        on reading_days.vin = vehicle_days.vin and reading_days.activity_date = vehicle_days.activity_date
    left join event_days
        on event_days.vin = vehicle_days.vin and event_days.activity_date = vehicle_days.activity_date
    left join owners
        on owners.vin = vehicle_days.vin and owners.activity_date = vehicle_days.activity_date
)

select * from final
