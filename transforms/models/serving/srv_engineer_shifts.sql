-- The roster's on-duty periods (Query.engineersOnDuty): who works where, with which skills, when.
with served as (
    select * from {{ ref('fct_engineer_shifts') }}
)

{{ select_served() }}
