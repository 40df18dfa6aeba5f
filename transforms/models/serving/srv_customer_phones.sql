-- A profile's phones, masked and in E.164; switchboards and 400 numbers are listed here
-- but only caller ids identify a caller.
with served as (
    select
        customer_phone_id, customer_id, phone_e164, phone_masked, phone_kind, phone_label, is_primary,
        coalesce(is_caller_id, false) as is_caller_id
    from {{ ref('dim_customer_phones') }}
    where phone_e164 is not null
)

{{ select_served() }}
