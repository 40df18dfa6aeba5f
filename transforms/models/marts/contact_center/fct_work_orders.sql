{{
    config(
        materialized=fact_materialization(),
        unique_key='work_order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ ref('int_crm_customers_resolved') }}
-- One row per work order: its latest header, milestones from its stage history, SLA
-- against its target, and the customer behind it. The customer is, in order: the CRM
-- record the agent picked, the contact phone resolved through identity, the owner of the
-- vehicle on the day the order was created; an order the contact engine opened names its
-- unified customer itself (int_work_orders_combined).
--
-- Incremental: orders updated, or with a stage change, within var('incremental_window_days')
-- of the latest update in the table are rebuilt; so are orders of retired customer ids.
with

work_orders as (
    select * from {{ ref('int_work_orders_combined') }}
    {% if is_incremental() %}
    where work_order_id in (
        select work_order_id
        from {{ ref('int_work_orders_combined') }}
        where updated_at >= (
            select {{ dbt.dateadd('day', -var('incremental_window_days', 3), 'max(updated_at)') }} from {{ this }}
        )
        union
        select work_order_id
        from {{ ref('int_work_order_transitions_combined') }}
        where stage_at >= (
            select {{ dbt.dateadd('day', -var('incremental_window_days', 3), 'max(updated_at)') }} from {{ this }}
        )
        union
        {{ keys_with_retired_customers('work_order_id') }}
    )
    {% endif %}
),

transitions as (
    select * from {{ ref('int_work_order_transitions_combined') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

phones as (
    select * from {{ ref('int_phone_numbers_resolved') }}
),

ownerships as (
    select * from {{ ref('dim_vehicle_ownerships') }}
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

milestones as (
    select
        work_order_id,
        count(*) as transition_count,
        min(case when work_order_stage = 'dispatched' then stage_at end) as first_dispatched_at,
        min(case when work_order_stage = 'on_site' then stage_at end) as first_on_site_at,
        min(case when work_order_stage = 'resolved' then stage_at end) as first_resolved_at,
        max(case when work_order_stage = 'closed' then stage_at end) as last_closed_at,
        sum(case when work_order_stage = 'reopened' then 1 else 0 end) as reopen_count,
        max(callback_score) as callback_score,
        max(stage_at) as last_stage_at
    from transitions
    group by work_order_id
),

vehicle_owners as (
    select work_order_id, customer_id
    from (
        select
            work_orders.work_order_id,
            ownerships.customer_id,
            row_number() over (
                partition by work_orders.work_order_id order by ownerships.valid_from desc, ownerships.ownership_id
            ) as owner_rank
        from work_orders
        inner join ownerships
            on ownerships.vin = work_orders.vin
            and {{ local_date('work_orders.created_at') }} >= ownerships.valid_from
            and {{ local_date('work_orders.created_at') }} < ownerships.valid_to
    ) as ranked
    where owner_rank = 1
),

joined as (
    select
        work_orders.*,
        milestones.transition_count,
        milestones.first_dispatched_at,
        milestones.first_on_site_at,
        milestones.first_resolved_at,
        milestones.last_closed_at,
        milestones.reopen_count,
        milestones.callback_score,
        -- an id the contact engine wrote may have been retired by a merge since
        coalesce(aliases.customer_id, work_orders.contact_engine_customer_id) as engine_customer_id,
        resolved.customer_id as record_customer_id,
        phones.customer_id as phone_customer_id,
        vehicle_owners.customer_id as owner_customer_id,
        {{ dbt.dateadd('hour', 'work_orders.sla_hours', 'work_orders.created_at') }} as sla_due_at
    from work_orders
    left join milestones on milestones.work_order_id = work_orders.work_order_id
    left join resolved on resolved.crm_customer_id = work_orders.crm_customer_id
    left join aliases on aliases.alias_id = work_orders.contact_engine_customer_id
    left join phones on phones.phone_e164 = work_orders.contact_phone_e164
    left join vehicle_owners on vehicle_owners.work_order_id = work_orders.work_order_id
),

final as (
    select
        -- ids
        work_order_id,
        coalesce(
            engine_customer_id, record_customer_id, phone_customer_id, owner_customer_id, {{ unknown_key() }}
        ) as customer_id,
        coalesce(vin, {{ unknown_key() }}) as vin,
        call_id,
        -- attributes
        case
            when engine_customer_id is not null then 'contact_engine'
            when record_customer_id is not null then 'crm_record'
            when phone_customer_id is not null then 'contact_phone'
            when owner_customer_id is not null then 'vehicle_owner'
            else 'unresolved'
        end as customer_resolved_by,
        work_order_category,
        work_order_priority,
        work_order_status,
        work_order_status in ('created', 'dispatched', 'accepted', 'on_site', 'reopened') as is_open,
        component,
        fault_code,
        fault_description,
        region_office,
        sla_hours,
        coalesce(transition_count, 0) as transition_count,
        coalesce(reopen_count, 0) as reopen_count,
        callback_score,
        first_resolved_at is not null and first_resolved_at <= sla_due_at as is_sla_met,
        -- measures
        case
            when first_resolved_at is not null
                then {{ hours_between('created_at', 'first_resolved_at') }}
        end as hours_to_resolve,
        -- dates
        {{ local_date('created_at') }} as created_date,
        -- timestamps
        created_at,
        updated_at,
        sla_due_at,
        first_dispatched_at,
        first_on_site_at,
        first_resolved_at,
        last_closed_at
    from joined
)

select * from final
