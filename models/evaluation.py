"""The published model outputs against the simulator's truth (evaluation only: never read by training).

Truth persons map to hub customers through their CRM records (truth crm_records ->
intermediate.int_crm_customers_resolved), as models.identity.evaluation does. Outcomes
are what happened after the last day of data T: churn (truth churn.churned_at) within
CHURN_DAYS, purchases of each product (truth future_purchases) within CROSS_SELL_DAYS,
and after-sales purchase days within 12 months for the value model.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from scipy.stats import spearmanr

from models.features import PRODUCTS, data_end
from models.metrics import classification_metrics, lift_at
from models.value.model import AFTER_SALES

CHURN_DAYS = (30, 90)
CROSS_SELL_DAYS = 90


def _persons(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    records = pd.read_parquet(truth_dir / "crm_records.parquet", columns=["customer_id", "person_id"])
    resolved = con.execute("select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved").df()
    records = records.rename(columns={"customer_id": "crm_customer_id"})
    return resolved.merge(records, on="crm_customer_id")[["customer_id", "person_id"]].drop_duplicates()


def _label(persons: pd.DataFrame, positive: pd.Series) -> pd.Series:
    return persons.assign(y=persons["person_id"].isin(positive)).groupby("customer_id")["y"].max().astype(float)


def truth_report(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[str]:
    today = pd.Timestamp(data_end(con))
    persons = _persons(con, truth_dir)
    lines = []

    churn = pd.read_parquet(truth_dir / "churn.parquet", columns=["person_id", "churned_at", "bad_service_score"])
    churned_at = pd.to_datetime(churn["churned_at"])
    gone = _label(persons, churn.loc[churned_at < today, "person_id"])
    scores = con.execute("select customer_id, churn_risk from models.churn_scores").df().set_index("customer_id")
    for days in CHURN_DAYS:
        later = churn.loc[(churned_at >= today) & (churned_at < today + pd.Timedelta(days=days)), "person_id"]
        frame = scores.join(_label(persons, later).rename("y"), how="inner")
        frame = frame[gone.reindex(frame.index).fillna(0) == 0]
        m = classification_metrics(frame["y"], frame["churn_risk"])
        lines.append(f"churn within {days} days: AUC {m['auc']:.3f}, top-decile lift {m['lift_top_decile']:.2f}, "
                     f"Brier {m['brier']:.4f}, calibration error {m['calibration_error']:.4f} "
                     f"({int(m['positives'])} churned of {int(m['rows'])})")
    # how far any model could go: the simulator's own bad-service score (the driver of its
    # churn hazard, known only to the truth) used as the score
    alive = churn[~(churned_at < today)]
    later = pd.to_datetime(alive["churned_at"]) < today + pd.Timedelta(days=CHURN_DAYS[0])
    ceiling = lift_at(later.astype(float), alive["bad_service_score"])
    lines.append(f"churn ceiling: the truth's own bad-service score gives top-decile lift {ceiling:.2f} "
                 f"within {CHURN_DAYS[0]} days")

    future = pd.read_parquet(truth_dir / "future_purchases.parquet", columns=["person_id", "product", "purchased_on"])
    bought_on = pd.to_datetime(future["purchased_on"])
    propensity = con.execute("select customer_id, product, propensity from models.cross_sell_scores").df()
    lifts = []
    for product in PRODUCTS:
        window = future[(future["product"] == product) & (bought_on < today + pd.Timedelta(days=CROSS_SELL_DAYS))]
        frame = propensity[propensity["product"] == product].set_index("customer_id")
        frame = frame.join(_label(persons, window["person_id"]).rename("y"), how="inner")
        if frame.empty:
            continue
        m = classification_metrics(frame["y"], frame["propensity"])
        lifts.append(m["lift_top_decile"])
        lines.append(f"cross-sell {product} within {CROSS_SELL_DAYS} days: AUC {m['auc']:.3f}, "
                     f"lift at 10% {lift_at(frame['y'], frame['propensity']):.2f}, "
                     f"calibration error {m['calibration_error']:.4f} ({int(m['positives'])} buyers)")
    if lifts:
        lines.append(f"cross-sell mean lift at 10%: {sum(lifts) / len(lifts):.2f}")

    after_sales = future[future["product"].isin(AFTER_SALES)]
    days = after_sales.groupby("person_id")["purchased_on"].nunique()
    actual = persons.assign(n=persons["person_id"].map(days).fillna(0)).groupby("customer_id")["n"].sum()
    value = con.execute("select customer_id, expected_purchases_12m from models.customer_value").df()
    frame = value.set_index("customer_id").join(actual.rename("actual"), how="inner")
    rho = spearmanr(frame["expected_purchases_12m"], frame["actual"]).statistic
    lines.append(f"value: 12-month after-sales purchase days, Spearman {rho:.3f}, "
                 f"predicted/actual total {frame['expected_purchases_12m'].sum() / frame['actual'].sum():.2f}")
    return lines
