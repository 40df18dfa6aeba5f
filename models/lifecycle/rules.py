"""The lifecycle rule, in one place (docs/models.md repeats it for users).

Checked in this order on the features at the cut-off and the churn risk:

1. lapsed   - holds no vehicle, or nothing at all in 180 days: no call, no purchase, no km.
2. new      - registered within the last 90 days.
3. won_back - active again in the last 30 days (a call, purchase or km driven) after a
              quiet spell: no purchase for 180+ days before the latest one, or no call in
              the 60 days before the last 30 while calling now.
4. at_risk  - churn risk in the top AT_RISK_SHARE of customers, or a bad recent experience
              (decayed abandoned + low-survey + complaint contacts >= BAD_EXPERIENCE).
5. active   - everyone else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hub.vocabulary import LIFECYCLE_STAGES as STAGES
NEW_DAYS = 90
QUIET_DAYS = 180
AT_RISK_SHARE = 0.10
BAD_EXPERIENCE = 2.0


def stage(features: pd.DataFrame, churn_risk: pd.Series) -> pd.Series:
    """The stage of every customer in features (indexed by customer_id)."""
    f = features
    risk = churn_risk.reindex(f.index).fillna(0.0)
    recent = (f["calls_30d"] > 0) | (f["days_since_purchase"] < 30) | (f["km_30d"] > 0)
    quiet_180 = (f["calls_90d"] == 0) & (f["days_since_purchase"] >= QUIET_DAYS) & (f["km_30d"] == 0)
    lapsed = (f["vehicle_count"] == 0) | quiet_180
    new = f["tenure_years"] * 365.25 < NEW_DAYS
    returned_buyer = (f["days_since_purchase"] < 30) & (f["previous_purchase_gap_days"] >= QUIET_DAYS)
    returned_caller = (f["calls_30d"] > 0) & (f["calls_90d"] == f["calls_30d"]) & (f["tenure_years"] > 0.5)
    won_back = recent & (returned_buyer | returned_caller)
    bad = f["abandoned_decayed"] + f["low_survey_decayed"] + f["complaint_calls_decayed"] >= BAD_EXPERIENCE
    threshold = risk.quantile(1 - AT_RISK_SHARE) if len(risk) else np.inf
    at_risk = ((risk >= threshold) & (risk > 0)) | bad
    result = np.select([lapsed, new, won_back, at_risk], ["lapsed", "new", "won_back", "at_risk"], "active")
    return pd.Series(result, index=f.index, name="lifecycle_stage")
