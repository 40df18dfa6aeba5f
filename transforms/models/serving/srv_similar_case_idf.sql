-- Inverse document frequency per term of the similar-case index.
with served as (
    select term, min(idf) as idf from {{ ref('fct_similar_case_terms') }} group by term
)

{{ select_served() }}
