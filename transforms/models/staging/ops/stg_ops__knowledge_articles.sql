-- Knowledge-base article versions written through the API (writeKnowledgeArticle), one row
-- per event; the version number is given in the mart, by seq order.
with

source as (
    select * from {{ source('ops', 'ops__knowledge_articles') }}
),

final as (
    select
        -- ids
        event_id as article_event_id,
        seq as ops_seq,
        article_id,
        author_id,
        -- attributes
        title as article_title,
        symptom as article_symptom,
        fault_codes,
        models as model_codes,
        components,
        steps as article_steps,
        article_status,
        -- timestamps
        written_at,
        recorded_at
    from source
)

select * from final
