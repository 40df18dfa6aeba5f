{{ config(tags=["scored"]) }}
-- One row per customer and after-sales product: the model's propensity, the customer's
-- expected 12-month value, the list score (propensity x value) and the rank of the offer
-- among the products the customer does not hold already.
with

scores as (
    select * from {{ source('models', 'cross_sell_scores') }}
),

customer_value as (
    select * from {{ source('models', 'customer_value') }}
),

purchases as (
    select * from {{ ref('fct_purchases') }}
),

latest_purchase as (
    select max(purchase_date) as latest_purchase_date from purchases
),

holdings as (
    select distinct purchases.customer_id, purchases.product
    from purchases
    cross join latest_purchase
    where purchases.coverage_ends_on >= latest_purchase.latest_purchase_date
),

scored as (
    select
        scores.customer_id,
        scores.product,
        scores.propensity,
        coalesce(customer_value.expected_value_12m_cny, 0) as expected_value_12m_cny,
        holdings.customer_id is not null as is_held
    from scores
    left join customer_value on customer_value.customer_id = scores.customer_id
    left join holdings
        on holdings.customer_id = scores.customer_id and holdings.product = scores.product
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["customer_id", "'|'", "product"])) }} as propensity_id,
        customer_id,
        -- attributes
        product,
        is_held,
        -- measures
        propensity,
        expected_value_12m_cny,
        propensity * expected_value_12m_cny as list_score,
        case when not is_held then
            row_number() over (partition by customer_id, is_held order by propensity desc, product)
        end as offer_rank
    from scored
)

select * from final
