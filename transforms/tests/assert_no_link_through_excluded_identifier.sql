{{ config(meta={'dagster': {'ref': {'name': 'int_identity_edges'}}}) }}
-- Service numbers, junk, switchboards and over-shared identifiers are never graph edges.
select edges.identifier_type, edges.identifier_value
from {{ ref('int_identity_edges') }} as edges
inner join {{ ref('int_identity_excluded_identifiers') }} as excluded
    on excluded.identifier_type = edges.identifier_type
    and excluded.identifier_value = edges.identifier_value
