-- Consent events as recorded; the latest per customer, channel and purpose is chosen in fct_consents.
with

source as (
    select * from {{ source('crm', 'crm__consents') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id, channel, purpose, recorded_at order by {{ latest_version_order() }}
        ) as version_rank
    from source
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["customer_id", "'|'", "channel", "'|'", "purpose", "'|'",
            dbt.safe_cast("recorded_at", dbt.type_string())])) }} as consent_event_id,
        customer_id as crm_customer_id,
        -- attributes
        channel as consent_channel,
        purpose as consent_purpose,
        consent_status,
        consent_source,
        -- timestamps
        recorded_at
    from ranked
    where version_rank = 1
)

select * from final
