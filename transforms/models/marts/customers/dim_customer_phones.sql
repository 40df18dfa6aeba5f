-- Every phone number on a unified customer, with what identity made of it. The API looks
-- callers up here (is_caller_id); agents see only the masked form.
with

phones as (
    select * from {{ ref('stg_crm__phones') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

excluded as (
    select * from {{ ref('int_identity_excluded_identifiers') }}
    where identifier_type = 'phone'
),

callers as (
    select * from {{ ref('int_phone_numbers_resolved') }}
),

customer_phones as (
    select
        resolved.customer_id,
        phones.phone_e164,
        max(phones.phone_kind) as phone_kind,
        max(phones.phone_label) as phone_label,
        max(case when phones.is_primary then 1 else 0 end) = 1 as is_primary,
        max(phones.updated_at) as updated_at
    from phones
    inner join resolved on resolved.crm_customer_id = phones.crm_customer_id
    where phones.phone_e164 is not null
    group by resolved.customer_id, phones.phone_e164
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["customer_phones.customer_id", "'|'", "customer_phones.phone_e164"])) }}
            as customer_phone_id,
        customer_phones.customer_id,
        customer_phones.phone_e164,
        -- attributes
        {{ mask_phone('customer_phones.phone_e164') }} as phone_masked,
        customer_phones.phone_kind,
        customer_phones.phone_label,
        customer_phones.is_primary,
        excluded.exclusion_reason,
        callers.phone_e164 is not null as is_caller_id,
        -- timestamps
        customer_phones.updated_at
    from customer_phones
    left join excluded on excluded.identifier_value = customer_phones.phone_e164
    left join callers
        on callers.phone_e164 = customer_phones.phone_e164
        and callers.customer_id = customer_phones.customer_id
)

select * from final
