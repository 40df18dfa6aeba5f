{{
    config(
        materialized=fact_materialization(),
        unique_key='call_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ ref('int_crm_customers_resolved') }}
-- One row per call, its legs rolled up, and the customer behind it resolved from the
-- caller number (ANI) through the identity graph. Switchboards, 400/800 numbers and
-- numbers shared by several customers resolve to the unknown member.
--
-- Measures follow docs/design.md: offered = reached a queue; abandoned = offered, never
-- answered; short abandons (under var('short_abandon_seconds')) are flagged apart.
-- Incremental: calls that started within var('incremental_window_days') of the latest
-- call in the table are rebuilt whole, so a late leg re-rolls its call; calls whose
-- customer id was retired by a merge are re-resolved.
with

legs as (
    select * from {{ ref('stg_acd__call_legs') }}
    {% if is_incremental() %}
    where call_id in (
        select call_id
        from {{ ref('stg_acd__call_legs') }}
        where started_at >= (
            select {{ dbt.dateadd('day', -var('incremental_window_days', 3), 'max(call_started_at)') }}
            from {{ this }}
        )
    )
    or call_id in ({{ keys_with_retired_customers('call_id') }})
    {% endif %}
),

surveys as (
    select * from {{ ref('stg_acd__surveys') }}
),

callers as (
    select * from {{ ref('int_phone_numbers_resolved') }}
),

rolled as (
    select
        call_id,
        count(*) as leg_count,
        min(started_at) as call_started_at,
        max(ended_at) as call_ended_at,
        min(enqueued_at) as first_enqueued_at,
        min(answered_at) as first_answered_at,
        sum(talk_seconds) as talk_seconds,
        sum(hold_seconds) as hold_seconds,
        sum(wrapup_seconds) as wrapup_seconds,
        sum(case when leg_disposition = 'transferred' then 1 else 0 end) as transfer_count,
        {{ first_by('ani_e164', 'leg_no') }} as ani_e164,
        {{ first_by('ani_kind', 'leg_no') }} as ani_kind,
        {{ first_by('call_direction', 'leg_no') }} as call_direction,
        {{ first_by('queue_name', 'leg_no') }} as first_queue_name,
        {{ first_by('ivr_path', 'leg_no') }} as ivr_path,
        {{ last_by('queue_name', 'leg_no') }} as final_queue_name,
        {{ last_by('leg_disposition', 'leg_no') }} as final_disposition,
        {{ last_by('agent_id', 'leg_no') }} as final_agent_id
    from legs
    group by call_id
),

measured as (
    select
        rolled.*,
        rolled.first_enqueued_at is not null as is_offered,
        rolled.first_answered_at is not null as is_answered,
        case
            when rolled.first_answered_at is not null
                then {{ seconds_between('rolled.first_enqueued_at', 'rolled.first_answered_at') }}
            when rolled.first_enqueued_at is not null
                then {{ seconds_between('rolled.first_enqueued_at', 'rolled.call_ended_at') }}
        end as queue_wait_seconds
    from rolled
),

final as (
    select
        -- ids
        measured.call_id,
        coalesce(callers.customer_id, {{ unknown_key() }}) as customer_id,
        measured.final_agent_id as agent_id,
        -- attributes
        measured.call_direction,
        measured.ani_kind as caller_phone_kind,
        measured.ivr_path,
        measured.first_queue_name,
        measured.final_queue_name,
        measured.final_disposition,
        measured.leg_count,
        measured.transfer_count,
        measured.is_offered,
        measured.is_answered,
        measured.is_offered and not measured.is_answered as is_abandoned,
        measured.is_offered and not measured.is_answered
            and measured.queue_wait_seconds < {{ var('short_abandon_seconds', 5) }} as is_short_abandon,
        measured.is_answered
            and measured.queue_wait_seconds <= {{ var('service_level_seconds', 20) }} as is_answered_within_service_level,
        callers.customer_id is not null as is_customer_identified,
        -- measures
        measured.queue_wait_seconds,
        measured.talk_seconds,
        measured.hold_seconds,
        measured.wrapup_seconds,
        measured.talk_seconds + measured.hold_seconds + measured.wrapup_seconds as handle_seconds,
        surveys.survey_score,
        -- dates
        {{ local_date('measured.call_started_at') }} as call_date,
        -- timestamps
        measured.call_started_at,
        measured.first_answered_at as call_answered_at,
        measured.call_ended_at
    from measured
    left join callers
        on callers.phone_e164 = measured.ani_e164
        and measured.call_direction = 'inbound'
    left join surveys on surveys.call_id = measured.call_id
)

select * from final
