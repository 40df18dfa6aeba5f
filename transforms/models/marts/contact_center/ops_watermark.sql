-- The highest ops event-log seq the marts of this build contain. Publish copies it into
-- the serving store's _build row; the API merges only events above it (read-your-writes
-- without double counting).
with

contacts as (
    select ops_seq from {{ ref('stg_ops__contacts') }}
),

work_order_changes as (
    select ops_seq from {{ ref('stg_ops__work_order_changes') }}
),

surveys as (
    select ops_seq from {{ ref('stg_ops__surveys') }}
),

offer_responses as (
    select ops_seq from {{ ref('stg_ops__offer_responses') }}
),

consents as (
    select ops_seq from {{ ref('stg_ops__consents') }}
),

knowledge_articles as (
    select ops_seq from {{ ref('stg_ops__knowledge_articles') }}
),

identity_overrides as (
    select ops_seq from {{ ref('stg_ops__identity_overrides') }}
),

all_events as (
    select ops_seq from contacts
    union all
    select ops_seq from work_order_changes
    union all
    select ops_seq from surveys
    union all
    select ops_seq from offer_responses
    union all
    select ops_seq from consents
    union all
    select ops_seq from knowledge_articles
    union all
    select ops_seq from identity_overrides
),

final as (
    select
        'ops' as watermark_id,
        coalesce(max(ops_seq), 0) as ops_seq,
        count(*) as event_count
    from all_events
)

select * from final
