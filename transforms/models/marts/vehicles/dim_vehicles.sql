-- One row per vehicle with its current owner, plus the unknown member.
with

vehicles as (
    select * from {{ ref('stg_crm__vehicles') }}
),

ownerships as (
    select * from {{ ref('dim_vehicle_ownerships') }}
),

current_owners as (
    select vin, customer_id, owned_from
    from (
        select
            vin,
            customer_id,
            owned_from,
            row_number() over (partition by vin order by owned_from desc, ownership_id) as owner_rank
        from ownerships
        where is_current
    ) as ranked
    where owner_rank = 1
),

owner_counts as (
    select vin, count(*) as ownership_count
    from ownerships
    group by vin
),

known as (
    select
        -- ids
        vehicles.vin,
        coalesce(current_owners.customer_id, {{ unknown_key() }}) as current_customer_id,
        -- attributes
        vehicles.model_code,
        vehicles.model_name,
        vehicles.build_batch,
        vehicles.engine_type,
        vehicles.route_type,
        coalesce(owner_counts.ownership_count, 0) as ownership_count,
        false as is_unknown_member,
        -- dates
        vehicles.build_date,
        current_owners.owned_from as current_owned_from
    from vehicles
    left join current_owners on current_owners.vin = vehicles.vin
    left join owner_counts on owner_counts.vin = vehicles.vin
),

unknown_member as (
    select
        {{ unknown_key() }} as vin,
        {{ unknown_key() }} as current_customer_id,
        cast(null as {{ dbt.type_string() }}) as model_code,
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_string() }}) as build_batch,
        cast(null as {{ dbt.type_string() }}) as engine_type,
        cast(null as {{ dbt.type_string() }}) as route_type,
        cast(0 as {{ dbt.type_bigint() }}) as ownership_count,
        true as is_unknown_member,
        cast(null as date) as build_date,
        cast(null as date) as current_owned_from
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final
