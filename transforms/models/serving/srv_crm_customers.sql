-- CRM record id -> the customer it resolved to (lookups by crmId).
with served as (
    select crm_customer_id, customer_id
    from {{ ref('int_crm_customers_resolved') }}
    where customer_id is not null
)

{{ select_served() }}
