-- QA reviews written back by supervisors (recordQaReview): the latest review of a call
-- counts (a call reviewed again is re-scored, not reviewed twice).
with

source as (
    select * from {{ source('ops', 'ops__qa_reviews') }}
),

ranked as (
    select
        *,
        row_number() over (partition by call_id order by seq desc) as review_rank
    from source
),

final as (
    select
        -- ids
        event_id as qa_review_id,
        seq as ops_seq,
        call_id,
        reviewer_id,
        -- attributes
        scores as qa_scores,
        -- measures
        qa_points,
        qa_possible_points,
        -- timestamps
        reviewed_at,
        recorded_at
    from ranked
    where review_rank = 1
)

select * from final
