-- Data stewards' identity overrides (hub.stewardship), one row per add or remove event;
-- int_identity_overrides keeps the ones in force.
with

source as (
    select * from {{ source('ops', 'ops__identity_overrides') }}
),

final as (
    select
        -- ids
        event_id as override_event_id,
        seq as ops_seq,
        override_id,
        left_crm_customer_id,
        right_crm_customer_id,
        author_id,
        -- attributes
        override_action,
        link_rule,
        reason as override_reason,
        -- timestamps
        written_at,
        recorded_at
    from source
)

select * from final
