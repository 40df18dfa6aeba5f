-- The contact engine's write-backs as published, latest version of each contact, the most
-- recent serving_recent_rows per customer (the API merges those written since the build).
with latest as (
    select
        contacts.*,
        row_number() over (
            partition by contacts.customer_id, contacts.contact_started_at, contacts.contact_id
            order by contacts.ops_seq desc
        ) as version_rank
    from {{ ref('fct_contacts') }} as contacts
),

ranked as (
    select
        latest.*,
        row_number() over (partition by customer_id order by contact_started_at desc, contact_id) as recency
    from latest
    where version_rank = 1
),

served as (
    select * from ranked where recency <= {{ var('serving_recent_rows') }}
)

{{ select_served() }}
