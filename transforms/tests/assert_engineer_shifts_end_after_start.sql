-- A shift of the roster ends after it starts (the contract cannot compare two fields): a
-- shift that does not is kept in staging, listed here, and never counts as on duty.
{{ config(severity='warn') }}
select engineer_shift_id, shift_started_at, shift_ended_at
from {{ ref('stg_ticketing__roster') }}
where shift_ended_at <= shift_started_at
