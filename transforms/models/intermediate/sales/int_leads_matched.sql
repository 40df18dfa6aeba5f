-- Sales leads matched to the customers they already are and grouped with their own repeats
-- (docs/marketing.md "Sales leads"). The identity rules of the CRM decide, not new ones:
--   - a lead's phone names a customer when int_phone_numbers_resolved resolves it (the rule
--     callers are resolved by: personal to one customer; service, junk, switchboard and
--     shared numbers name nobody);
--   - its e-mail when the identity graph holds it on one customer's records and did not
--     exclude it (int_identity_excluded_identifiers);
--   - and then only when the lead's name is the customer's, or one typo off, on one of the
--     customer's CRM records (name_comparison, the identity matcher's name level): a
--     relative calling from the customer's number is not the customer.
-- Phone and e-mail naming two different customers match neither. Leads of one person are
-- one group: the same customer, else the same usable phone, else the same e-mail (each with
-- the same surname); the group's first lead is the one handed over.
with

leads as (
    select * from {{ ref('stg_sales__leads') }}
),

phone_owners as (
    select * from {{ ref('int_phone_numbers_resolved') }}
),

identifiers as (
    select * from {{ ref('int_identity_identifiers') }}
    where identifier_type = 'email'
),

excluded as (
    select * from {{ ref('int_identity_excluded_identifiers') }}
    where identifier_type = 'email'
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

crm_customers as (
    select * from {{ ref('stg_crm__customers') }}
),

email_owners as (
    select
        identifiers.identifier_value as email_normalised,
        min(resolved.customer_id) as customer_id,
        count(distinct resolved.customer_id) as customer_count
    from identifiers
    inner join resolved on resolved.crm_customer_id = identifiers.crm_customer_id
    left join excluded on excluded.identifier_value = identifiers.identifier_value
    where excluded.identifier_value is null
    group by identifiers.identifier_value
),

candidates as (
    select leads.lead_id, phone_owners.customer_id, 'phone' as matched_on
    from leads
    inner join phone_owners on phone_owners.phone_e164 = leads.phone_e164
    where leads.is_phone_valid

    union all

    select leads.lead_id, email_owners.customer_id, 'email' as matched_on
    from leads
    inner join email_owners on email_owners.email_normalised = leads.email_normalised
    where email_owners.customer_count = 1
),

named as (
    select
        candidates.lead_id,
        candidates.customer_id,
        candidates.matched_on,
        max(case when {{ name_comparison('leads.lead_name', 'crm_customers.customer_name') }} <> 'different'
            then 1 else 0 end) as is_name_agreeing
    from candidates
    inner join leads on leads.lead_id = candidates.lead_id
    inner join resolved on resolved.customer_id = candidates.customer_id
    inner join crm_customers on crm_customers.crm_customer_id = resolved.crm_customer_id
    group by candidates.lead_id, candidates.customer_id, candidates.matched_on
),

matched as (
    select
        lead_id,
        min(customer_id) as customer_id,
        case when count(distinct matched_on) = 2 then 'phone_and_email' else min(matched_on) end as matched_on
    from named
    where is_name_agreeing = 1
    group by lead_id
    having count(distinct customer_id) = 1
),

keyed as (
    select
        leads.*,
        matched.customer_id,
        matched.matched_on,
        coalesce(
            'customer:' || matched.customer_id,
            -- unmatched: the same number or e-mail and the same surname (a relative on a
            -- shared number is not a repeat)
            'phone:' || case when leads.is_phone_valid then leads.phone_e164 end || '/' || substr(leads.lead_name, 1, 1),
            'email:' || leads.email_normalised || '/' || substr(leads.lead_name, 1, 1),
            'lead:' || leads.lead_id
        ) as person_key
    from leads
    left join matched on matched.lead_id = leads.lead_id
),

final as (
    select
        -- ids
        lead_id,
        first_value(lead_id) over (partition by person_key order by created_at, lead_id) as first_lead_id,
        customer_id,
        person_key,
        phone_e164,
        email_normalised,
        -- attributes
        matched_on,
        lead_source,
        lead_name,
        phone_kind,
        is_phone_valid,
        province,
        city,
        lead_interest,
        fleet_size,
        has_contact_consent,
        count(*) over (partition by person_key) as person_lead_count,
        -- timestamps
        created_at
    from keyed
)

select * from final
