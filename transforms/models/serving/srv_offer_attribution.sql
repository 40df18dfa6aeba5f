-- Conversions by campaign, channel and product (docs/marketing.md "Attribution"): offers
-- made, how many were accepted, how many converted (a purchase of the product within the
-- attribution window, last touch: fct_offer_conversions) and the revenue they brought.
with offers as (
    select * from {{ ref('fct_offer_conversions') }}
),

counted as (
    select
        campaign_id,
        offer_channel,
        product,
        cast(count(*) as {{ dbt.type_bigint() }}) as offer_count,
        {{ count_where("offer_response = 'accepted'") }} as accepted_count,
        {{ count_where('is_converted') }} as conversion_count,
        sum(conversion_amount_cny) as conversion_amount_cny,
        min(offer_date) as first_offer_date,
        max(offer_date) as last_offer_date
    from offers
    group by campaign_id, offer_channel, product
),

served as (
    select
        counted.*,
        {{ kpi('conversion_rate') }} as conversion_rate
    from counted
)

{{ select_served() }}
