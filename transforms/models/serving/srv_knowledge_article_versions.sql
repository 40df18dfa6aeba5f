-- Every version of every knowledge-base article (api.knowledge searches the latest published
-- ones and suggests them; versions are kept for knowledgeArticle.versions).
with

served as (
    select * from {{ ref('fct_knowledge_article_versions') }}
)

{{ select_served() }}
