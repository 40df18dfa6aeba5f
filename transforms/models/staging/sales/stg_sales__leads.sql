-- One row per sales lead, its latest version. The raw phone and e-mail are dropped: only
-- their normalised forms travel on (ingestion normalised them with hub.identifiers, the
-- rule CRM phones follow). A phone is usable for a call-back when it normalised and is
-- not a service line (400/800 numbers name a business, not a person).
with

source as (
    select * from {{ source('sales', 'sales__leads') }}
),

ranked as (
    select
        *,
        row_number() over (partition by lead_id order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        lead_id,
        phone_e164,
        email_normalised,
        -- attributes
        lead_source,
        name as lead_name,
        phone_kind,
        coalesce(phone_e164 is not null and phone_kind <> 'service', false) as is_phone_valid,
        province,
        city,
        interest as lead_interest,
        fleet_size,
        coalesce(consent_to_contact, false) as has_contact_consent,
        -- timestamps
        created_at
    from ranked
    where version_rank = 1
)

select * from final
