-- Posting lists of the similar-case index: n-gram term -> resolved work order, weighted.
with served as (
    select * from {{ ref('fct_similar_case_terms') }}
)

{{ select_served() }}
