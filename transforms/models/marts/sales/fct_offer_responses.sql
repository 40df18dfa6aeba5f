-- One row per answer to a cross-sell offer (accepted, declined, not now), as the contact
-- engine wrote it back. Read by the lists' decline suppression (srv_offer_declines) and the
-- attribution (fct_offer_conversions); the cross-sell model does not learn from it yet.
with

responses as (
    select * from {{ ref('stg_ops__offer_responses') }}
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

final as (
    select
        -- ids
        responses.offer_response_id,
        coalesce(aliases.customer_id, responses.customer_id) as customer_id,
        responses.offer_id,
        responses.ops_seq,
        -- attributes
        responses.product,
        responses.offer_response,
        responses.offer_response = 'accepted' as is_accepted,
        responses.response_channel,
        -- timestamps
        responses.responded_at,
        responses.recorded_at
    from responses
    left join aliases on aliases.alias_id = responses.customer_id
)

select * from final
