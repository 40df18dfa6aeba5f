-- One row per work order: the latest header (the raw key includes updated_at).
with

source as (
    select * from {{ source('ticketing', 'ticketing__work_orders') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by work_order_id order by updated_at desc, {{ latest_version_order() }}
        ) as version_rank
    from source
),

final as (
    select
        -- ids
        work_order_id,
        customer_id as crm_customer_id,
        contact_phone_e164,
        vin,
        call_id,
        -- attributes
        contact_phone_kind,
        category as work_order_category,
        priority as work_order_priority,
        component,
        fault_code,
        fault_description,
        region_office,
        sla_hours,
        status as work_order_status,
        -- timestamps
        created_at,
        updated_at
    from ranked
    where version_rank = 1
)

select * from final
