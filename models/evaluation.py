"""The published model outputs against the simulator's truth (evaluation only: never read by training).

Truth persons map to hub customers through their CRM records (truth crm_records ->
intermediate.int_crm_customers_resolved), as models.identity.evaluation does. Outcomes
are what happened after the last day of data T: churn (truth churn.churned_at) within
CHURN_DAYS, purchases of each product (truth future_purchases) within CROSS_SELL_DAYS,
and after-sales purchase days within 12 months for the value model.

Ceilings (issue 23 item 6): next to each model's lift against the truth, the lift of the
simulator's own signal on the same customers (truth true_signals, as they stood on the
morning after T: the churn hazard, each product's purchase rate; a customer's signal sums its
persons'), and the ratio model / ceiling. No model of the exports can rank better than the
process that drew the outcomes, up to the draw's luck, so a ratio near 1 means the model has
found what there is to find.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Ceiling:
    """A model's lift against the truth next to the lift of the truth's own signal on the same customers."""

    model: str
    metric: str  # which lift: churn_lift_top_decile_30d, <product>_lift_10_90d, mean_lift_10_90d
    model_lift: float
    ceiling_lift: float
    customers: int

    @property
    def ratio(self) -> float:
        return self.model_lift / self.ceiling_lift if self.ceiling_lift else float("nan")

    def line(self) -> str:
        return (f"{self.model} ceiling {self.metric}: model {self.model_lift:.2f}, true signal {self.ceiling_lift:.2f}, "
                f"ratio {self.ratio:.2f} ({self.customers} customers)")


def _signal(persons: pd.DataFrame, signals: pd.DataFrame | None, column: str) -> pd.Series | None:
    """A customer's true signal: the sum over its persons (None when the truth has no signals)."""
    if signals is None:
        return None
    joined = persons.merge(signals[["person_id", column]], on="person_id", how="left")
    return joined.groupby("customer_id")[column].sum()


def _signals(truth_dir: Path) -> pd.DataFrame | None:
    path = truth_dir / "true_signals.parquet"
    return pd.read_parquet(path) if path.exists() else None


def truth_report(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[str]:
    return truth_evaluation(con, truth_dir)[0]


def truth_evaluation(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> tuple[list[str], list[Ceiling]]:
    """The report's lines and the ceilings measured (empty when the truth has no signals)."""
    today = pd.Timestamp(data_end(con))
    persons = _persons(con, truth_dir)
    signals = _signals(truth_dir)
    ceilings: list[Ceiling] = []
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
        hazard = _signal(persons, signals, "churn_hazard")
        if hazard is not None and days == CHURN_DAYS[0]:
            truth_lift = lift_at(frame["y"], hazard.reindex(frame.index).fillna(0))
            ceilings.append(Ceiling("churn", f"lift_top_decile_{days}d", m["lift_top_decile"], truth_lift, len(frame)))
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
        rate = _signal(persons, signals, f"{product}_rate")
        if rate is not None:
            truth_lift = lift_at(frame["y"], rate.reindex(frame.index).fillna(0))
            ceilings.append(Ceiling("cross_sell", f"{product}_lift_10_{CROSS_SELL_DAYS}d",
                                    lift_at(frame["y"], frame["propensity"]), truth_lift, len(frame)))
        lines.append(f"cross-sell {product} within {CROSS_SELL_DAYS} days: AUC {m['auc']:.3f}, "
                     f"lift at 10% {lift_at(frame['y'], frame['propensity']):.2f}, "
                     f"calibration error {m['calibration_error']:.4f} ({int(m['positives'])} buyers)")
    if lifts:
        lines.append(f"cross-sell mean lift at 10%: {sum(lifts) / len(lifts):.2f}")
    products = [c for c in ceilings if c.model == "cross_sell"]
    if products:
        ceilings.append(Ceiling("cross_sell", f"mean_lift_10_{CROSS_SELL_DAYS}d",
                                sum(c.model_lift for c in products) / len(products),
                                sum(c.ceiling_lift for c in products) / len(products), products[0].customers))

    after_sales = future[future["product"].isin(AFTER_SALES)]
    days = after_sales.groupby("person_id")["purchased_on"].nunique()
    actual = persons.assign(n=persons["person_id"].map(days).fillna(0)).groupby("customer_id")["n"].sum()
    value = con.execute("select customer_id, expected_purchases_12m from models.customer_value").df()
    frame = value.set_index("customer_id").join(actual.rename("actual"), how="inner")
    rho = spearmanr(frame["expected_purchases_12m"], frame["actual"]).statistic
    lines.append(f"value: 12-month after-sales purchase days, Spearman {rho:.3f}, "
                 f"predicted/actual total {frame['expected_purchases_12m'].sum() / frame['actual'].sum():.2f}")
    lines += [c.line() for c in ceilings]
    return lines, ceilings
