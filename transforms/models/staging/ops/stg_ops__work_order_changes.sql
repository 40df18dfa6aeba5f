-- Work orders opened and stages changed through the contact engine, one row per event.
with

source as (
    select * from {{ source('ops', 'ops__work_order_changes') }}
),

final as (
    select
        -- ids
        event_id as work_order_change_id,
        seq as ops_seq,
        work_order_id,
        customer_id,
        vin,
        contact_id as call_id,
        engineer_id,
        -- attributes
        change_type,
        stage as work_order_stage,
        category as work_order_category,
        priority as work_order_priority,
        component,
        fault_code,
        description as fault_description,
        region_office,
        sla_hours,
        parts,
        warehouse,
        resolution,
        -- timestamps
        stage_at,
        recorded_at
    from source
)

select * from final
