-- Service-notice lists (docs/marketing.md "Service notices"): every vehicle with a known
-- current owner, what a field alert or a declared outage selects it by (model, build batch,
-- the owner's province, build date).
with served as (
    select
        vehicles.vin,
        vehicles.current_customer_id as customer_id,
        vehicles.model_code,
        vehicles.build_batch,
        vehicles.build_date,
        scores.region
    from {{ ref('dim_vehicles') }} as vehicles
    left join {{ ref('fct_customer_scores') }} as scores on scores.customer_id = vehicles.current_customer_id
    where not vehicles.is_unknown_member
        and vehicles.current_customer_id is not null
        and vehicles.current_customer_id <> {{ unknown_key() }}
)

{{ select_served() }}
