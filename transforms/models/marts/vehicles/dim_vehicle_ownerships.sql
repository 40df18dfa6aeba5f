-- Who owned which vehicle when, as unified customers. valid_from/valid_to form half-open
-- periods [from, to) so an event on the day of a resale goes to the new owner.
with

ownerships as (
    select * from {{ ref('stg_crm__ownerships') }}
),

resolved as (
    select * from {{ ref('int_crm_customers_resolved') }}
),

final as (
    select
        -- ids
        ownerships.ownership_id,
        ownerships.vin,
        coalesce(resolved.customer_id, {{ unknown_key() }}) as customer_id,
        ownerships.crm_customer_id,
        ownerships.dealer_code,
        -- dates
        ownerships.owned_from,
        ownerships.owned_to,
        ownerships.owned_from as valid_from,
        coalesce(ownerships.owned_to, cast('9999-12-31' as date)) as valid_to,
        ownerships.owned_to is null as is_current,
        -- timestamps
        ownerships.updated_at
    from ownerships
    left join resolved on resolved.crm_customer_id = ownerships.crm_customer_id
)

select * from final
