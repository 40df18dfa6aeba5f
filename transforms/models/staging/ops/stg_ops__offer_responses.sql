-- Answers to cross-sell offers, one row per event.
with

source as (
    select * from {{ source('ops', 'ops__offer_responses') }}
),

final as (
    select
        -- ids
        event_id as offer_response_id,
        seq as ops_seq,
        customer_id,
        offer_id,
        -- attributes
        product,
        response as offer_response,
        channel as response_channel,
        -- timestamps
        responded_at,
        recorded_at
    from source
)

select * from final
