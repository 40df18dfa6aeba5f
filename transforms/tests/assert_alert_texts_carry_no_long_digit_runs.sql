{{ config(tags=["scored"]) }}
-- R&D evidence carries no phone or id numbers: no fault description of an alert's failures
-- keeps a run of 7 or more digits.
select alert_failure_id, fault_description
from {{ ref('fct_field_alert_failures') }}
where {{ dbt.length("regexp_replace(fault_description, '[^0-9]', '', 'g')") }} >= 7
    and fault_description <> {{ mask_digit_runs('fault_description') }}
