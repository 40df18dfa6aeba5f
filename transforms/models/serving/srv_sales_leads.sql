-- Sales' hand-over list (docs/marketing.md "Sales leads"): one row per person who left a
-- lead (the first of their leads; repeat_count the others), with the customer they already
-- are, the lead score and sales' status as of the build. The API applies the consent rule
-- and the status write-backs since the build on top.
with served as (
    select
        lead_id,
        customer_id,
        lead_name,
        phone_e164,
        lead_source,
        lead_interest,
        province as region,
        city,
        fleet_size,
        lead_score,
        lead_status,
        status_at,
        person_lead_count - 1 as repeat_count,
        matched_on,
        is_phone_valid,
        has_contact_consent,
        created_at
    from {{ ref('fct_leads') }}
    where is_first_of_person
)

{{ select_served() }}
