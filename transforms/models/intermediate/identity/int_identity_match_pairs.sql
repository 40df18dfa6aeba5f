-- Probabilistic matching of person records that share no identifier (DESIGN.md "Identity").
--
-- Candidates come from three blocking rules inside one city: same birth date, same
-- building (address_key), same name. Each pair gets a Fellegi-Sunter style score: the sum
-- of evidence weights per compared field (agreement adds, disagreement subtracts, missing
-- is neutral). Weights and the threshold var('identity_match_threshold') were chosen on the
-- simulator's demo data against its truth (docs/identity.md); `hub identity evaluate`
-- re-measures them.
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
),

persons as (
    select
        crm_customer_id,
        customer_name,
        gender,
        birth_date,
        city,
        {{ address_key('address', 'province') }} as address_key
    from customers
    where customer_type = 'person' and city is not null and customer_name is not null
),

blocked as (
    select left_side.crm_customer_id as left_crm_customer_id, right_side.crm_customer_id as right_crm_customer_id
    from persons as left_side
    inner join persons as right_side
        on left_side.city = right_side.city
        and left_side.birth_date = right_side.birth_date
        and left_side.crm_customer_id < right_side.crm_customer_id

    union

    select left_side.crm_customer_id, right_side.crm_customer_id
    from persons as left_side
    inner join persons as right_side
        on left_side.city = right_side.city
        and left_side.address_key = right_side.address_key
        and left_side.crm_customer_id < right_side.crm_customer_id

    union

    select left_side.crm_customer_id, right_side.crm_customer_id
    from persons as left_side
    inner join persons as right_side
        on left_side.city = right_side.city
        and left_side.customer_name = right_side.customer_name
        and left_side.crm_customer_id < right_side.crm_customer_id
),

compared as (
    select
        blocked.left_crm_customer_id,
        blocked.right_crm_customer_id,
        {{ name_comparison('left_side.customer_name', 'right_side.customer_name') }} as name_level,
        case
            when left_side.birth_date is null or right_side.birth_date is null then 'missing'
            when left_side.birth_date = right_side.birth_date then 'same'
            else 'different'
        end as birth_date_level,
        case
            when left_side.address_key is null or right_side.address_key is null then 'missing'
            when left_side.address_key = right_side.address_key then 'same'
            else 'different'
        end as address_level,
        case
            when left_side.gender is null or right_side.gender is null or 'U' in (left_side.gender, right_side.gender)
                then 'missing'
            when left_side.gender = right_side.gender then 'same'
            else 'different'
        end as gender_level
    from blocked
    inner join persons as left_side on left_side.crm_customer_id = blocked.left_crm_customer_id
    inner join persons as right_side on right_side.crm_customer_id = blocked.right_crm_customer_id
),

scored as (
    select
        *,
        case name_level when 'exact' then 3.0 when 'one_typo' then 2.0 else -6.0 end
        + case birth_date_level when 'same' then 4.0 when 'different' then -8.0 else 0.0 end
        + case address_level when 'same' then 4.0 when 'different' then -1.0 else 0.0 end
        + case gender_level when 'different' then -6.0 else 0.0 end
            as match_score
    from compared
),

final as (
    select
        -- ids
        left_crm_customer_id,
        right_crm_customer_id,
        -- attributes
        name_level,
        birth_date_level,
        address_level,
        gender_level,
        match_score,
        match_score >= {{ var('identity_match_threshold', 6.0) }} as is_accepted
    from scored
)

select * from final
