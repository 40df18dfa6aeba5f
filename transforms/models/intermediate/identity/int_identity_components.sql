-- Each CRM record -> its identity component: the linked components
-- (int_identity_linked_components) split around stewards' never-link pairs.
--
-- Never-link overrides win over every link: a component that still holds both records of a
-- steward's never-link pair (connected through other records) is split around them. Each
-- record of such a pair heads a part, and every other record of the component joins the
-- part of the nearest of them (fewest links; a tie goes to the smaller CRM id), so each
-- part stays connected and no part holds a never-linked pair. On Spark, whose recursive CTEs
-- allow UNION ALL only, the walk is unrolled (var identity_label_rounds rounds).
with {{ 'recursive' if target.type != 'spark' }}

customers as (
    select crm_customer_id, registered_at from {{ ref('stg_crm__customers') }}
),

linked_components as (
    select * from {{ ref('int_identity_linked_components') }}
),

{{ identity_undirected_links() }},

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
