-- One row per offer made (every answer the contact engine wrote back: accepted, declined,
-- not now) and whether it converted: a purchase of the offered product by the same customer
-- within offer_attribution_window_days after the offer (docs/marketing.md "Attribution").
-- Last touch: a purchase preceded by several offers of its product within the window is
-- the conversion of the latest of them only, so conversions never count a purchase twice;
-- an offer followed by several purchases converts once, with its first.
with

offers as (
    select * from {{ ref('fct_offer_responses') }}
),

purchases as (
    select * from {{ ref('fct_purchases') }}
),

touches as (
    select
        offers.offer_response_id,
        purchases.purchase_id,
        purchases.purchased_at,
        purchases.amount_cny,
        row_number() over (
            partition by purchases.purchase_id
            order by offers.responded_at desc, offers.offer_response_id desc
        ) as touch_rank
    from offers
    inner join purchases
        on purchases.customer_id = offers.customer_id
        and purchases.product = offers.product
        and purchases.purchased_at >= offers.responded_at
        and purchases.purchased_at < {{ dbt.dateadd('day', var('offer_attribution_window_days'), 'offers.responded_at') }}
),

conversions as (
    select
        offer_response_id,
        purchase_id,
        purchased_at,
        amount_cny,
        row_number() over (partition by offer_response_id order by purchased_at, purchase_id) as conversion_rank
    from touches
    where touch_rank = 1
),

final as (
    select
        -- ids
        offers.offer_response_id,
        offers.customer_id,
        coalesce(offers.offer_id, 'none') as campaign_id,
        conversions.purchase_id as converted_purchase_id,
        -- attributes
        offers.product,
        coalesce(offers.response_channel, 'unknown') as offer_channel,
        offers.offer_response,
        conversions.purchase_id is not null as is_converted,
        -- measures
        cast(coalesce(conversions.amount_cny, 0) as {{ dbt.type_numeric() }}) as conversion_amount_cny,
        {{ dbt.datediff('offers.responded_at', 'conversions.purchased_at', 'day') }} as days_to_conversion,
        -- dates
        {{ local_date('offers.responded_at') }} as offer_date,
        -- timestamps
        offers.responded_at as offered_at,
        conversions.purchased_at as converted_at
    from offers
    left join conversions
        on conversions.offer_response_id = offers.offer_response_id
        and conversions.conversion_rank = 1
)

select * from final
