-- Ids that stopped being customers because their records merged into an older one; each
-- still resolves to the live customer that now holds its anchor record.
with

registry as (
    select * from {{ ref('int_customer_id_registry') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

ever_assigned as (
    select customer_id, min(anchor_crm_customer_id) as anchor_crm_customer_id
    from registry
    group by customer_id
),

live as (
    select distinct customer_id from resolved
),

merged_at as (
    select previous_customer_id as customer_id, max(assigned_at) as aliased_at
    from registry
    where change_kind = 'merged'
    group by previous_customer_id
),

final as (
    select
        -- ids
        ever_assigned.customer_id as alias_id,
        resolved.customer_id,
        -- timestamps
        merged_at.aliased_at
    from ever_assigned
    left join live on live.customer_id = ever_assigned.customer_id
    inner join resolved on resolved.crm_customer_id = ever_assigned.anchor_crm_customer_id
    left join merged_at on merged_at.customer_id = ever_assigned.customer_id
    where live.customer_id is null
)

select * from final
