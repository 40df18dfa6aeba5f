-- Each known vehicle with its current owner and its health as of the build: faults still
-- active, distance and driving score over the health window, and against its peers.
with as_of as (
    select as_of from {{ ref('serving_build') }}
),

recent_days as (
    select
        daily.vin,
        sum(daily.km_driven) as km,
        sum(daily.harsh_braking_count + daily.over_speed_count + daily.overload_count) as events,
        max(daily.activity_date) as last_active_date
    from {{ ref('fct_telematics_daily') }} as daily
    cross join as_of
    where daily.activity_date > {{ dbt.dateadd('day', -var('serving_health_window_days'), 'cast(as_of.as_of as date)') }}
    group by daily.vin
),

faults as (
    -- raised minus cleared over the vehicle's whole history, never below zero
    select vin, greatest(sum(faults_raised_count) - sum(faults_cleared_count), 0) as active_fault_count
    from {{ ref('fct_telematics_daily') }}
    group by vin
),

served as (
    select
        vehicles.vin,
        vehicles.current_customer_id as customer_id,
        vehicles.model_code,
        vehicles.model_name,
        vehicles.build_batch,
        vehicles.engine_type,
        vehicles.current_owned_from as owned_from,
        faults.active_fault_count,
        -- 100 minus the configured points per event per 100 km; no score without distance
        case when recent_days.km > 0 then {{ round_to(
            'greatest(0, 100 - ' ~ var('serving_score_points_per_event_per_100km')
            ~ ' * recent_days.events * 100 / recent_days.km)', 1) }} end as driving_score,
        recent_days.km as km_last_30_days,
        recent_days.last_active_date,
        behaviour.driving_peer_percentile,
        behaviour.harsh_braking_vs_peers,
        behaviour.over_speed_vs_peers,
        behaviour.fuel_vs_peers
    from {{ ref('dim_vehicles') }} as vehicles
    left join recent_days on recent_days.vin = vehicles.vin
    left join faults on faults.vin = vehicles.vin
    left join {{ ref('fct_driving_behaviour') }} as behaviour on behaviour.vin = vehicles.vin
    where not vehicles.is_unknown_member
)

{{ select_served() }}
