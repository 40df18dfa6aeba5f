{{ config(tags=["scored"]) }}
-- The cross-sell model's propensities with what the customer holds already and each
-- product's rank among the offers still open to them (1 = the next best offer).
with

scores as (
    select * from {{ source('models', 'cross_sell_scores') }}
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

flagged as (
    select
        scores.customer_id,
        scores.product,
        scores.propensity,
        holdings.customer_id is not null as is_held
    from scores
    left join holdings
        on holdings.customer_id = scores.customer_id and holdings.product = scores.product
),

final as (
    select
        customer_id,
        product,
        is_held,
        propensity,
        case when not is_held then
            row_number() over (partition by customer_id, is_held order by propensity desc, product)
        end as offer_rank
    from flagged
)

select * from final
