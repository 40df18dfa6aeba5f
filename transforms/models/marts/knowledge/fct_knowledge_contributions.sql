-- Contributions to the knowledge base per author and month (local calendar): articles
-- started, versions written, and versions written as published.
with

versions as (
    select * from {{ ref('fct_knowledge_article_versions') }}
),

dated as (
    select
        author_id,
        {{ dbt.date_trunc('month', local_date('written_at')) }} as month_start,
        is_first_version,
        article_status,
        article_id
    from versions
),

final as (
    select
        -- ids
        {{ dbt.concat(["author_id", "'|'", dbt.safe_cast("month_start", dbt.type_string())]) }}
            as contribution_id,
        author_id,
        -- measures
        sum(case when is_first_version then 1 else 0 end) as articles_started,
        count(*) as versions_written,
        sum(case when article_status = 'published' then 1 else 0 end) as published_versions,
        count(distinct article_id) as articles_touched,
        -- dates
        cast(month_start as date) as contribution_month
    from dated
    group by author_id, month_start
)

select * from final
