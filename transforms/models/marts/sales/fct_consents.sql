-- The consent in force per unified customer, channel and purpose (PIPL): the most
-- recently recorded event across all the customer's CRM records wins; on a tie a
-- withdrawal wins over a grant. Consents the contact engine wrote back (setConsent) name
-- the unified customer themselves and compete on the same terms.
with

consents as (
    select * from {{ ref('stg_crm__consents') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

engine_consents as (
    select * from {{ ref('stg_ops__consents') }}
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

all_consents as (
    select
        resolved.customer_id,
        consents.consent_event_id,
        consents.crm_customer_id,
        consents.consent_channel,
        consents.consent_purpose,
        consents.consent_status,
        consents.consent_source,
        consents.recorded_at
    from consents
    inner join resolved on resolved.crm_customer_id = consents.crm_customer_id
    union all
    select
        coalesce(aliases.customer_id, engine_consents.customer_id) as customer_id,
        engine_consents.consent_event_id,
        cast(null as {{ dbt.type_string() }}) as crm_customer_id,
        engine_consents.consent_channel,
        engine_consents.consent_purpose,
        engine_consents.consent_status,
        coalesce(engine_consents.consent_source, 'call_center') as consent_source,
        engine_consents.recorded_at
    from engine_consents
    left join aliases on aliases.alias_id = engine_consents.customer_id
),

ranked as (
    select
        all_consents.*,
        count(*) over (
            partition by customer_id, consent_channel, consent_purpose
        ) as event_count,
        row_number() over (
            partition by customer_id, consent_channel, consent_purpose
            order by recorded_at desc,
                case when consent_status = 'withdrawn' then 0 else 1 end,
                consent_event_id
        ) as recency_rank
    from all_consents
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["customer_id", "'|'", "consent_channel", "'|'", "consent_purpose"])) }} as consent_id,
        customer_id,
        crm_customer_id as recorded_on_crm_customer_id,
        -- attributes
        consent_channel,
        consent_purpose,
        consent_status,
        consent_status = 'granted' as is_granted,
        consent_source,
        event_count,
        -- timestamps
        recorded_at
    from ranked
    where recency_rank = 1
)

select * from final
