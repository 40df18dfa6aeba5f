"""Expected after-sales purchases and value per customer over the next 12 months.

A transaction is a day with at least one after-sales purchase (parts, maintenance,
extended warranty, telematics subscription; vehicles and financing are capital sales, not
repeat business). Time runs in weeks from the customer's registration, their "birth" (the
day the first vehicle and its bundled products are bought); x counts the purchase days after
it, so a customer who never came back has x = 0 over T weeks. BG/NBD gives
the purchases, Gamma-Gamma the spend per purchase.

Held-out check: fitted on history before T - h, the expected purchases in [T - h, T) are
compared with what happened: Spearman rank correlation and predicted/actual total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from models.features import data_end
from models.value import bgnbd, gamma_gamma

WEEKS_12_MONTHS = 52.18
AFTER_SALES = ("parts", "maintenance_package", "extended_warranty", "telematics_subscription")

_SUMMARY = """
with customers as (
    select customer_id, cast(first_registered_at as date) as birth
    from {m}.dim_customers
    where not is_unknown_member and cast(first_registered_at as date) < $cutoff
),
days as (
    select customer_id, purchase_date, sum(amount_cny) as spend
    from {m}.fct_purchases
    where product in ({products}) and purchase_date < $cutoff
    group by customer_id, purchase_date
)
select c.customer_id,
    count(d.purchase_date) as x,
    coalesce(datediff('day', c.birth, max(d.purchase_date)), 0) / 7.0 as t_x,
    datediff('day', c.birth, $cutoff) / 7.0 as t,
    coalesce(avg(d.spend), 0) as mean_spend
from customers c
left join days d on d.customer_id = c.customer_id and d.purchase_date > c.birth
group by c.customer_id, c.birth
order by c.customer_id
"""


def summary(con: duckdb.DuckDBPyConnection, cutoff: date, marts: str = "marts") -> pd.DataFrame:
    """x, t_x, T (weeks) and mean spend per after-sales purchase day, before cutoff."""
    products = ", ".join(f"'{p}'" for p in AFTER_SALES)
    sql = _SUMMARY.format(m=marts, products=products)
    return con.execute(sql, {"cutoff": cutoff}).df().set_index("customer_id").astype(float)


@dataclass(frozen=True)
class ValueRun:
    cutoff: date
    scores: pd.DataFrame  # customer_id, expected_purchases_12m, expected_spend_cny, expected_value_12m_cny
    metrics: dict[str, float]
    purchases_model: bgnbd.BgNbd
    spend_model: gamma_gamma.GammaGamma


def _fit(frame: pd.DataFrame) -> tuple[bgnbd.BgNbd, gamma_gamma.GammaGamma]:
    return bgnbd.fit(frame["x"], frame["t_x"], frame["t"]), gamma_gamma.fit(frame["x"], frame["mean_spend"])


def run(con: duckdb.DuckDBPyConnection, horizon: int, marts: str = "marts", today: date | None = None) -> ValueRun:
    today = today or data_end(con, marts)
    start = today - timedelta(days=horizon)
    past, now = summary(con, start, marts), summary(con, today, marts)
    purchases, _ = _fit(past)
    expected = purchases.expected_purchases(horizon / 7.0, past["x"], past["t_x"], past["t"])
    actual = (now["x"].reindex(past.index) - past["x"]).clip(lower=0)
    rho = spearmanr(expected, actual).statistic if actual.sum() > 0 else float("nan")
    metrics = {
        "spearman": float(rho),
        "predicted_over_actual": float(expected.sum() / actual.sum()) if actual.sum() else float("nan"),
    }
    purchases, spend = _fit(now)
    count = purchases.expected_purchases(WEEKS_12_MONTHS, now["x"], now["t_x"], now["t"])
    per_purchase = spend.expected_spend(now["x"], now["mean_spend"])
    metrics.update({"r": purchases.r, "alpha": purchases.alpha, "a": purchases.a, "b": purchases.b,
                    "p": spend.p, "q": spend.q, "gamma": spend.gamma})
    scores = pd.DataFrame({
        "customer_id": now.index,
        "expected_purchases_12m": np.asarray(count),
        "expected_spend_cny": np.asarray(per_purchase),
        "expected_value_12m_cny": np.asarray(count) * np.asarray(per_purchase),
    })
    return ValueRun(today, scores, metrics, purchases, spend)
