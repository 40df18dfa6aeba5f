{{ config(meta={'dagster': {'ref': {'name': 'int_crm_customers_resolved'}}}) }}
-- A steward's never-link override wins over every link: its two CRM records never resolve
-- to one customer (int_identity_components splits what still connects them).
select overrides.override_id
from {{ ref('int_identity_overrides') }} as overrides
inner join {{ ref('int_crm_customers_resolved') }} as left_record
    on left_record.crm_customer_id = overrides.left_crm_customer_id
inner join {{ ref('int_crm_customers_resolved') }} as right_record
    on right_record.crm_customer_id = overrides.right_crm_customer_id
where overrides.link_rule = 'never_link'
    and left_record.customer_id = right_record.customer_id
