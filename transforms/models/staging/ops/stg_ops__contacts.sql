-- Calls and chats the contact engine wrote back; one row per event (the raw key).
with

source as (
    select * from {{ source('ops', 'ops__contacts') }}
),

final as (
    select
        -- ids
        coalesce(contact_id, event_id) as contact_id,
        event_id as contact_event_id,
        seq as ops_seq,
        customer_id,
        agent_id,
        -- attributes
        channel as contact_channel,
        direction as contact_direction,
        disposition,
        queue as queue_name,
        notes,
        -- timestamps
        started_at as contact_started_at,
        ended_at as contact_ended_at,
        recorded_at
    from source
)

select * from final
