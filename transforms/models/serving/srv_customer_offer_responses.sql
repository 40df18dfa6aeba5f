-- The most recent offer responses per customer (serving_recent_rows of them).
with ranked as (
    select
        responses.*,
        row_number() over (
            partition by responses.customer_id order by responses.responded_at desc, responses.offer_response_id
        ) as recency
    from {{ ref('fct_offer_responses') }} as responses
),

served as (
    select * from ranked where recency <= {{ var('serving_recent_rows') }}
)

{{ select_served() }}
