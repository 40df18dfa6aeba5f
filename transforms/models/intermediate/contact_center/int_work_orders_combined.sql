-- One row per work order from the ticketing export or opened by the contact engine, with
-- its status after the contact engine's latest stage change (when that is newer than the
-- export's header). Orders opened by the contact engine name their unified customer.
with

ticketing as (
    select * from {{ ref('stg_ticketing__work_orders') }}
),

changes as (
    select * from {{ ref('stg_ops__work_order_changes') }}
),

opened as (
    select * from changes
    where change_type = 'opened'
),

latest_change as (
    select work_order_id, work_order_stage, stage_at
    from (
        select
            work_order_id,
            work_order_stage,
            stage_at,
            row_number() over (partition by work_order_id order by ops_seq desc) as change_rank
        from changes
    ) as ranked
    where change_rank = 1
),

headers as (
    select
        work_order_id,
        crm_customer_id,
        cast(null as {{ dbt.type_string() }}) as contact_engine_customer_id,
        contact_phone_e164,
        vin,
        call_id,
        contact_phone_kind,
        work_order_category,
        work_order_priority,
        component,
        fault_code,
        fault_description,
        region_office,
        sla_hours,
        work_order_status,
        created_at,
        updated_at
    from ticketing
    union all
    select
        work_order_id,
        cast(null as {{ dbt.type_string() }}) as crm_customer_id,
        customer_id as contact_engine_customer_id,
        cast(null as {{ dbt.type_string() }}) as contact_phone_e164,
        vin,
        call_id,
        cast(null as {{ dbt.type_string() }}) as contact_phone_kind,
        work_order_category,
        work_order_priority,
        component,
        fault_code,
        fault_description,
        region_office,
        coalesce(sla_hours, 72) as sla_hours,
        work_order_stage as work_order_status,
        stage_at as created_at,
        stage_at as updated_at
    from opened
),

final as (
    select
        -- ids
        headers.work_order_id,
        headers.crm_customer_id,
        headers.contact_engine_customer_id,
        headers.contact_phone_e164,
        headers.vin,
        headers.call_id,
        -- attributes
        headers.contact_phone_kind,
        headers.work_order_category,
        headers.work_order_priority,
        headers.component,
        headers.fault_code,
        headers.fault_description,
        headers.region_office,
        headers.sla_hours,
        case
            when latest_change.stage_at >= headers.updated_at then latest_change.work_order_stage
            else headers.work_order_status
        end as work_order_status,
        -- timestamps
        headers.created_at,
        case
            when latest_change.stage_at >= headers.updated_at then latest_change.stage_at
            else headers.updated_at
        end as updated_at
    from headers
    left join latest_change on latest_change.work_order_id = headers.work_order_id
)

select * from final
