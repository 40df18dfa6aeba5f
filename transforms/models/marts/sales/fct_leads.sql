-- One row per sales lead: the customer it already is (if any), the group of its repeats,
-- its score and sales' latest status (docs/marketing.md "Sales leads").
-- The score is a rule, the points of lead_score_points summed over five factors (source,
-- interest, fleet size, existing customer, age at the export's latest lead) over 100.
-- The status is the latest recordLeadStatus of the lead's group, 'new' before any.
with

leads as (
    select * from {{ ref('int_leads_matched') }}
),

points as (
    select * from {{ ref('lead_score_points') }}
),

statuses as (
    select * from {{ ref('stg_ops__lead_statuses') }}
),

latest_lead as (
    select max(created_at) as latest_created_at from leads
),

factored as (
    select
        leads.*,
        case
            when coalesce(leads.fleet_size, 0) >= 10 then '10_or_more'
            when coalesce(leads.fleet_size, 0) >= 3 then '3_to_9'
            else 'under_3'
        end as fleet_size_band,
        case when leads.customer_id is not null then 'customer' else 'prospect' end as relationship,
        case
            when {{ dbt.datediff('leads.created_at', 'latest_lead.latest_created_at', 'day') }} <= 7 then 'within_7_days'
            when {{ dbt.datediff('leads.created_at', 'latest_lead.latest_created_at', 'day') }} <= 30 then 'within_30_days'
            else 'older'
        end as age_band
    from leads
    cross join latest_lead
),

scored as (
    select
        factored.lead_id,
        sum(coalesce(points.points, 0)) as score_points
    from factored
    left join points
        on (points.factor = 'lead_source' and points.factor_value = factored.lead_source)
        or (points.factor = 'lead_interest' and points.factor_value = factored.lead_interest)
        or (points.factor = 'fleet_size' and points.factor_value = factored.fleet_size_band)
        or (points.factor = 'relationship' and points.factor_value = factored.relationship)
        or (points.factor = 'age' and points.factor_value = factored.age_band)
    group by factored.lead_id
),

status_ranked as (
    select
        leads.first_lead_id,
        statuses.lead_status,
        statuses.status_at,
        row_number() over (
            partition by leads.first_lead_id order by statuses.status_at desc, statuses.ops_seq desc
        ) as status_rank
    from statuses
    inner join leads on leads.lead_id = statuses.lead_id
),

final as (
    select
        -- ids
        factored.lead_id,
        factored.first_lead_id,
        factored.customer_id,
        factored.phone_e164,
        factored.email_normalised,
        -- attributes
        factored.lead_id = factored.first_lead_id as is_first_of_person,
        factored.matched_on,
        factored.lead_source,
        factored.lead_name,
        factored.phone_kind,
        factored.is_phone_valid,
        factored.province,
        factored.city,
        factored.lead_interest,
        factored.fleet_size,
        factored.has_contact_consent,
        factored.relationship,
        factored.fleet_size_band,
        factored.age_band,
        coalesce(status_ranked.lead_status, 'new') as lead_status,
        -- measures
        factored.person_lead_count,
        cast(scored.score_points as {{ dbt.type_float() }}) / 100 as lead_score,
        -- timestamps
        factored.created_at,
        status_ranked.status_at
    from factored
    inner join scored on scored.lead_id = factored.lead_id
    left join status_ranked
        on status_ranked.first_lead_id = factored.first_lead_id
        and status_ranked.status_rank = 1
)

select * from final
