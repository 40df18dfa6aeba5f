{{ config(meta={'dagster': {'ref': {'name': 'customer_aliases'}}}) }}
-- An alias never points to another alias or to nothing, and no live id is also an alias.
with

aliases as (
    select * from {{ ref('customer_aliases') }}
),

live as (
    select distinct customer_id from {{ ref('int_crm_customers_resolved') }}
)

select aliases.alias_id, 'target not live' as problem
from aliases
left join live on live.customer_id = aliases.customer_id
where live.customer_id is null

union all

select aliases.alias_id, 'alias is live'
from aliases
inner join live on live.customer_id = aliases.alias_id
