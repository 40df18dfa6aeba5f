-- The week's QA sample: the calls each agent's supervisor must review, and their reviews.
with served as (
    select * from {{ ref('fct_qa_samples') }}
)

{{ select_served() }}
