"""Lead cleaning against the simulator's truth (docs/marketing.md "Sales leads").

Two scores over the leads the warehouse loaded (marts.fct_leads):

- lead -> customer: a lead matched to unified customer U is correct when the person behind
  the lead (truth `leads`) is the person of one of U's CRM records (truth `crm_records`,
  the warehouse's int_crm_customers_resolved). Precision over the matches made; recall over
  the leads whose person is a customer.
- repeats: pairwise, two leads predicted one person when they share first_lead_id, truly so
  when the truth gives them one person.

Only counts and ratios leave this module: no name, number or id is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hub import warehouse
from hub.settings import get_settings
from models.identity.evaluation import PairScores, pair_scores


@dataclass(frozen=True)
class LeadReport:
    loaded: int
    customers_behind: int  # loaded leads whose person is a customer (truth)
    matched: int
    correct: int
    repeats: PairScores
    unusable_phones: int
    missed_by_defect: dict[str, int]  # customers' leads left unmatched, by the truth's phone defect

    @property
    def precision(self) -> float:
        return self.correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.customers_behind if self.customers_behind else 1.0

    def lines(self) -> list[str]:
        r = self.repeats
        return [
            f"leads loaded: {self.loaded} (unusable phones: {self.unusable_phones})",
            (f"lead -> customer: customers behind leads (truth): {self.customers_behind}, matched: {self.matched}, "
             f"correct: {self.correct}"),
            f"lead -> customer precision: {self.precision:.4f}",
            f"lead -> customer recall: {self.recall:.4f}",
            ("customers' leads left unmatched, by phone: "
             + ", ".join(f"{defect} {n}" for defect, n in sorted(self.missed_by_defect.items()))),
            f"repeat pairs (truth): {r.true_pairs}, predicted: {r.predicted_pairs}, correct: {r.correct_pairs}",
            f"repeat precision: {r.precision:.4f}",
            f"repeat recall: {r.recall:.4f}",
        ]


def _truth(truth_dir: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = Path(truth_dir) / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no simulator truth; run `hub simulate` (it writes truth/{name}.parquet)")
    return pd.read_parquet(path, columns=columns)


def evaluate(warehouse_path: Path, truth_dir: Path) -> LeadReport:
    """Score the warehouse's fct_leads against the truth in truth_dir."""
    lead_truth = _truth(truth_dir, "leads", ["lead_id", "person_id", "is_customer", "phone_defect"])
    records = _truth(truth_dir, "crm_records", ["customer_id", "person_id"])
    con = warehouse.connect(get_settings(), read_only=True, path=warehouse_path)
    try:
        leads = con.execute(
            "select lead_id, first_lead_id, customer_id, is_phone_valid from marts.fct_leads").df()
        resolved = con.execute(
            "select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved").df()
    finally:
        con.close()
    persons_of = resolved.merge(records.rename(columns={"customer_id": "crm_customer_id"}), on="crm_customer_id")
    persons_of = persons_of[["customer_id", "person_id"]].drop_duplicates()
    scored = leads.merge(lead_truth, on="lead_id", how="inner")
    matched = scored[scored["customer_id"].notna()]
    correct = matched.merge(persons_of, on=["customer_id", "person_id"], how="inner")
    missed = scored[scored["is_customer"].astype(bool) & ~scored["lead_id"].isin(correct["lead_id"])]
    missed_by_defect = missed["phone_defect"].fillna("usable").value_counts().to_dict()
    # pair_scores' names: records (leads) -> their group (first lead), records -> persons
    assigned = pd.DataFrame({"crm_customer_id": scored["lead_id"], "customer_id": scored["first_lead_id"]})
    truth = pd.DataFrame({"customer_id": scored["lead_id"], "person_id": scored["person_id"]})
    repeats = pair_scores(assigned, truth)
    return LeadReport(
        loaded=len(scored), customers_behind=int(scored["is_customer"].sum()), matched=len(matched),
        correct=len(correct), repeats=repeats, unusable_phones=int((~scored["is_phone_valid"].astype(bool)).sum()),
        missed_by_defect={str(k): int(v) for k, v in missed_by_defect.items()},
    )
