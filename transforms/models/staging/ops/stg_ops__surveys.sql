-- Survey answers written back: CSAT of a contact or callback satisfaction of a work order.
with

source as (
    select * from {{ source('ops', 'ops__surveys') }}
),

final as (
    select
        -- ids
        event_id as survey_id,
        seq as ops_seq,
        customer_id,
        contact_id,
        work_order_id,
        -- attributes
        survey_type,
        score as survey_score,
        -- timestamps
        surveyed_at,
        recorded_at
    from source
)

select * from final
