-- One row per ownership period (vin, CRM record, owned_from): the latest version, since
-- owned_to is filled in when the vehicle is sold on.
with

source as (
    select * from {{ source('crm', 'crm__ownerships') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by vin, customer_id, owned_from order by updated_at desc, {{ latest_version_order() }}
        ) as version_rank
    from source
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["vin", "'|'", "customer_id", "'|'", dbt.safe_cast("owned_from", dbt.type_string())])) }}
            as ownership_id,
        vin,
        customer_id as crm_customer_id,
        dealer_code,
        -- dates
        owned_from,
        owned_to,
        -- timestamps
        updated_at
    from ranked
    where version_rank = 1
)

select * from final
