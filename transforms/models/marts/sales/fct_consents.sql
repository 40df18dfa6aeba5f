-- The consent in force per unified customer, channel and purpose (PIPL): the most
-- recently recorded event across all the customer's CRM records wins; on a tie a
-- withdrawal wins over a grant.
with

consents as (
    select * from {{ ref('stg_crm__consents') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

ranked as (
    select
        resolved.customer_id,
        consents.*,
        count(*) over (
            partition by resolved.customer_id, consents.consent_channel, consents.consent_purpose
        ) as event_count,
        row_number() over (
            partition by resolved.customer_id, consents.consent_channel, consents.consent_purpose
            order by consents.recorded_at desc,
                case when consents.consent_status = 'withdrawn' then 0 else 1 end,
                consents.consent_event_id
        ) as recency_rank
    from consents
    inner join resolved on resolved.crm_customer_id = consents.crm_customer_id
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
