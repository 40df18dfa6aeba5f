-- Each customer's current consent per channel and purpose, with whether the hub may contact
-- them for it (fct_contactability: the consent rule, once). Marketers' lists read is_eligible.
with served as (
    select consents.*, contactability.is_eligible
    from {{ ref('fct_consents') }} as consents
    inner join {{ ref('fct_contactability') }} as contactability
        on contactability.contactability_id = consents.consent_id
)

{{ select_served() }}
