-- A customer id is created once, for one anchor record, with one sequence number: ids
-- are never reused for another customer.
select customer_id
from {{ ref('int_customer_id_registry') }}
group by customer_id
having count(distinct anchor_crm_customer_id) > 1 or count(distinct customer_seq) > 1
