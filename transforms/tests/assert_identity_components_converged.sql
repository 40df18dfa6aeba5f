-- Every link of the identity graph joins two records of one component. Always true of the
-- recursive walk (DuckDB, PostgreSQL); on Spark it proves var('identity_label_rounds')
-- rounds of label propagation were enough for the longest chain in the data. Links inside a
-- component split around a steward's never-link pair are cut on purpose (both ends flagged
-- is_never_link_split) and do not count.
with

components as (
    select * from {{ ref('int_identity_components') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

anchors as (
    select identifier_type, identifier_value, min(crm_customer_id) as anchor_crm_customer_id
    from edges
    group by identifier_type, identifier_value
)

select edges.crm_customer_id, anchors.anchor_crm_customer_id
from edges
inner join anchors
    on anchors.identifier_type = edges.identifier_type
    and anchors.identifier_value = edges.identifier_value
inner join components as record_component on record_component.crm_customer_id = edges.crm_customer_id
inner join components as anchor_component on anchor_component.crm_customer_id = anchors.anchor_crm_customer_id
where record_component.component_id <> anchor_component.component_id
    and not (record_component.is_never_link_split and anchor_component.is_never_link_split)
