-- The numbers that identify one caller: caller ids of exactly one customer. A number two
-- customers share is listed on both profiles but looks up nobody.
with served as (
    select phone_e164, min(customer_id) as customer_id
    from {{ ref('dim_customer_phones') }}
    where is_caller_id and phone_e164 is not null
    group by phone_e164
    having count(distinct customer_id) = 1
)

{{ select_served() }}
