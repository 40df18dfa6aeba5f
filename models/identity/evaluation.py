"""How well identity resolution found the persons behind CRM records.

Scores are pairwise over CRM records: a pair is predicted "same person" when both
records resolved to one unified customer, and is truly so when the simulator's truth
gives both the same person. Only counts and ratios leave this module: no identifier
value is ever printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from hub import warehouse
from hub.settings import get_settings

NON_PERSONAL_OWNERS = ("switchboard", "service", "dealer", "junk", "driver")


@dataclass(frozen=True)
class PairScores:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class IdentityReport:
    scores: PairScores
    probabilistic: PairScores  # the accepted probabilistic pairs alone, against truth
    exclusions: dict[str, tuple[int, int]]  # reason -> (identifiers, CRM records carrying them)
    non_personal_links: int  # phone edges through numbers truth says are not one person's
    over_merged_customers: int
    over_merge_reasons: dict[str, int]  # link_reasons of over-merged customers -> how many

    def lines(self) -> list[str]:
        s, p = self.scores, self.probabilistic
        out = [
            f"CRM records evaluated: {s.records}",
            f"pairs same person (truth): {s.true_pairs}, predicted: {s.predicted_pairs}, correct: {s.correct_pairs}",
            f"precision: {s.precision:.4f}",
            f"recall: {s.recall:.4f}",
            f"F1: {s.f1:.4f}",
            f"probabilistic pairs accepted: {p.predicted_pairs}, correct: {p.correct_pairs}, "
            f"precision: {p.precision:.4f}",
            f"links through switchboard/service/dealer/junk numbers: {self.non_personal_links}",
            f"customers merging several persons: {self.over_merged_customers}",
        ]
        out += [f"  linked by {reasons}: {count}" for reasons, count in sorted(self.over_merge_reasons.items())]
        out.append("excluded identifiers by reason (identifiers, CRM records):")
        out += [f"  {reason}: {n} ({records})" for reason, (n, records) in sorted(self.exclusions.items())]
        return out


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pair_scores(assigned: pd.DataFrame, truth: pd.DataFrame) -> PairScores:
    """Pairwise scores; assigned has crm_customer_id, customer_id; truth has customer_id, person_id."""
    both = assigned.merge(
        truth[["customer_id", "person_id"]].rename(columns={"customer_id": "crm_customer_id"}),
        on="crm_customer_id",
        how="inner",
    )
    return PairScores(
        records=len(both),
        true_pairs=_pairs(both.groupby("person_id").size()),
        predicted_pairs=_pairs(both.groupby("customer_id").size()),
        correct_pairs=_pairs(both.groupby(["customer_id", "person_id"]).size()),
    )


def _probabilistic_scores(con: duckdb.DuckDBPyConnection, truth: pd.DataFrame) -> PairScores:
    pairs = con.sql(
        "select left_crm_customer_id, right_crm_customer_id from intermediate.int_identity_match_pairs "
        "where is_accepted"
    ).df()
    person = truth.set_index("customer_id")["person_id"]
    left, right = pairs["left_crm_customer_id"].map(person), pairs["right_crm_customer_id"].map(person)
    labelled = left.notna() & right.notna()  # a labelled sample scores the pairs inside it
    same = left[labelled] == right[labelled]
    return PairScores(records=0, true_pairs=0, predicted_pairs=int(labelled.sum()), correct_pairs=int(same.sum()))


def _non_personal_links(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> int:
    phones_path = truth_dir / "phones.parquet"
    if not phones_path.exists():
        return 0
    owners = pd.read_parquet(phones_path, columns=["phone", "owner_kind"])
    bad = owners[owners["owner_kind"].isin(NON_PERSONAL_OWNERS)]["phone"].dropna().unique().tolist()
    edges = con.sql(
        "select identifier_value from intermediate.int_identity_edges where identifier_type = 'phone'"
    ).df()
    return int(edges["identifier_value"].isin(bad).sum())


TRUTH_FILE_COLUMNS = ("crm_customer_id", "entity_id")


def read_truth_file(path: Path) -> pd.DataFrame:
    """A labelled sample of one's own data: a CSV of (crm_customer_id, entity_id), one row per
    CRM record; records with one entity id are one person. Only its records are scored."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such truth file")
    frame = pd.read_csv(path, dtype=str)
    missing = [c for c in TRUTH_FILE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} line 1: header lacks {', '.join(missing)} (rule: columns {', '.join(TRUTH_FILE_COLUMNS)})")
    blank = frame[frame[list(TRUTH_FILE_COLUMNS)].isna().any(axis=1)]
    if len(blank):
        line = int(blank.index[0]) + 2
        raise ValueError(f"{path} line {line}: crm_customer_id and entity_id are both required (rule: required)")
    return frame.rename(columns={"crm_customer_id": "customer_id", "entity_id": "person_id"})[
        ["customer_id", "person_id"]].drop_duplicates("customer_id")


def evaluate(warehouse_path: Path, truth_dir: Path, truth_file: Path | None = None) -> IdentityReport:
    """Score the identity tables of a built warehouse against the simulator's truth, or against
    a labelled sample (`truth_file`, see read_truth_file)."""
    if truth_file is not None:
        truth = read_truth_file(truth_file)
    else:
        truth_path = truth_dir / "crm_records.parquet"
        if not truth_path.exists():
            raise FileNotFoundError(f"{truth_path}: no truth to evaluate against; run `hub simulate` first")
        truth = pd.read_parquet(truth_path, columns=["customer_id", "person_id"])
    con = warehouse.connect(get_settings(), read_only=True, path=warehouse_path)
    try:
        assigned = con.sql("select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved").df()
        excluded = con.sql(
            "select exclusion_reason, count(*) as identifiers, sum(customer_count) as records "
            "from intermediate.int_identity_excluded_identifiers group by exclusion_reason"
        ).fetchall()
        probabilistic = _probabilistic_scores(con, truth)
        non_personal = _non_personal_links(con, truth_dir) if truth_file is None else 0
        reasons = con.sql(
            "select customer_id, coalesce(max(link_reasons), 'none') as link_reasons "
            "from intermediate.int_customer_id_registry group by customer_id"
        ).df()
    finally:
        con.close()
    merged = assigned.merge(truth.rename(columns={"customer_id": "crm_customer_id"}), on="crm_customer_id")
    persons_per_customer = merged.groupby("customer_id")["person_id"].nunique()
    over = persons_per_customer[persons_per_customer > 1].index
    over_reasons = reasons[reasons["customer_id"].isin(over)]["link_reasons"].value_counts()
    return IdentityReport(
        scores=pair_scores(assigned, truth),
        probabilistic=probabilistic,
        exclusions={reason: (int(n), int(records)) for reason, n, records in excluded},
        non_personal_links=non_personal,
        over_merged_customers=len(over),
        over_merge_reasons={str(k): int(v) for k, v in over_reasons.items()},
    )
