-- One row per CRM customer record: the latest exported version (the raw key includes updated_at).
with

source as (
    select * from {{ source('crm', 'crm__customers') }}
),

ranked as (
    select
        *,
        row_number() over (partition by customer_id order by updated_at desc, {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        customer_id as crm_customer_id,
        id_card_hash,
        nullif(upper(trim(company_reg_no)), '') as company_reg_no,
        -- attributes
        customer_type,
        trim(name) as customer_name,
        gender,
        birth_date,
        nullif(trim(province), '') as province,
        nullif(trim(city), '') as city,
        nullif(trim(address), '') as address,
        nullif(upper(replace(trim(postcode), ' ', '')), '') as postcode,
        segment,
        -- timestamps
        registered_at,
        updated_at,
        -- lineage
        _batch_id as batch_id
    from ranked
    where version_rank = 1
)

select * from final
