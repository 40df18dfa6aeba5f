-- The identity graph as edges between CRM records and identifiers. An edge exists when a
-- record carries an identifier under a personal label and the identifier is not excluded;
-- an accepted probabilistic pair becomes one shared synthetic identifier of both records.
-- VINs are deliberately absent: vehicles are resold, so a VIN names no person.
-- Stewards' overrides (int_identity_overrides): an always-link pair is one more shared
-- synthetic identifier; a never-link pair drops the pair Splink accepted, and any identifier
-- both carry is excluded (int_identity_excluded_identifiers); int_identity_components then
-- separates what still connects them through other records.
with

identifiers as (
    select * from {{ ref('int_identity_identifiers') }}
),

excluded as (
    select * from {{ ref('int_identity_excluded_identifiers') }}
),

match_pairs as (
    select * from {{ ref('int_identity_match_pairs') }}
),

overrides as (
    select * from {{ ref('int_identity_overrides') }}
),

never_pairs as (
    select left_crm_customer_id, right_crm_customer_id from overrides where link_rule = 'never_link'
),

deterministic as (
    select
        identifiers.crm_customer_id,
        identifiers.identifier_type,
        identifiers.identifier_value,
        identifiers.identifier_type as edge_reason
    from identifiers
    left join excluded
        on excluded.identifier_type = identifiers.identifier_type
        and excluded.identifier_value = identifiers.identifier_value
    where excluded.identifier_value is null
        and identifiers.has_personal_label
),

accepted_pairs as (
    select
        left_crm_customer_id,
        right_crm_customer_id,
        {{ dbt.concat(["left_crm_customer_id", "'|'", "right_crm_customer_id"]) }} as pair_key
    from match_pairs
    where is_accepted
        and not exists (
            select 1 from never_pairs
            where never_pairs.left_crm_customer_id = match_pairs.left_crm_customer_id
                and never_pairs.right_crm_customer_id = match_pairs.right_crm_customer_id
        )
),

probabilistic as (
    select left_crm_customer_id as crm_customer_id, 'match_pair' as identifier_type, pair_key as identifier_value,
        'probabilistic' as edge_reason
    from accepted_pairs
    union all
    select right_crm_customer_id, 'match_pair', pair_key, 'probabilistic'
    from accepted_pairs
),

always_links as (
    select left_crm_customer_id as crm_customer_id, 'steward_link' as identifier_type, override_id as identifier_value,
        'always_link' as edge_reason
    from overrides
    where link_rule = 'always_link'
    union all
    select right_crm_customer_id, 'steward_link', override_id, 'always_link'
    from overrides
    where link_rule = 'always_link'
),

final as (
    select * from deterministic
    union all
    select * from probabilistic
    union all
    select * from always_links
)

select * from final
