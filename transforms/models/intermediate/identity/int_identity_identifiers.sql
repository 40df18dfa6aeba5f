-- Every identifier each CRM record carries, one row per (record, identifier).
-- The same number typed twice in two formats is one row; its labels are summarised
-- because only personal labels (mobile, home) make a phone a person link.
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

phones as (
    select * from {{ ref('stg_crm__phones') }}
),

emails as (
    select * from {{ ref('stg_crm__emails') }}
),

observed as (
    select
        crm_customer_id,
        'phone' as identifier_type,
        phone_e164 as identifier_value,
        phone_kind,
        case when coalesce(phone_label, 'mobile') in ('mobile', 'home') then 1 else 0 end as is_personal_label,
        case when phone_label = 'switchboard' then 1 else 0 end as is_switchboard_label
    from phones
    where phone_e164 is not null

    union all

    select crm_customer_id, 'email', email_normalised, null, 1, 0
    from emails
    where email_normalised is not null

    union all

    select crm_customer_id, 'id_card', id_card_hash, null, 1, 0
    from customers
    where id_card_hash is not null

    union all

    -- a company's unified social credit code names the company, as an id card names a person
    select crm_customer_id, 'company_reg_no', company_reg_no, null, 1, 0
    from customers
    where company_reg_no is not null and customer_type = 'fleet'
),

final as (
    select
        -- ids
        crm_customer_id,
        identifier_type,
        identifier_value,
        -- attributes
        max(phone_kind) as phone_kind,
        max(is_personal_label) = 1 as has_personal_label,
        max(is_switchboard_label) = 1 as has_switchboard_label
    from observed
    group by crm_customer_id, identifier_type, identifier_value
)

select * from final
