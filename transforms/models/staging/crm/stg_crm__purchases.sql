with

source as (
    select * from {{ source('crm', 'crm__purchases') }}
),

ranked as (
    select
        *,
        row_number() over (partition by purchase_id order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        purchase_id,
        customer_id as crm_customer_id,
        vin,
        -- attributes
        product,
        channel as purchase_channel,
        cast(amount_cny as {{ dbt.type_numeric() }}) as amount_cny,
        coverage_months,
        -- timestamps
        purchased_at
    from ranked
    where version_rank = 1
)

select * from final
