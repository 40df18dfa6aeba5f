-- One row per unified customer with what a screen-pop needs when a call arrives:
-- identity, masked phones, vehicles, recent contacts, open work orders, purchases,
-- marketing consent. Counts of "recent" calls look back var('profile_recent_days') from
-- the latest call in the warehouse, so a rebuild of old data gives the same profile.
with

customers as (
    select * from {{ ref('dim_customers') }}
    where not is_unknown_member
),

phones as (
    select * from {{ ref('dim_customer_phones') }}
),

vehicles as (
    select * from {{ ref('dim_vehicles') }}
    where not is_unknown_member
),

calls as (
    select * from {{ ref('fct_calls') }}
),

work_orders as (
    select * from {{ ref('fct_work_orders') }}
),

purchases as (
    select * from {{ ref('fct_purchases') }}
),

consents as (
    select * from {{ ref('fct_contactability') }}
),

aliases as (
    select * from {{ ref('customer_aliases') }}
),

-- facts may still carry an id retired by a merge until their next rebuild
calls_resolved as (
    select coalesce(aliases.customer_id, calls.customer_id) as customer_id, calls.call_started_at
    from calls
    left join aliases on aliases.alias_id = calls.customer_id
),

work_orders_resolved as (
    select coalesce(aliases.customer_id, work_orders.customer_id) as customer_id, work_orders.is_open,
        work_orders.created_at
    from work_orders
    left join aliases on aliases.alias_id = work_orders.customer_id
),

phone_summary as (
    select
        customer_id,
        count(*) as phone_count,
        {{ sorted_listagg('phone_masked', "', '") }} as phones_masked
    from phones
    where exclusion_reason is null or exclusion_reason = 'non_personal_label'
    group by customer_id
),

vehicle_summary as (
    select
        current_customer_id as customer_id,
        count(*) as vehicle_count,
        {{ sorted_listagg('vin', "', '") }} as vins
    from vehicles
    group by current_customer_id
),

latest_call as (
    select max(call_started_at) as latest_call_at from calls
),

call_summary as (
    select
        calls_resolved.customer_id,
        count(*) as call_count,
        sum(
            case
                when calls_resolved.call_started_at
                    >= {{ dbt.dateadd('day', -var('profile_recent_days', 90), 'latest_call.latest_call_at') }}
                    then 1
                else 0
            end
        ) as recent_call_count,
        max(calls_resolved.call_started_at) as last_call_at
    from calls_resolved
    cross join latest_call
    group by calls_resolved.customer_id
),

work_order_summary as (
    select
        customer_id,
        count(*) as work_order_count,
        sum(case when is_open then 1 else 0 end) as open_work_order_count,
        max(created_at) as last_work_order_at
    from work_orders_resolved
    group by customer_id
),

purchase_summary as (
    select
        customer_id,
        count(*) as purchase_count,
        sum(amount_cny) as purchases_amount_cny,
        max(purchased_at) as last_purchased_at
    from purchases
    group by customer_id
),

marketing_consent as (
    select customer_id, max(case when is_granted then 1 else 0 end) = 1 as has_marketing_consent
    from consents
    where consent_purpose = 'marketing'
    group by customer_id
),

final as (
    select
        -- ids
        customers.customer_id,
        customers.primary_crm_customer_id,
        -- identity
        customers.customer_type,
        customers.customer_name,
        customers.gender,
        customers.city,
        customers.segment,
        customers.crm_record_count,
        customers.primary_phone_masked,
        phone_summary.phones_masked,
        coalesce(phone_summary.phone_count, 0) as phone_count,
        -- vehicles
        coalesce(vehicle_summary.vehicle_count, 0) as vehicle_count,
        vehicle_summary.vins,
        -- contacts
        coalesce(call_summary.call_count, 0) as call_count,
        coalesce(call_summary.recent_call_count, 0) as recent_call_count,
        call_summary.last_call_at,
        coalesce(work_order_summary.work_order_count, 0) as work_order_count,
        coalesce(work_order_summary.open_work_order_count, 0) as open_work_order_count,
        work_order_summary.last_work_order_at,
        -- purchases and consent
        coalesce(purchase_summary.purchase_count, 0) as purchase_count,
        coalesce(purchase_summary.purchases_amount_cny, 0) as purchases_amount_cny,
        purchase_summary.last_purchased_at,
        coalesce(marketing_consent.has_marketing_consent, false) as has_marketing_consent,
        -- timestamps
        customers.first_registered_at
    from customers
    left join phone_summary on phone_summary.customer_id = customers.customer_id
    left join vehicle_summary on vehicle_summary.customer_id = customers.customer_id
    left join call_summary on call_summary.customer_id = customers.customer_id
    left join work_order_summary on work_order_summary.customer_id = customers.customer_id
    left join purchase_summary on purchase_summary.customer_id = customers.customer_id
    left join marketing_consent on marketing_consent.customer_id = customers.customer_id
)

select * from final
