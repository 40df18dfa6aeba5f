-- Survey answers the contact engine wrote back: CSAT of a contact and callback
-- satisfaction of a work order (docs/design.md: CSAT = share of answers 4-5).
with

surveys as (
    select * from {{ ref('stg_ops__surveys') }}
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

final as (
    select
        -- ids
        surveys.survey_id,
        coalesce(aliases.customer_id, surveys.customer_id) as customer_id,
        surveys.contact_id,
        surveys.work_order_id,
        surveys.ops_seq,
        -- attributes
        surveys.survey_type,
        surveys.survey_score,
        surveys.survey_score >= 4 as is_satisfied,
        -- timestamps
        surveys.surveyed_at,
        surveys.recorded_at
    from surveys
    left join aliases on aliases.alias_id = surveys.customer_id
)

select * from final
