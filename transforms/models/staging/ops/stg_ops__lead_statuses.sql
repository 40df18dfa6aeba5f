-- Sales' status changes of handed-over leads (recordLeadStatus), one row per event. The
-- free-text note may be personal and stays in the ops store.
with

source as (
    select * from {{ source('ops', 'ops__lead_statuses') }}
),

final as (
    select
        -- ids
        event_id as lead_status_event_id,
        seq as ops_seq,
        lead_id,
        sales_rep_id,
        -- attributes
        status as lead_status,
        -- timestamps
        status_at,
        recorded_at
    from source
)

select * from final
