-- One row per call or chat the contact engine wrote back, with its CSAT when surveyed.
-- The customer is the one the engine named, or the survivor it merged into since.
with

contacts as (
    select * from {{ ref('stg_ops__contacts') }}
),

surveys as (
    select * from {{ ref('stg_ops__surveys') }}
    where survey_type = 'csat'
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

latest_survey as (
    select contact_id, survey_score
    from (
        select
            contact_id,
            survey_score,
            row_number() over (partition by contact_id order by ops_seq desc) as survey_rank
        from surveys
    ) as ranked
    where survey_rank = 1
),

final as (
    select
        -- ids
        contacts.contact_event_id,
        contacts.contact_id,
        coalesce(aliases.customer_id, contacts.customer_id) as customer_id,
        contacts.agent_id,
        contacts.ops_seq,
        -- attributes
        contacts.contact_channel,
        contacts.contact_direction,
        contacts.disposition,
        contacts.queue_name,
        contacts.notes,
        latest_survey.survey_score,
        -- timestamps
        contacts.contact_started_at,
        contacts.contact_ended_at,
        contacts.recorded_at
    from contacts
    left join latest_survey on latest_survey.contact_id = contacts.contact_id
    left join aliases on aliases.alias_id = contacts.customer_id
)

select * from final
