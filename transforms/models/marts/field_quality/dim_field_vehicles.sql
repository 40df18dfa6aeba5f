-- One row per vehicle that has entered service: what the field-quality cells are made of.
-- A vehicle belongs to the cell of its model, build batch (its build month) and the
-- service region of its first owner's city; it is exposed from its first day of ownership.
-- The region of a city is the service office that handles most of its work orders.
with

vehicles as (
    select * from {{ ref('dim_vehicles') }}
),

ownerships as (
    select * from {{ ref('dim_vehicle_ownerships') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

telematics as (
    select * from {{ ref('fct_telematics_daily') }}
),

first_ownerships as (
    select vin, customer_id, owned_from
    from (
        select
            vin,
            customer_id,
            owned_from,
            row_number() over (partition by vin order by owned_from, ownership_id) as ownership_rank
        from ownerships
    ) as ranked
    where ownership_rank = 1
),

city_offices as (
    select
        customers.city,
        work_orders.region_office,
        count(*) as work_order_count
    from work_orders
    inner join customers on customers.customer_id = work_orders.customer_id
    where customers.city is not null and work_orders.region_office is not null
    group by customers.city, work_orders.region_office
),

city_regions as (
    select city, region_office
    from (
        select
            city,
            region_office,
            row_number() over (partition by city order by work_order_count desc, region_office) as office_rank
        from city_offices
    ) as ranked
    where office_rank = 1
),

connected as (
    select distinct vin from telematics
),

final as (
    select
        -- ids
        vehicles.vin,
        -- attributes
        vehicles.model_code,
        vehicles.model_name,
        vehicles.build_batch,
        vehicles.route_type,
        coalesce(city_regions.region_office, 'unknown') as region_office,
        connected.vin is not null as is_connected,
        -- dates
        cast({{ dbt.date_trunc('month', 'vehicles.build_date') }} as date) as build_month,
        first_ownerships.owned_from as in_service_from
    from vehicles
    inner join first_ownerships on first_ownerships.vin = vehicles.vin
    left join customers on customers.customer_id = first_ownerships.customer_id
    left join city_regions on city_regions.city = customers.city
    left join connected on connected.vin = vehicles.vin
    where not vehicles.is_unknown_member
)

select * from final
