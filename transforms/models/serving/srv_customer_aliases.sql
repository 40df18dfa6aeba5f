-- Ids retired by a merge -> the live customer, so every id ever served still resolves.
with served as (
    select * from {{ ref('customer_aliases') }}
)

{{ select_served() }}
