-- Marketers' cross-sell lists: every customer's propensity per product with what a list
-- shows beside it (docs/marketing.md); read in list-score order.
with served as (
    select
        propensities.product,
        propensities.customer_id,
        propensities.propensity,
        propensities.expected_value_12m_cny as expected_value_cny,
        propensities.list_score,
        propensities.is_held,
        scores.region,
        scores.segment,
        scores.lifecycle_stage,
        scores.primary_phone_masked
    from {{ ref('fct_cross_sell_propensities') }} as propensities
    inner join {{ ref('fct_customer_scores') }} as scores on scores.customer_id = propensities.customer_id
)

{{ select_served() }}
