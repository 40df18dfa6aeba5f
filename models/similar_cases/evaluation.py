"""Held-out evaluation of similar cases (evaluation only: reads the simulator's truth).

Fit on the cases resolved before the cut-off (the first `train_share` of the history),
query with the fault descriptions of the later ones, and count a hit when one of the top
k cases has the right resolution: it fixed the same true fault (truth/work_orders: the
fault behind each order, whatever the agent typed; a resolution depends on the true fault
only). The baseline proposes the k most frequent resolutions of the training cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from models.similar_cases.index import fit_index


@dataclass
class CaseEvaluation:
    cut_off: object
    train_cases: int
    test_cases: int
    k: int
    hit_rate: float
    baseline_hit_rate: float

    def lines(self) -> list[str]:
        ratio = self.hit_rate / self.baseline_hit_rate if self.baseline_hit_rate else float("inf")
        return [
            f"trained on {self.train_cases} cases resolved before {self.cut_off}, tested on {self.test_cases} later ones",
            f"right resolution in the top {self.k}: {self.hit_rate:.1%}",
            f"baseline (the {self.k} most frequent resolutions): {self.baseline_hit_rate:.1%}; ratio {ratio:.2f}",
        ]


def true_faults(truth_dir: Path) -> pd.Series:
    path = Path(truth_dir) / "work_orders.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no simulator truth here (evaluation needs `hub simulate`'s truth/)")
    truth = pd.read_parquet(path, columns=["work_order_id", "fault_code"])
    return truth.set_index("work_order_id")["fault_code"]


def evaluate(cases: pd.DataFrame, faults: pd.Series, train_share: float = 0.7, k: int = 5,
             max_queries: int = 20_000) -> CaseEvaluation:
    cases = cases.assign(true_fault=cases["work_order_id"].map(faults)).dropna(subset=["true_fault"])
    cases = cases.sort_values(["resolved_at", "work_order_id"]).reset_index(drop=True)
    cut_off = cases["resolved_at"].quantile(train_share)
    train = cases[cases["resolved_at"] < cut_off]
    test = cases[cases["created_at"] >= cut_off]  # reported after the cut-off: truly unseen
    if len(test) > max_queries:
        test = test.sample(max_queries, random_state=0)
    index = fit_index(train)
    top = index.top(test["fault_description"].fillna("").tolist(), k)
    train_faults = index.cases["true_fault"].to_numpy()
    hits = (train_faults[top] == test["true_fault"].to_numpy()[:, None]).any(axis=1)
    # the baseline: the k most frequent resolutions, judged the same way (by the fault they fix)
    frequent = index.cases.groupby("resolution")["true_fault"].agg(lambda s: s.mode().iloc[0])
    popular = set(frequent.loc[index.cases["resolution"].value_counts().index[:k]])
    baseline = test["true_fault"].isin(popular).mean()
    return CaseEvaluation(cut_off, len(index.cases), len(test), k, float(np.mean(hits)), float(baseline))
