-- Probabilistic matching of person records (docs/design.md "Identity"): the pairs Splink scored
-- at or above the hub's match probability (models/identity/matching.py, docs/identity.md).
-- The Dagster asset models.identity_pairs writes them before dbt runs; a warehouse where it
-- never ran (dbt alone) has no probabilistic pairs, only the deterministic graph.
-- depends_on: {{ source('models', 'identity_pairs') }}
{%- set splink_pairs = adapter.get_relation(database=target.database, schema='models', identifier='identity_pairs') if execute else none %}
with

{% if splink_pairs is not none -%}
pairs as (
    select * from {{ source('models', 'identity_pairs') }}
),
{%- else -%}
pairs as (
    select
        cast(null as {{ dbt.type_string() }}) as left_crm_customer_id,
        cast(null as {{ dbt.type_string() }}) as right_crm_customer_id,
        cast(null as {{ dbt.type_float() }}) as match_weight,
        cast(null as {{ dbt.type_float() }}) as match_probability
    where 1 = 0
),
{%- endif %}

ordered as (
    -- each pair once, the smaller id left, as the graph and the evaluation expect
    select
        case when left_crm_customer_id < right_crm_customer_id then left_crm_customer_id
            else right_crm_customer_id end as left_crm_customer_id,
        case when left_crm_customer_id < right_crm_customer_id then right_crm_customer_id
            else left_crm_customer_id end as right_crm_customer_id,
        match_weight,
        match_probability
    from pairs
),

final as (
    select
        -- ids
        left_crm_customer_id,
        right_crm_customer_id,
        -- attributes
        max(match_weight) as match_weight,
        max(match_probability) as match_probability,
        true as is_accepted
    from ordered
    group by left_crm_customer_id, right_crm_customer_id
)

select * from final
