-- Failure rates per vehicle model x component x region x week (build batches summed): the
-- series the "Field quality" dashboard draws. Rates are per 1000 vehicle-days.
with

weekly as (
    select * from {{ ref('fct_failure_exposure_weekly') }}
),

rolled_up as (
    select
        model_code,
        component,
        region_office,
        week_start,
        sum(vehicles_in_service) as vehicles_in_service,
        sum(vehicle_days) as vehicle_days,
        sum(km_driven) as km_driven,
        sum(failure_count) as failure_count
    from weekly
    group by model_code, component, region_office, week_start
),

final as (
    select
        -- ids
        {{ dbt.concat(["model_code", "'|'", "component", "'|'", "region_office", "'|'",
            dbt.safe_cast("week_start", dbt.type_string())]) }} as rate_week_id,
        -- attributes
        model_code,
        component,
        region_office,
        -- measures
        vehicles_in_service,
        vehicle_days,
        cast(km_driven as {{ type_double() }}) as km_driven,
        failure_count,
        case when vehicle_days > 0
            then cast(failure_count as {{ type_double() }}) * 1000 / vehicle_days end as failures_per_1000_vehicle_days,
        -- dates
        week_start
    from rolled_up
)

select * from final
