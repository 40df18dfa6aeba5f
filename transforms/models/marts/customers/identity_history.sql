-- Each customer's identity history (docs/identity.md "Stewardship"): the merges and splits
-- that made it (customer_id_history, with the kinds of link behind them) and the stewards'
-- overrides of its records (added or removed, with author and reason), shown under the
-- customer each involved id resolves to now.
with

changes as (
    select * from {{ ref('customer_id_history') }}
),

override_events as (
    select * from {{ ref('stg_ops__identity_overrides') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

identity_changes as (
    -- a merge is shown under the survivor; a split under the customer split and the new one
    select identity_change_id as entry_id, to_customer_id as shown_customer_id, change_kind, from_customer_id,
        to_customer_id, link_reasons, crm_record_count, changed_at
    from changes
    union all
    select identity_change_id, from_customer_id, change_kind, from_customer_id, to_customer_id, link_reasons,
        crm_record_count, changed_at
    from changes
    where change_kind = 'split'
),

override_rows as (
    select
        override_events.override_event_id as entry_id,
        resolved.customer_id as shown_customer_id,
        override_events.*
    from override_events
    inner join resolved
        on resolved.crm_customer_id in (override_events.left_crm_customer_id, override_events.right_crm_customer_id)
),

entries as (
    select
        entry_id,
        shown_customer_id,
        change_kind,
        from_customer_id,
        to_customer_id,
        cast(null as {{ dbt.type_string() }}) as override_id,
        cast(null as {{ dbt.type_string() }}) as link_rule,
        cast(null as {{ dbt.type_string() }}) as left_crm_customer_id,
        cast(null as {{ dbt.type_string() }}) as right_crm_customer_id,
        link_reasons as change_reason,
        cast(null as {{ dbt.type_string() }}) as author_id,
        crm_record_count,
        changed_at
    from identity_changes
    union all
    select
        entry_id,
        shown_customer_id,
        case when override_action = 'add' then 'override_added' else 'override_removed' end,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        override_id,
        link_rule,
        left_crm_customer_id,
        right_crm_customer_id,
        override_reason,
        author_id,
        cast(2 as {{ dbt.type_bigint() }}),
        written_at
    from override_rows
),

live as (
    select distinct
        entries.*,
        coalesce(aliases.customer_id, entries.shown_customer_id) as customer_id
    from entries
    left join aliases on aliases.alias_id = entries.shown_customer_id
),

final as (
    select distinct
        -- ids
        {{ dbt.hash(dbt.concat(["entry_id", "'|'", "customer_id"])) }} as history_entry_id,
        customer_id,
        from_customer_id,
        to_customer_id,
        override_id,
        left_crm_customer_id,
        right_crm_customer_id,
        author_id,
        -- attributes
        change_kind,
        link_rule,
        change_reason,
        crm_record_count,
        -- timestamps
        changed_at
    from live
)

select * from final
