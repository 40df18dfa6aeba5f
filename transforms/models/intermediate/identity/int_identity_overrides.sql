-- The stewards' overrides in force (docs/identity.md "Stewardship"): the latest event of
-- each override id, when it is an add, and only between records the CRM has. A never-link
-- pair is never one customer; an always-link pair is an edge of the graph.
with

events as (
    select * from {{ ref('stg_ops__identity_overrides') }}
),

customers as (
    select crm_customer_id from {{ ref('stg_crm__customers') }}
),

latest as (
    select
        *,
        row_number() over (partition by override_id order by ops_seq desc) as recency_rank
    from events
),

final as (
    select
        -- ids
        latest.override_id,
        latest.left_crm_customer_id,
        latest.right_crm_customer_id,
        latest.author_id,
        -- attributes
        latest.link_rule,
        latest.override_reason,
        latest.ops_seq,
        -- timestamps
        latest.written_at
    from latest
    inner join customers as left_record on left_record.crm_customer_id = latest.left_crm_customer_id
    inner join customers as right_record on right_record.crm_customer_id = latest.right_crm_customer_id
    where latest.recency_rank = 1
        and latest.override_action = 'add'
)

select * from final
