-- Each CRM record -> the unified customer it belongs to now (the latest registry row).
with

registry as (
    select * from {{ ref('int_customer_id_registry') }}
),

latest as (
    select
        *,
        row_number() over (partition by crm_customer_id order by assigned_at desc) as recency_rank
    from registry
),

final as (
    select
        -- ids
        crm_customer_id,
        customer_id,
        anchor_crm_customer_id,
        -- timestamps
        assigned_at
    from latest
    where recency_rank = 1
)

select * from final
