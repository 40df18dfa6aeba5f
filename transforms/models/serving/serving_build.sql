-- The moment a build's answers hold "as of" (the warehouse's latest call or work-order
-- change, so republishing old data gives the same answers) and the highest write-back seq
-- the marts contain (the API merges live events above it). One row; the publish step
-- records it with the build, it is not a serving table.
{{ config(meta={'served': false}) }}

with served as (
    select
        greatest(
            (select max(call_started_at) from {{ ref('fct_calls') }}),
            (select max(updated_at) from {{ ref('fct_work_orders') }})
        ) as as_of,
        coalesce((select max(ops_seq) from {{ ref('ops_watermark') }}), 0) as ops_seq
)

{{ select_served() }}
