{{ config(meta={'dagster': {'ref': {'name': 'fct_calls'}}}) }}
-- Every leg is counted in exactly one call: legs in staging = sum of leg_count in fct_calls.
with

legs as (
    select count(*) as leg_total from {{ ref('stg_acd__call_legs') }}
),

calls as (
    select coalesce(sum(leg_count), 0) as leg_total from {{ ref('fct_calls') }}
)

select legs.leg_total as staged, calls.leg_total as rolled_up
from legs
cross join calls
where legs.leg_total <> calls.leg_total
