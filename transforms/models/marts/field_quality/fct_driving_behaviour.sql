-- Driving behaviour per vehicle and its owner (the fleet or owner-driver behind the wheel)
-- over the last var('driving_window_days') days of telematics, against its peers: vehicles of
-- the same model and route type. Rates are per 100 km; a ratio of 2 means twice the peers'
-- average; the percentile is the share of peers that drive more gently (0 = gentlest).
-- Vehicles that drove under var('driving_min_km') km in the window are left out: their
-- rates are noise.
with

telematics as (
    select * from {{ ref('fct_telematics_daily') }}
),

vehicles as (
    select * from {{ ref('dim_field_vehicles') }}
),

window_start as (
    select
        cast({{ dbt.dateadd('day', -var('driving_window_days', 90) + 1, 'max(activity_date)') }} as date)
            as start_date
    from telematics
),

vehicle_owners as (
    select vin, customer_id
    from (
        select
            telematics.vin,
            telematics.customer_id,
            row_number() over (partition by telematics.vin order by telematics.activity_date desc) as day_rank
        from telematics
    ) as ranked
    where day_rank = 1
),

totals as (
    select
        telematics.vin,
        count(*) as active_days,
        sum(telematics.km_driven) as km_driven,
        sum(telematics.engine_hours) as engine_hours,
        sum(telematics.fuel_litres) as fuel_litres,
        sum(telematics.harsh_braking_count) as harsh_braking_count,
        sum(telematics.over_speed_count) as over_speed_count,
        sum(telematics.overload_count) as overload_count
    from telematics
    cross join window_start
    where telematics.activity_date >= window_start.start_date
    group by telematics.vin
),

rates as (
    select
        totals.*,
        vehicles.model_code,
        vehicles.route_type,
        cast(totals.harsh_braking_count as {{ type_double() }}) * 100 / totals.km_driven as harsh_braking_per_100km,
        cast(totals.over_speed_count as {{ type_double() }}) * 100 / totals.km_driven as over_speed_per_100km,
        cast(totals.overload_count as {{ type_double() }}) * 100 / totals.km_driven as overload_per_100km,
        cast(totals.fuel_litres as {{ type_double() }}) * 100 / totals.km_driven as fuel_litres_per_100km
    from totals
    inner join vehicles on vehicles.vin = totals.vin
    where totals.km_driven >= {{ var('driving_min_km', 200) }}
),

peers as (
    select
        model_code,
        route_type,
        count(*) as peer_count,
        avg(harsh_braking_per_100km) as peer_harsh_braking_per_100km,
        avg(over_speed_per_100km) as peer_over_speed_per_100km,
        avg(overload_per_100km) as peer_overload_per_100km,
        avg(fuel_litres_per_100km) as peer_fuel_litres_per_100km
    from rates
    group by model_code, route_type
),

scored as (
    select
        rates.*,
        peers.peer_count,
        peers.peer_harsh_braking_per_100km,
        peers.peer_over_speed_per_100km,
        peers.peer_overload_per_100km,
        peers.peer_fuel_litres_per_100km,
        rates.harsh_braking_per_100km + rates.over_speed_per_100km + rates.overload_per_100km
            as events_per_100km
    from rates
    inner join peers on peers.model_code = rates.model_code and peers.route_type = rates.route_type
),

final as (
    select
        -- ids
        scored.vin,
        coalesce(vehicle_owners.customer_id, {{ unknown_key() }}) as customer_id,
        -- attributes
        scored.model_code,
        scored.route_type,
        scored.peer_count,
        -- measures
        scored.active_days,
        cast(scored.km_driven as {{ type_double() }}) as km_driven,
        cast(scored.engine_hours as {{ type_double() }}) as engine_hours,
        scored.harsh_braking_count,
        scored.over_speed_count,
        scored.overload_count,
        scored.harsh_braking_per_100km,
        scored.over_speed_per_100km,
        scored.overload_per_100km,
        scored.fuel_litres_per_100km,
        scored.peer_harsh_braking_per_100km,
        scored.peer_over_speed_per_100km,
        scored.peer_overload_per_100km,
        scored.peer_fuel_litres_per_100km,
        case when scored.peer_harsh_braking_per_100km > 0
            then scored.harsh_braking_per_100km / scored.peer_harsh_braking_per_100km end as harsh_braking_vs_peers,
        case when scored.peer_over_speed_per_100km > 0
            then scored.over_speed_per_100km / scored.peer_over_speed_per_100km end as over_speed_vs_peers,
        case when scored.peer_overload_per_100km > 0
            then scored.overload_per_100km / scored.peer_overload_per_100km end as overload_vs_peers,
        case when scored.peer_fuel_litres_per_100km > 0
            then scored.fuel_litres_per_100km / scored.peer_fuel_litres_per_100km end as fuel_vs_peers,
        percent_rank() over (
            partition by scored.model_code, scored.route_type order by scored.events_per_100km
        ) as driving_peer_percentile
    from scored
    left join vehicle_owners on vehicle_owners.vin = scored.vin
)

select * from final
