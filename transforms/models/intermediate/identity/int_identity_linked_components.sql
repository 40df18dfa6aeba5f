-- Connected components of the identity graph before stewards' never-link splits: each CRM
-- record -> its component, named by the smallest CRM customer id in it. A table of its own
-- (int_identity_components splits it), so that Spark plans the label rounds once.
--
-- Why a recursive CTE: it is plain SQL that DuckDB and PostgreSQL both run (a Python model
-- would tie the project to DuckDB). Each record walks to every record it can reach, so the
-- cost is the sum of squared component sizes; the guards keep components small (a handful
-- of records), so at 2M records this stays a few million rows. Records are first linked to
-- the smallest record of each identifier (a star, not a clique), which keeps the walk short.
-- Spark's recursive CTEs allow UNION ALL only, which never stops on a cycle: there each
-- record instead takes the smallest label among itself and its neighbours, round after
-- round (var identity_label_rounds, unrolled); tests/assert_identity_components_converged
-- fails the build if a link still joins two components after the last round.
with {{ 'recursive' if target.type != 'spark' }}

customers as (
    select crm_customer_id from {{ ref('stg_crm__customers') }}
),

{{ identity_undirected_links() }},

{%- if target.type == 'spark' %}

labels_0 as (
    select distinct node_id, node_id as label from neighbourhood
),
{%- for round in range(1, var('identity_label_rounds') + 1) %}

labels_{{ round }} as (
    select neighbourhood.node_id, min(previous.label) as label
    from neighbourhood
    inner join labels_{{ round - 1 }} as previous on previous.node_id = neighbourhood.neighbour_id
    group by neighbourhood.node_id
),
{%- endfor %}

linked_components as (
    select node_id as crm_customer_id, label as component_id
    from labels_{{ var('identity_label_rounds') }}
    where node_id in (select crm_customer_id from customers)
)
{%- else %}

walk (crm_customer_id, reached_id) as (
    select crm_customer_id, crm_customer_id from customers
    union
    select walk.crm_customer_id, undirected.to_id
    from walk
    inner join undirected on undirected.from_id = walk.reached_id
),

linked_components as (
    select crm_customer_id, min(reached_id) as component_id
    from walk
    group by crm_customer_id
)
{%- endif %}

select crm_customer_id, component_id from linked_components
