{{ config(meta={'dagster': {'ref': {'name': 'int_identity_edges'}}}) }}
-- After the guards, a phone that links records names one customer only (except across the
-- parts of a component split around a steward's never-linked records: cut on purpose; such a
-- number resolves no caller, int_phone_numbers_resolved).
with

edges as (
    select * from {{ ref('int_identity_edges') }}
    where identifier_type = 'phone'
),

split_records as (
    select crm_customer_id from {{ ref('int_identity_components') }}
    where is_never_link_split
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
)

select edges.identifier_value, count(distinct resolved.customer_id) as customer_count
from edges
inner join resolved on resolved.crm_customer_id = edges.crm_customer_id
where edges.crm_customer_id not in (select crm_customer_id from split_records)
group by edges.identifier_value
having count(distinct resolved.customer_id) > 1
