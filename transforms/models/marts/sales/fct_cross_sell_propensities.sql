{{ config(tags=["scored"]) }}
-- One row per customer and after-sales product: the model's propensity, the customer's
-- expected 12-month value, the list score (propensity x value) and the rank of the offer
-- among the products the customer does not hold already.
with

offers as (
    select * from {{ ref('int_cross_sell_offers_ranked') }}
),

customer_value as (
    select * from {{ source('models', 'customer_value') }}
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["offers.customer_id", "'|'", "offers.product"])) }} as propensity_id,
        offers.customer_id,
        -- attributes
        offers.product,
        offers.is_held,
        offers.offer_rank,
        -- measures
        offers.propensity,
        coalesce(customer_value.expected_value_12m_cny, 0) as expected_value_12m_cny,
        offers.propensity * coalesce(customer_value.expected_value_12m_cny, 0) as list_score
    from offers
    left join customer_value on customer_value.customer_id = offers.customer_id
)

select * from final
