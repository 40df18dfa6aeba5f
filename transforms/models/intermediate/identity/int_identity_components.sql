-- Connected components of the identity graph: each CRM record -> its component, named by
-- the smallest CRM customer id in it.
--
-- Why a recursive CTE: it is plain SQL that DuckDB and PostgreSQL both run (a Python model
-- would tie the project to DuckDB). Each record walks to every record it can reach, so the
-- cost is the sum of squared component sizes; the guards keep components small (a handful
-- of records), so at 2M records this stays a few million rows. Records are first linked to
-- the smallest record of each identifier (a star, not a clique), which keeps the walk short.
--
-- Never-link overrides win over every link: a component that still holds both records of a
-- steward's never-link pair (connected through other records) is split around them. Each
-- record of such a pair heads a part, and every other record of the component joins the
-- part of the nearest of them (fewest links; a tie goes to the smaller CRM id), so each
-- part stays connected and no part holds a never-linked pair.
-- Spark's recursive CTEs allow UNION ALL only, which never stops on a cycle: there each
-- record instead takes the smallest label among itself and its neighbours, round after
-- round (var identity_label_rounds, unrolled); tests/assert_identity_components_converged
-- fails the build if a link still joins two components after the last round. The walk
-- from never-linked records is unrolled the same way there (the fewest hops per record).
with {{ 'recursive' if target.type != 'spark' }}

customers as (
    select crm_customer_id, registered_at from {{ ref('stg_crm__customers') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

identifier_anchors as (
    select identifier_type, identifier_value, min(crm_customer_id) as anchor_crm_customer_id
    from edges
    group by identifier_type, identifier_value
),

links as (
    select edges.crm_customer_id as from_id, identifier_anchors.anchor_crm_customer_id as to_id
    from edges
    inner join identifier_anchors
        on identifier_anchors.identifier_type = edges.identifier_type
        and identifier_anchors.identifier_value = edges.identifier_value
    where edges.crm_customer_id <> identifier_anchors.anchor_crm_customer_id
),

undirected as (
    select from_id, to_id from links
    union
    select to_id, from_id from links
),

{%- if target.type == 'spark' %}

-- each node and its neighbours, itself included: one join per round with the last labels
neighbourhood as (
    select from_id as node_id, to_id as neighbour_id from undirected
    union
    select crm_customer_id, crm_customer_id from customers
    union
    select from_id, from_id from undirected
),

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
),
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
),
{%- endif %}

never_pairs as (
    select left_crm_customer_id, right_crm_customer_id
    from {{ ref('int_identity_overrides') }}
    where link_rule = 'never_link'
),

-- the never-linked records that the links still put in one component
seeds as (
    select left_side.component_id, never_pairs.left_crm_customer_id as seed_id
    from never_pairs
    inner join linked_components as left_side on left_side.crm_customer_id = never_pairs.left_crm_customer_id
    inner join linked_components as right_side on right_side.crm_customer_id = never_pairs.right_crm_customer_id
    where left_side.component_id = right_side.component_id
    union
    select left_side.component_id, never_pairs.right_crm_customer_id
    from never_pairs
    inner join linked_components as left_side on left_side.crm_customer_id = never_pairs.left_crm_customer_id
    inner join linked_components as right_side on right_side.crm_customer_id = never_pairs.right_crm_customer_id
    where left_side.component_id = right_side.component_id
),

-- breadth first from each seed, a hop per link; `union` keeps one row per (seed, record,
-- hops) and the bound ends the walk (components are kept to a few records by the guards)
{%- if target.type == 'spark' %}
seed_walk_0 as (
    select seed_id, seed_id as reached_id, 0 as hops from seeds
),
{%- for round in range(1, var('identity_label_rounds') + 1) %}

seed_walk_{{ round }} as (
    -- one step along each link (or none: the neighbourhood holds each record itself), the
    -- fewest hops kept; one reference to the round before, so the plan grows by a join a round
    select
        previous.seed_id,
        neighbourhood.neighbour_id as reached_id,
        min(previous.hops + case when neighbourhood.neighbour_id = previous.reached_id then 0 else 1 end) as hops
    from seed_walk_{{ round - 1 }} as previous
    inner join neighbourhood on neighbourhood.node_id = previous.reached_id
    group by previous.seed_id, neighbourhood.neighbour_id
),
{%- endfor %}

seed_walk as (
    select * from seed_walk_{{ var('identity_label_rounds') }}
),
{%- else %}
seed_walk (seed_id, reached_id, hops) as (
    select seed_id, seed_id, 0 from seeds
    union
    select seed_walk.seed_id, undirected.to_id, seed_walk.hops + 1
    from seed_walk
    inner join undirected on undirected.from_id = seed_walk.reached_id
    where seed_walk.hops < {{ var('identity_never_link_max_hops', 30) }}
),
{%- endif %}

nearest_seed as (
    select reached_id as crm_customer_id, seed_id
    from (
        select
            reached_id,
            seed_id,
            row_number() over (partition by reached_id order by hops, seed_id) as nearness_rank
        from seed_walk
    ) as ranked
    where nearness_rank = 1
),

-- a record of a split component further than the bound from every seed joins the smallest seed
split_members as (
    select
        linked_components.crm_customer_id,
        coalesce(nearest_seed.seed_id, min(seeds.seed_id) over (partition by linked_components.component_id))
            as seed_id
    from linked_components
    inner join (select distinct component_id from seeds) as split_components
        on split_components.component_id = linked_components.component_id
    left join nearest_seed on nearest_seed.crm_customer_id = linked_components.crm_customer_id
    left join seeds
        on seeds.component_id = linked_components.component_id
        and seeds.seed_id = linked_components.crm_customer_id
),

split_parts as (
    select crm_customer_id, min(crm_customer_id) over (partition by seed_id) as component_id
    from split_members
),

components as (
    select
        linked_components.crm_customer_id,
        coalesce(split_parts.component_id, linked_components.component_id) as component_id,
        split_parts.component_id is not null as is_never_link_split
    from linked_components
    left join split_parts on split_parts.crm_customer_id = linked_components.crm_customer_id
),

final as (
    select
        -- ids
        components.crm_customer_id,
        components.component_id,
        -- attributes
        count(*) over (partition by components.component_id) as component_size,
        -- the links of a component split around a steward's never-linked records were cut on purpose
        components.is_never_link_split,
        -- timestamps
        customers.registered_at
    from components
    inner join customers on customers.crm_customer_id = components.crm_customer_id
)

select * from final
