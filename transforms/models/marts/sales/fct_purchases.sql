-- One row per purchase, on the unified customer; coverage end for products that run
-- for a period (warranty, maintenance, subscriptions, financing).
with

purchases as (
    select * from {{ ref('stg_crm__purchases') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

final as (
    select
        -- ids
        purchases.purchase_id,
        coalesce(resolved.customer_id, {{ unknown_key() }}) as customer_id,
        purchases.crm_customer_id,
        purchases.vin,
        -- attributes
        purchases.product,
        purchases.purchase_channel,
        purchases.coverage_months,
        -- measures
        purchases.amount_cny,
        -- dates
        {{ local_date('purchases.purchased_at') }} as purchase_date,
        case
            when purchases.coverage_months > 0
                then cast({{ dbt.dateadd('month', 'purchases.coverage_months', 'purchases.purchased_at') }} as date)
        end as coverage_ends_on,
        -- timestamps
        purchases.purchased_at
    from purchases
    left join resolved on resolved.crm_customer_id = purchases.crm_customer_id
)

select * from final
