-- The fault codes active on each owned vehicle as of the build: the vehicle's last event for
-- the code is a raise (not cleared since), with the catalogue's component and description
-- and since when it is active. Read by the screen-pop per vehicle (Vehicle.activeFaults).
with as_of as (
    select as_of from {{ ref('serving_build') }}
),

fault_events as (
    select
        events.vin,
        events.event_type,
        events.event_at,
        {{ dbt.concat([dbt.safe_cast("events.spn", dbt.type_string()), "'-'", dbt.safe_cast("events.fmi", dbt.type_string())]) }}
            as fault_code,
        row_number() over (
            partition by events.vin, events.spn, events.fmi order by events.event_at desc, events.event_id desc
        ) as recency
    from {{ ref('stg_telematics__events') }} as events
    cross join as_of
    where events.event_type in ('fault_raised', 'fault_cleared')
        and events.spn is not null and events.fmi is not null
        and events.event_at <= as_of.as_of
),

served as (
    select
        vehicles.current_customer_id as customer_id,
        fault_events.vin,
        fault_events.fault_code,
        fault_codes.component,
        fault_codes.fault_description,
        fault_events.event_at as active_since
    from fault_events
    inner join {{ ref('dim_vehicles') }} as vehicles on vehicles.vin = fault_events.vin
    left join {{ ref('fault_codes') }} as fault_codes on fault_codes.fault_code = fault_events.fault_code
    where fault_events.recency = 1 and fault_events.event_type = 'fault_raised'
        and not vehicles.is_unknown_member
)

{{ select_served() }}
