-- The consent rule, once (docs/marketing.md): per unified customer, channel and purpose
-- with a consent in force, whether the hub may contact them. hub/contactability.py applies
-- the same rule to write-backs that arrived after the build; a test checks the two agree.
--   is_eligible = the consent in force is granted, and for marketing: no opt-out of
--                 personalised marketing on any channel (PIPL art. 24: the hub's lists
--                 are ranked by a model of the person)
-- No row for a (customer, channel, purpose): no consent on record, never eligible.
-- A view: the rule is read wherever consents are (the serving consents, the profile), so it
-- can never disagree with the consents it is computed from.
{{ config(materialized='view') }}

with

consents as (
    select * from {{ ref('fct_consents') }}
),

opted_out as (
    select distinct customer_id
    from consents
    where consent_purpose = 'personalised_marketing'
        and not is_granted
),

final as (
    select
        -- ids
        consents.consent_id as contactability_id,
        consents.customer_id,
        -- attributes
        consents.consent_channel,
        consents.consent_purpose,
        -- the rule
        consents.is_granted,
        opted_out.customer_id is not null as has_personalised_marketing_opt_out,
        consents.is_granted
            and (consents.consent_purpose <> 'marketing' or opted_out.customer_id is null) as is_eligible
    from consents
    left join opted_out on opted_out.customer_id = consents.customer_id
)

select * from final
