-- One row per (CRM record, phone as typed): the latest version. The raw form is dropped:
-- only the E.164 form and its kind travel on.
with

source as (
    select * from {{ source('crm', 'crm__phones') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, phone order by updated_at desc, {{ latest_version_order() }}
        ) as version_rank
    from source
),

final as (
    select
        -- ids
        customer_id as crm_customer_id,
        phone_e164,
        -- attributes
        phone_kind,
        phone_label,
        coalesce(is_primary, false) as is_primary,
        -- timestamps
        updated_at
    from ranked
    where version_rank = 1
)

select * from final
