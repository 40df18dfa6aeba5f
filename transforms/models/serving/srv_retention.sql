-- Marketers' retention lists (docs/marketing.md "Retention"): every scored customer's churn
-- risk, expected 12-month value and the value at risk (risk x value, the list's order), with
-- the churn model's reasons; read in value-at-risk order.
with served as (
    select
        customer_id,
        churn_risk,
        coalesce(expected_value_12m_cny, 0) as expected_value_cny,
        churn_risk * coalesce(expected_value_12m_cny, 0) as value_at_risk_cny,
        region,
        segment,
        lifecycle_stage,
        primary_phone_masked,
        churn_reason_1,
        churn_reason_2,
        churn_reason_3
    from {{ ref('fct_customer_scores') }}
    where churn_risk is not null
)

{{ select_served() }}
