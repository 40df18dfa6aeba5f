-- Every failure lands in a weekly cell that has exposure: a failure dated before its
-- vehicle entered service, or in a week the exposure table lacks, would vanish from the rates.
with

failures as (
    select count(*) as failure_count from {{ ref('fct_component_failures') }}
),

weekly as (
    select coalesce(sum(failure_count), 0) as failure_count from {{ ref('fct_failure_exposure_weekly') }}
)

select failures.failure_count as failures, weekly.failure_count as counted
from failures
cross join weekly
where failures.failure_count <> weekly.failure_count
