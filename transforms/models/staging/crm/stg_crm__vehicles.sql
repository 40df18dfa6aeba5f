-- One row per VIN as built.
with

source as (
    select * from {{ source('crm', 'crm__vehicles') }}
),

ranked as (
    select
        *,
        row_number() over (partition by vin order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        vin,
        model_code,
        build_batch,
        -- attributes
        model_name,
        engine_type,
        route_type,
        -- dates
        build_date
    from ranked
    where version_rank = 1
)

select * from final
