{{ config(tags=["scored"]) }}
-- Calibrated propensities are probabilities: every one lies in [0, 1].
select *
from {{ ref('fct_cross_sell_propensities') }}
where propensity < 0 or propensity > 1
