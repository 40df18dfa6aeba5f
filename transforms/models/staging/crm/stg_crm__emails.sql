-- One row per (CRM record, e-mail as typed): the latest version, normalised address only.
with

source as (
    select * from {{ source('crm', 'crm__emails') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, email order by updated_at desc, {{ latest_version_order() }}
        ) as version_rank
    from source
),

final as (
    select
        -- ids
        customer_id as crm_customer_id,
        email_normalised,
        -- timestamps
        updated_at
    from ranked
    where version_rank = 1
)

select * from final
