-- Consents granted or withdrawn through the contact engine, on unified customer ids.
with

source as (
    select * from {{ source('ops', 'ops__consents') }}
),

final as (
    select
        -- ids
        event_id as consent_event_id,
        seq as ops_seq,
        customer_id,
        -- attributes
        channel as consent_channel,
        purpose as consent_purpose,
        consent_status,
        consent_source,
        -- timestamps
        recorded_at
    from source
)

select * from final
