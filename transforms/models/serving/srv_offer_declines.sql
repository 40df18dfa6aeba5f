-- The latest decline per customer and product (docs/marketing.md "Declined offers"): the
-- cross-sell lists leave out a product the customer declined within
-- marketing_decline_suppression_days (hub/offers.py holds the rule for later write-backs).
with declines as (
    select
        customer_id,
        product,
        max(responded_at) as last_declined_at,
        count(*) as decline_count
    from {{ ref('fct_offer_responses') }}
    where offer_response = 'declined'
    group by customer_id, product
),

served as (
    select * from declines
)

{{ select_served() }}
