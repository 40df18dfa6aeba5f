-- Every version of every knowledge-base article: the seeded articles (version 1, published)
-- and the versions written through the API since (ops store), numbered per article in the
-- order they were written (seq), so a version number is never given twice.
with

seeded as (
    select * from {{ ref('knowledge_articles') }}
),

written as (
    select * from {{ ref('stg_ops__knowledge_articles') }}
),

all_versions as (
    select
        article_id,
        author_id,
        'published' as article_status,
        title as article_title,
        symptom as article_symptom,
        fault_codes,
        models as model_codes,
        components,
        replace(steps, '||', chr(10)) as article_steps,
        cast(null as {{ dbt.type_int() }}) as ops_seq,
        written_at
    from seeded
    union all
    select
        article_id,
        author_id,
        article_status,
        article_title,
        article_symptom,
        fault_codes,
        model_codes,
        components,
        article_steps,
        ops_seq,
        written_at
    from written
),

numbered as (
    select
        *,
        row_number() over (partition by article_id order by coalesce(ops_seq, 0), written_at) as article_version,
        count(*) over (partition by article_id) as version_count
    from all_versions
),

final as (
    select
        -- ids
        {{ dbt.concat(["article_id", "'|'", dbt.safe_cast("article_version", dbt.type_string())]) }}
            as article_version_id,
        article_id,
        author_id,
        ops_seq,
        -- attributes
        article_version,
        article_version = version_count as is_latest_version,
        article_version = 1 as is_first_version,
        article_status,
        article_title,
        article_symptom,
        fault_codes,
        model_codes,
        components,
        article_steps,
        -- timestamps
        written_at
    from numbered
)

select * from final
