{{ config(tags=["scored"]) }}
-- One row per customer with what the models say about them: lifecycle stage, churn risk
-- and its reasons, expected purchases and value over 12 months, and the next best offer
-- (the product with the highest propensity that the customer does not hold already).
with

customers as (
    select * from {{ ref('dim_customers') }}
    where not is_unknown_member
),

stages as (
    select * from {{ source('models', 'lifecycle_stages') }}
),

churn as (
    select * from {{ source('models', 'churn_scores') }}
),

customer_value as (
    select * from {{ source('models', 'customer_value') }}
),

offers as (
    select * from {{ ref('int_cross_sell_offers_ranked') }}
),

best_offer as (
    select customer_id, product as next_best_offer, propensity as next_best_offer_propensity
    from offers
    where offer_rank = 1
),

final as (
    select
        -- ids
        customers.customer_id,
        -- what marketers' lists filter on and show
        customers.province as region,
        customers.segment,
        customers.primary_phone_masked,
        -- lifecycle
        stages.lifecycle_stage,
        churn.churn_risk,
        churn.reason_1 as churn_reason_1,
        churn.reason_2 as churn_reason_2,
        churn.reason_3 as churn_reason_3,
        -- value
        customer_value.expected_purchases_12m,
        customer_value.expected_value_12m_cny,
        -- offer
        best_offer.next_best_offer,
        best_offer.next_best_offer_propensity
    from customers
    left join stages on stages.customer_id = customers.customer_id
    left join churn on churn.customer_id = customers.customer_id
    left join customer_value on customer_value.customer_id = customers.customer_id
    left join best_offer on best_offer.customer_id = customers.customer_id
)

select * from final
