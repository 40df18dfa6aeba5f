{{ config(severity='warn') }}
-- A component of more than 20 CRM records is almost surely an over-merge through an
-- identifier the guards missed (a new dealer or fleet number): warn, so someone looks and
-- adds it to seeds/identity_junk_identifiers.csv. Components are walked in a recursive
-- CTE whose cost grows with the square of their size, another reason to keep them small.
select component_id, max(component_size) as component_size
from {{ ref('int_identity_components') }}
where component_size > 20
group by component_id
