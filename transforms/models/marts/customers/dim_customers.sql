-- One row per unified customer, plus the unknown member that facts point to when no
-- customer could be resolved.
--
-- Surviving attributes: for each attribute, the value of the most recently updated CRM
-- record of the customer that has one (a NULL never overwrites a known value).
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

phones as (
    select * from {{ ref('stg_crm__phones') }}
),

records as (
    select resolved.customer_id, resolved.anchor_crm_customer_id, customers.*
    from customers
    inner join resolved on resolved.crm_customer_id = customers.crm_customer_id
),

{%- set surviving = ['customer_type', 'customer_name', 'gender', 'birth_date', 'province', 'city', 'address', 'segment'] %}

survived as (
    select
        customer_id,
        {%- for column in surviving %}
        first_value({{ column }}) over (
            partition by customer_id
            order by case when {{ column }} is null then 1 else 0 end, updated_at desc, crm_customer_id
            rows between unbounded preceding and unbounded following
        ) as {{ column }},
        {%- endfor %}
        row_number() over (partition by customer_id order by crm_customer_id) as record_rank
    from records
),

record_summary as (
    select
        customer_id,
        min(anchor_crm_customer_id) as primary_crm_customer_id,
        count(*) as crm_record_count,
        max(case when id_card_hash is not null then 1 else 0 end) = 1 as has_id_card,
        min(registered_at) as first_registered_at,
        max(updated_at) as last_updated_at
    from records
    group by customer_id
),

primary_phones as (
    select customer_id, phone_e164
    from (
        select
            records.customer_id,
            phones.phone_e164,
            row_number() over (
                partition by records.customer_id
                order by case when phones.is_primary then 0 else 1 end,
                    case when phones.phone_kind = 'mobile' then 0 else 1 end,
                    phones.updated_at desc,
                    phones.phone_e164
            ) as phone_rank
        from phones
        inner join records on records.crm_customer_id = phones.crm_customer_id
        where phones.phone_e164 is not null
            and phones.phone_kind <> 'service'
            and coalesce(phones.phone_label, 'mobile') in ('mobile', 'home')
    ) as ranked
    where phone_rank = 1
),

unified as (
    select
        -- ids
        survived.customer_id,
        record_summary.primary_crm_customer_id,
        -- attributes
        {%- for column in surviving %}
        survived.{{ column }},
        {%- endfor %}
        {{ mask_phone('primary_phones.phone_e164') }} as primary_phone_masked,
        record_summary.crm_record_count,
        record_summary.has_id_card,
        false as is_unknown_member,
        -- timestamps
        record_summary.first_registered_at,
        record_summary.last_updated_at
    from survived
    inner join record_summary on record_summary.customer_id = survived.customer_id
    left join primary_phones on primary_phones.customer_id = survived.customer_id
    where survived.record_rank = 1
),

unknown_member as (
    select
        {{ unknown_key() }} as customer_id,
        cast(null as {{ dbt.type_string() }}) as primary_crm_customer_id,
        'unknown' as customer_type,
        'unknown' as customer_name,
        cast(null as {{ dbt.type_string() }}) as gender,
        cast(null as date) as birth_date,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as address,
        cast(null as {{ dbt.type_string() }}) as segment,
        cast(null as {{ dbt.type_string() }}) as primary_phone_masked,
        cast(0 as {{ dbt.type_bigint() }}) as crm_record_count,
        false as has_id_card,
        true as is_unknown_member,
        cast(null as {{ dbt.type_timestamp() }}) as first_registered_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_updated_at
),

final as (
    select * from unified
    union all
    select * from unknown_member
)

select * from final
