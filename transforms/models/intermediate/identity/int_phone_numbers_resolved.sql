-- Which unified customer a phone number names, for resolving callers (ANI) and work-order
-- contact phones. A number resolves only when it is personal to one customer: service and
-- junk numbers, switchboards and numbers shared by several customers resolve to nobody.
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

owners as (
    select
        phones.phone_e164,
        max(phones.phone_kind) as phone_kind,
        count(distinct resolved.customer_id) as customer_count,
        min(resolved.customer_id) as customer_id
    from phones
    inner join resolved on resolved.crm_customer_id = phones.crm_customer_id
    where phones.phone_e164 is not null
    group by phones.phone_e164
),

final as (
    select
        -- ids
        owners.phone_e164,
        owners.customer_id,
        -- attributes
        owners.phone_kind
    from owners
    left join excluded on excluded.identifier_value = owners.phone_e164
    where owners.customer_count = 1
        and (excluded.exclusion_reason is null or excluded.exclusion_reason = 'non_personal_label')
)

select * from final
