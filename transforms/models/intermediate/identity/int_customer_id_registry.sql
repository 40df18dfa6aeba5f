{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
    )
}}
-- The append-only log of which unified customer id each CRM record belongs to: the only
-- state identity keeps between runs, so it never rebuilds (full_refresh=false).
--
-- Rules (docs/design.md "Stable customer ids"):
--   * every id has an anchor: the oldest record of the component it was created for;
--   * an id claims the component that now holds its anchor; when several ids claim one
--     component (a merge) the oldest id (lowest sequence) survives and the others become
--     aliases (customer_aliases);
--   * a component no id claims gets a new id: a new customer, or the part of a split that
--     does not hold the original's anchor. A split that separates a merged id's anchor
--     again restores that id, which is how a merge is undone;
--   * a row is written only when a record is new or changes id, with the kind of change
--     and the kinds of link that hold its component together.
with

components as (
    select * from {{ ref('int_identity_components') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

component_reason_rows as (
    select distinct components.component_id, edges.edge_reason
    from edges
    inner join components on components.crm_customer_id = edges.crm_customer_id
    where components.component_size > 1
),

component_reasons as (
    select component_id, {{ sorted_listagg('edge_reason', "','") }} as link_reasons
    from component_reason_rows
    group by component_id
),

component_anchors as (
    select component_id, crm_customer_id as anchor_crm_customer_id
    from (
        select
            component_id,
            crm_customer_id,
            row_number() over (partition by component_id order by registered_at, crm_customer_id) as age_rank
        from components
    ) as ranked
    where age_rank = 1
),

{% if is_incremental() %}

log as (
    select * from {{ this }}
),

previous as (
    select crm_customer_id, customer_id
    from (
        select
            crm_customer_id,
            customer_id,
            row_number() over (partition by crm_customer_id order by assigned_at desc) as recency_rank
        from log
    ) as ranked
    where recency_rank = 1
),

known_ids as (
    select distinct customer_id, customer_seq, anchor_crm_customer_id
    from log
),

claims as (
    select components.component_id, known_ids.customer_seq, known_ids.anchor_crm_customer_id
    from known_ids
    inner join components on components.crm_customer_id = known_ids.anchor_crm_customer_id
),

survivors as (
    select component_id, customer_seq, anchor_crm_customer_id
    from (
        select claims.*, row_number() over (partition by component_id order by customer_seq) as seniority_rank
        from claims
    ) as ranked
    where seniority_rank = 1
),

sequence_start as (
    select coalesce(max(customer_seq), 0) as last_seq from log
),

{% else %}

previous as (
    select cast(null as {{ dbt.type_string() }}) as crm_customer_id, cast(null as {{ dbt.type_string() }}) as customer_id
    where 1 = 0
),

survivors as (
    select
        cast(null as {{ dbt.type_string() }}) as component_id,
        cast(null as {{ dbt.type_bigint() }}) as customer_seq,
        cast(null as {{ dbt.type_string() }}) as anchor_crm_customer_id
    where 1 = 0
),

sequence_start as (
    select cast(0 as {{ dbt.type_bigint() }}) as last_seq
),

{% endif %}

unclaimed as (
    select component_anchors.component_id, component_anchors.anchor_crm_customer_id
    from component_anchors
    left join survivors on survivors.component_id = component_anchors.component_id
    where survivors.component_id is null
),

new_ids as (
    select
        unclaimed.component_id,
        sequence_start.last_seq + row_number() over (order by unclaimed.anchor_crm_customer_id) as customer_seq,
        unclaimed.anchor_crm_customer_id
    from unclaimed
    cross join sequence_start
),

assigned as (
    select component_id, customer_seq, anchor_crm_customer_id from survivors
    union all
    select component_id, customer_seq, anchor_crm_customer_id from new_ids
),

current_assignment as (
    select
        components.crm_customer_id,
        {{ dbt.concat(["'CU'", "lpad(cast(assigned.customer_seq as " ~ dbt.type_string() ~ "), 10, '0')"]) }}
            as customer_id,
        assigned.customer_seq,
        assigned.anchor_crm_customer_id,
        component_reasons.link_reasons
    from components
    inner join assigned on assigned.component_id = components.component_id
    left join component_reasons on component_reasons.component_id = components.component_id
),

live_ids as (
    select distinct customer_id from current_assignment
),

changes as (
    select
        current_assignment.*,
        previous.customer_id as previous_customer_id,
        case
            when previous.customer_id is null and current_assignment.customer_seq > sequence_start.last_seq
                then 'new_customer'
            when previous.customer_id is null then 'added_record'
            when live_ids.customer_id is not null then 'split'
            else 'merged'
        end as change_kind
    from current_assignment
    cross join sequence_start
    left join previous on previous.crm_customer_id = current_assignment.crm_customer_id
    left join live_ids on live_ids.customer_id = previous.customer_id
    where previous.customer_id is null or previous.customer_id <> current_assignment.customer_id
),

final as (
    select
        -- ids
        crm_customer_id,
        customer_id,
        customer_seq,
        anchor_crm_customer_id,
        previous_customer_id,
        -- attributes
        change_kind,
        link_reasons,
        '{{ invocation_id }}' as invocation_id,
        -- timestamps
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }}) as assigned_at
    from changes
)

select * from final
