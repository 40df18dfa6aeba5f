-- Each customer's identity history: merges, splits and stewards' overrides (Customer.identityHistory).
with served as (
    select * from {{ ref('identity_history') }}
)

{{ select_served() }}
