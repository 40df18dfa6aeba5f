-- Resolved work orders that the similar-case index can return (api.similar_cases): no customer.
with served as (
    select *
    from {{ ref('fct_resolved_cases') }}
    where work_order_id in (select work_order_id from {{ ref('fct_similar_case_terms') }})
)

{{ select_served() }}
