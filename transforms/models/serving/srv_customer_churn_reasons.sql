-- The churn model's top reasons per customer, one row per reason in rank order.
with scores as (
    select customer_id, churn_reason_1, churn_reason_2, churn_reason_3 from {{ ref('fct_customer_scores') }}
),

reasons as (
    select customer_id, 1 as reason_rank, churn_reason_1 as reason from scores
    union all
    select customer_id, 2 as reason_rank, churn_reason_2 as reason from scores
    union all
    select customer_id, 3 as reason_rank, churn_reason_3 as reason from scores
),

served as (
    select * from reasons where reason is not null
)

{{ select_served() }}
