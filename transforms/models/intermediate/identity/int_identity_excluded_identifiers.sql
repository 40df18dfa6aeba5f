-- Identifiers that never link customers, each with the first reason that applies and
-- how many CRM records carry it (docs/design.md "Identity": every exclusion is reported).
-- Values stay inside the warehouse; reports print only reasons and counts.
-- Guards per kind: the switchboard and label rules are phones' own; the count cap is for
-- numbers and addresses people share (phones, e-mails), never for id cards, which one person
-- carries on as many duplicate records as the CRM holds.
-- depends_on: {{ source('models', 'identity_shared_identifier_pairs') }}
{%- set shared_pairs = adapter.get_relation(database=target.database, schema='models', identifier='identity_shared_identifier_pairs') if execute else none %}
with

identifiers as (
    select * from {{ ref('int_identity_identifiers') }}
),

junk as (
    select * from {{ ref('identity_junk_identifiers') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

never_pairs as (
    select left_crm_customer_id, right_crm_customer_id
    from {{ ref('int_identity_overrides') }}
    where link_rule = 'never_link'
),

-- an identifier carried by both records of a steward's never-link pair: one of them is not
-- its owner's only record, so like a conflict it is no evidence of one person
never_linked as (
    select distinct left_side.identifier_type, left_side.identifier_value
    from never_pairs
    inner join identifiers as left_side on left_side.crm_customer_id = never_pairs.left_crm_customer_id
    inner join identifiers as right_side
        on right_side.crm_customer_id = never_pairs.right_crm_customer_id
        and right_side.identifier_type = left_side.identifier_type
        and right_side.identifier_value = left_side.identifier_value
),

usage as (
    select
        identifier_type,
        identifier_value,
        max(phone_kind) as phone_kind,
        count(distinct crm_customer_id) as customer_count,
        max(case when has_personal_label then 1 else 0 end) as has_personal_label,
        max(case when has_switchboard_label then 1 else 0 end) as has_switchboard_label
    from identifiers
    group by identifier_type, identifier_value
),

-- Two person records that carry the same identifier but are plainly different people: a
-- family sharing a phone or an e-mail, a mistyped id-card number. Splink's evidence decides
-- (models.identity_shared_identifier_pairs, written by the matcher before dbt runs): the pair's
-- match weight without the prior's, i.e. what name, birth date and address say, below
-- var('identity_conflict_evidence_weight') (0: the fields argue against one person). A pair
-- Splink did not score (dbt run alone, fewer than 50 persons, an identifier on more than 50
-- records) falls back to names not one typo apart or two known, different birth dates.
-- Only identifiers that could still link are compared: a switchboard shared by thousands
-- would otherwise cost millions of pairs for a reason that never applies to it.
candidates as (
    select identifier_type, identifier_value
    from usage
    where customer_count >= 2
        and (identifier_type = 'id_card' or customer_count <= {{ var('identity_max_customers_per_identifier', 3) }})
        and has_switchboard_label = 0
        and coalesce(phone_kind, '') <> 'service'
),

{% if shared_pairs is not none -%}
scored_pairs as (
    -- both orientations, so one equi-join finds a pair whatever order the engine's collation gives
    select left_crm_customer_id, right_crm_customer_id, evidence_weight
    from {{ source('models', 'identity_shared_identifier_pairs') }}
    union all
    select right_crm_customer_id, left_crm_customer_id, evidence_weight
    from {{ source('models', 'identity_shared_identifier_pairs') }}
),
{%- else -%}
scored_pairs as (
    select
        cast(null as {{ dbt.type_string() }}) as left_crm_customer_id,
        cast(null as {{ dbt.type_string() }}) as right_crm_customer_id,
        cast(null as {{ dbt.type_float() }}) as evidence_weight
    where 1 = 0
),
{%- endif %}

candidate_identifiers as (
    select identifiers.*
    from identifiers
    inner join candidates
        on candidates.identifier_type = identifiers.identifier_type
        and candidates.identifier_value = identifiers.identifier_value
),

conflicts as (
    select distinct left_side.identifier_type, left_side.identifier_value
    from candidate_identifiers as left_side
    inner join candidate_identifiers as right_side
        on right_side.identifier_type = left_side.identifier_type
        and right_side.identifier_value = left_side.identifier_value
        and right_side.crm_customer_id > left_side.crm_customer_id
    inner join customers as left_record on left_record.crm_customer_id = left_side.crm_customer_id
    inner join customers as right_record on right_record.crm_customer_id = right_side.crm_customer_id
    left join scored_pairs
        on scored_pairs.left_crm_customer_id = left_side.crm_customer_id
        and scored_pairs.right_crm_customer_id = right_side.crm_customer_id
    where left_record.customer_type = 'person'
        and right_record.customer_type = 'person'
        and case
            when scored_pairs.evidence_weight is not null
                then scored_pairs.evidence_weight < {{ var('identity_conflict_evidence_weight', 0) }}
            else {{ name_comparison('left_record.customer_name', 'right_record.customer_name') }} = 'different'
                or left_record.birth_date <> right_record.birth_date
        end
),

reasoned as (
    select
        usage.*,
        case
            when usage.phone_kind = 'service' then 'service_number'
            when junk.identifier_value is not null then 'junk_value'
            -- 13900000000: a real-looking prefix followed by one repeated digit
            when usage.identifier_type = 'phone'
                and replace({{ dbt.right('usage.identifier_value', 8) }}, {{ dbt.right('usage.identifier_value', 1) }}, '') = ''
                then 'junk_value'
            when usage.has_switchboard_label = 1 then 'switchboard'
            when usage.identifier_type <> 'id_card'
                and usage.customer_count > {{ var('identity_max_customers_per_identifier', 3) }}
                then 'shared_by_too_many_customers'
            when conflicts.identifier_value is not null then 'conflicting_persons'
            when never_linked.identifier_value is not null then 'never_link'
            -- work and "other" numbers (dealers, colleagues) would link people who only share an office
            when usage.has_personal_label = 0 and usage.customer_count > 1 then 'non_personal_label'
        end as exclusion_reason
    from usage
    left join junk
        on junk.identifier_type = usage.identifier_type
        and junk.identifier_value = usage.identifier_value
    left join conflicts
        on conflicts.identifier_type = usage.identifier_type
        and conflicts.identifier_value = usage.identifier_value
    left join never_linked
        on never_linked.identifier_type = usage.identifier_type
        and never_linked.identifier_value = usage.identifier_value
),

final as (
    select
        -- ids
        identifier_type,
        identifier_value,
        -- attributes
        exclusion_reason,
        phone_kind,
        customer_count
    from reasoned
    where exclusion_reason is not null
)

select * from final
