-- Every merge and split of unified customers, with the kinds of link behind it; read
-- from the registry log, so it survives full rebuilds.
with

registry as (
    select * from {{ ref('int_customer_id_registry') }}
),

changes as (
    select
        previous_customer_id as from_customer_id,
        customer_id as to_customer_id,
        change_kind,
        link_reasons,
        invocation_id,
        assigned_at,
        count(*) as crm_record_count
    from registry
    where change_kind in ('merged', 'split')
    group by previous_customer_id, customer_id, change_kind, link_reasons, invocation_id, assigned_at
),

final as (
    select
        -- ids
        {{ dbt.hash(dbt.concat(["invocation_id", "'|'", "from_customer_id", "'|'", "to_customer_id"])) }}
            as identity_change_id,
        from_customer_id,
        to_customer_id,
        -- attributes
        change_kind,
        coalesce(link_reasons, 'none') as link_reasons,
        crm_record_count,
        invocation_id,
        -- timestamps
        assigned_at as changed_at
    from changes
)

select * from final
