-- Knowledge-base contributions per author and month (Query.knowledgeContributions).
with

served as (
    select * from {{ ref('fct_knowledge_contributions') }}
)

{{ select_served() }}
