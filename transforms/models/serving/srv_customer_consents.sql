-- Each customer's current consent per channel and purpose.
with served as (
    select * from {{ ref('fct_consents') }}
)

{{ select_served() }}
