"""Probabilistic matching of person records with Splink (docs/design.md "Identity").

Records come in one shape (`RECORD_COLUMNS`), whatever their source: the CRM's staging
table (`crm_records`) or a benchmark file. Splink compares the pairs that any blocking rule
admits, so a typo in one field still leaves other rules to bring two records together.
u is estimated by random sampling, m by EM over two blocking rules that each leave the
other's fields free, and the prior from a strict deterministic rule: all from the data,
never from truth. A pair is accepted at `match_probability >= threshold` (a hub setting,
fixed up front: docs/identity.md).

Settings use Splink's comparison library only, so they run unchanged on its Spark backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

RECORD_COLUMNS = (
    "unique_id", "given_name", "surname", "full_name", "birth_date",
    "street_number", "address", "city", "postcode", "province",
)
SEED = 42
U_MAX_PAIRS = 2e6


def _birth_date() -> cl.CustomComparison:
    """Birth dates as YYYYMMDD strings: exact, day and month transposed, one digit off, other."""
    transposed = (
        'substr("birth_date_l", 1, 4) = substr("birth_date_r", 1, 4) '
        'and substr("birth_date_l", 5, 2) = substr("birth_date_r", 7, 2) '
        'and substr("birth_date_l", 7, 2) = substr("birth_date_r", 5, 2)'
    )
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel(transposed, label_for_charts="day and month transposed"),
            cll.DamerauLevenshteinLevel("birth_date", 1),
            cll.ElseLevel(),
        ],
    )


def _comparisons() -> list[tuple[tuple[str, ...], Any]]:
    return [
        # null, exact (tf on the full name), swapped, JW >= 0.92 / 0.88 on both, one part equal (tf)
        (("given_name", "surname"),
         cl.ForenameSurnameComparison("given_name", "surname", forename_surname_concat_col_name="full_name")),
        (("birth_date",), _birth_date()),
        (("street_number",), cl.ExactMatch("street_number")),
        (("address",), cl.JaroWinklerAtThresholds("address", [0.95, 0.85])),
        (("city",), cl.JaroWinklerAtThresholds("city", [0.92, 0.85])),
        (("postcode",), cl.LevenshteinAtThresholds("postcode", [1, 2])),
        # province: implied by the city (correlated fields would count the same evidence twice)
    ]


# several rules, so that a typo in any one field still leaves another to bring a pair together
BLOCKING_RULES = (
    ("birth_date",),
    ("given_name", "surname"),
    ("surname", "postcode"),
    ("given_name", "postcode"),
    ("street_number", "postcode"),
    ("street_number", "city", "surname"),
    ("address", "street_number"),
)


def settings(populated: set[str] | None = None) -> SettingsCreator:
    """The model over the fields some record fills (a CRM without postcodes compares none)."""
    def usable(columns: tuple[str, ...]) -> bool:
        return populated is None or set(columns) <= populated

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[comparison for columns, comparison in _comparisons() if usable(columns)],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in BLOCKING_RULES if usable(rule)],
        retain_intermediate_calculation_columns=False,
    )


# EM: names free while blocked on the birth date, everything else free while blocked on the name
EM_BLOCKING_RULES = (block_on("birth_date"), block_on("given_name", "surname"))
PRIOR_RULES = ("l.given_name = r.given_name and l.surname = r.surname and l.birth_date = r.birth_date",)
PRIOR_RECALL = 0.7


@dataclass(frozen=True)
class MatchResult:
    pairs: pd.DataFrame  # left_id, right_id, match_weight, match_probability: pairs above the threshold
    scored_pairs: int  # every compared pair
    model: dict[str, Any]  # Splink's settings with the trained m, u and prior


def match(records: pd.DataFrame, threshold: float) -> MatchResult:
    """Train on `records` (RECORD_COLUMNS; unique_id distinct) and keep pairs at or above `threshold`."""
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack columns {missing}")
    db = DuckDBAPI(duckdb.connect())
    frame = db.register(records[list(RECORD_COLUMNS)].astype("string"), table_name="records")
    populated = {c for c in RECORD_COLUMNS if records[c].notna().any()}
    linker = Linker(frame, settings(populated), log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(list(PRIOR_RULES), recall=PRIOR_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=1.0)
    predicted = linker.inference.predict().as_duckdbpyrelation()
    scored = predicted.aggregate("count(*)").fetchall()[0][0]
    pairs = predicted.filter(f"match_probability >= {float(threshold)!r}").project(
        "unique_id_l as left_id, unique_id_r as right_id, match_weight, match_probability"
    ).df()
    return MatchResult(pairs=pairs, scored_pairs=int(scored), model=linker.misc.save_model_to_json())
