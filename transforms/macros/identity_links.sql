{#- The identity graph's links as an undirected edge list (from_id, to_id) over CRM records, as
    CTEs: each record linked to the smallest record of each identifier it carries (a star,
    not a clique). On Spark also `neighbourhood` (node_id, neighbour_id), each record's
    neighbours and itself, which its unrolled rounds join once a round. The calling model
    defines `customers` (crm_customer_id) first. Used by int_identity_linked_components and
    int_identity_components. -#}
{% macro identity_undirected_links() -%}
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
)
{%- if target.type == 'spark' %},

neighbourhood as (
    select from_id as node_id, to_id as neighbour_id from undirected
    union
    select crm_customer_id, crm_customer_id from customers
    union
    select from_id, from_id from undirected
)
{%- endif %}
{%- endmacro %}
