{{ config(meta={'dagster': {'ref': {'name': 'dim_customers'}}}) }}
-- Every CRM record belongs to exactly one live unified customer.
with

records as (
    select * from {{ ref('stg_crm__customers') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
)

select records.crm_customer_id, count(customers.customer_id) as customers_found
from records
left join resolved on resolved.crm_customer_id = records.crm_customer_id
left join customers on customers.customer_id = resolved.customer_id
group by records.crm_customer_id
having count(customers.customer_id) <> 1
