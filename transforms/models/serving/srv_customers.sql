-- One row per live customer: the screen-pop's header (unified profile and lifecycle).
with served as (
    select
        profile.*,
        scores.lifecycle_stage,
        scores.churn_risk,
        scores.expected_value_12m_cny as customer_value_cny,
        scores.next_best_offer,
        scores.expected_purchases_12m,
        -- lower-cased name and id for searchCustomers
        lower(coalesce(profile.customer_name, '') || ' ' || profile.customer_id) as search_text
    from {{ ref('customer_profile') }} as profile
    left join {{ ref('fct_customer_scores') }} as scores on scores.customer_id = profile.customer_id
)

{{ select_served() }}
