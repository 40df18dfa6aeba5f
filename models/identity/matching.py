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

import math
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


# One digit off in an 8-digit date (one substituted, or two neighbours swapped) leaves the first
# four digits equal, or the last four, or (a swap across the middle) the first three and the last
# three. Tested first, this cheap test spares the edit distance for nearly every pair: the
# Damerau-Levenshtein level was half the CPU of estimating u (2M random pairs, almost none of
# them near) and of scoring (docs/identity.md "Bench"). For YYYYMMDD it changes no level.
_HALF_EQUAL = (
    '(substr("birth_date_l", 1, 4) = substr("birth_date_r", 1, 4) '
    'or substr("birth_date_l", 5, 4) = substr("birth_date_r", 5, 4) '
    'or (substr("birth_date_l", 1, 3) = substr("birth_date_r", 1, 3) '
    'and substr("birth_date_l", 6, 3) = substr("birth_date_r", 6, 3)))'
)


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
            cll.And(cll.CustomLevel(_HALF_EQUAL), cll.DamerauLevenshteinLevel("birth_date", 1))
            .configure(label_for_charts="one digit off"),
            cll.ElseLevel(),
        ],
    )


MAX_EDIT_POSITION = 4  # one-character edits are enumerated over a given name's first four characters


def _one_character_apart(left: str, right: str) -> str:
    """SQL: `left` and `right` one character apart (one substituted, inserted, dropped, or two
    neighbours swapped), counted in characters. Splink's edit-distance levels count bytes on
    DuckDB, where a Chinese character is three; this uses only substr, length and concatenation,
    which count characters on DuckDB and Spark alike."""
    def rest(column: str, k: int) -> str:
        return f"substr({column}, {k + 1})"

    def head(column: str, k: int) -> str:
        return f"substr({column}, 1, {k - 1})"

    same_length, substituted, dropped, inserted, swapped = [], [], [], [], []
    for k in range(1, MAX_EDIT_POSITION + 1):
        substituted.append(f"({head(left, k)} = {head(right, k)} and {rest(left, k)} = {rest(right, k)})")
        dropped.append(f"{head(left, k)} || {rest(left, k)} = {right}")
        inserted.append(f"{head(right, k)} || {rest(right, k)} = {left}")
        swapped.append(
            f"({head(left, k)} = {head(right, k)} and substr({left}, {k}, 1) = substr({right}, {k + 1}, 1) "
            f"and substr({left}, {k + 1}, 1) = substr({right}, {k}, 1) and {rest(left, k + 1)} = {rest(right, k + 1)})"
        )
    same_length = " or ".join(substituted + swapped)
    return (
        f"(length({left}) = length({right}) and ({same_length})) "
        f"or (length({left}) = length({right}) + 1 and ({' or '.join(dropped)})) "
        f"or (length({left}) + 1 = length({right}) and ({' or '.join(inserted)}))"
    )


def _name() -> cl.CustomComparison:
    """Full name: null, exact (tf), parts swapped, surname equal and given name one character apart
    (a Chinese given name of one to three characters: 华平/华萍, 平/平东, 利刚/刚利), Jaro-Winkler on
    both parts, one part equal (tf), other."""
    given_l, given_r = '"given_name_l"', '"given_name_r"'
    return cl.CustomComparison(
        output_column_name="given_name_surname",
        comparison_levels=[
            cll.And(cll.NullLevel("given_name"), cll.NullLevel("surname")),
            cll.ExactMatchLevel("full_name").configure(tf_adjustment_column="full_name"),
            cll.ColumnsReversedLevel("given_name", "surname", symmetrical=True),
            cll.And(
                cll.ExactMatchLevel("surname"),
                cll.CustomLevel(_one_character_apart(given_l, given_r)),
            ).configure(label_for_charts="surname equal, given name one character apart"),
            cll.And(cll.JaroWinklerLevel("given_name", 0.92), cll.JaroWinklerLevel("surname", 0.92)),
            cll.And(cll.JaroWinklerLevel("given_name", 0.88), cll.JaroWinklerLevel("surname", 0.88)),
            cll.ExactMatchLevel("surname").configure(tf_adjustment_column="surname"),
            cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
            cll.ElseLevel(),
        ],
    )


def _comparisons() -> list[tuple[tuple[str, ...], Any]]:
    return [
        (("given_name", "surname"), _name()),
        (("birth_date",), _birth_date()),
        (("street_number",), cl.ExactMatch("street_number")),
        (("address",), cl.JaroWinklerAtThresholds("address", [0.85])),
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


# Optional input: the identifiers (phone, e-mail, id card) a record shares with a few others.
# Not compared (the graph links by them); a blocking rule on them has Splink score every pair
# that shares one, so the graph can tell a family phone from one person's (docs/identity.md).
SHARED_IDENTIFIERS = "shared_identifiers"


def settings(populated: set[str] | None = None) -> SettingsCreator:
    """The model over the fields some record fills (a CRM without postcodes compares none)."""
    def usable(columns: tuple[str, ...]) -> bool:
        return populated is None or set(columns) <= populated

    rules = [block_on(*rule) for rule in BLOCKING_RULES if usable(rule)]
    if populated is not None and SHARED_IDENTIFIERS in populated:
        rules.append(block_on(SHARED_IDENTIFIERS, arrays_to_explode=[SHARED_IDENTIFIERS]))
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[comparison for columns, comparison in _comparisons() if usable(columns)],
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )


# EM: names free while blocked on the birth date, everything else free while blocked on the name
EM_BLOCKING_RULES = (block_on("birth_date"), block_on("surname", "street_number"))
PRIOR_RULES = ("l.given_name = r.given_name and l.surname = r.surname and l.birth_date = r.birth_date",)
PRIOR_RECALL = 0.7


@dataclass(frozen=True)
class MatchResult:
    pairs: pd.DataFrame  # left_id, right_id, match_weight, match_probability: pairs above the threshold
    scored_pairs: int  # every compared pair
    model: dict[str, Any]  # Splink's settings with the trained m, u and prior
    # pairs sharing an identifier, whatever their score: left_id, right_id, match_weight,
    # match_probability, evidence_weight (match_weight without the prior's: the fields' own verdict)
    shared_pairs: pd.DataFrame | None = None


def match(records: pd.DataFrame, threshold: float) -> MatchResult:
    """Train on `records` (RECORD_COLUMNS; unique_id distinct) and keep pairs at or above `threshold`."""
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack columns {missing}")
    con = duckdb.connect()
    db = DuckDBAPI(con)
    table = records[list(RECORD_COLUMNS)].astype("string")
    populated = {c for c in RECORD_COLUMNS if records[c].notna().any()}
    shared = SHARED_IDENTIFIERS in records.columns and records[SHARED_IDENTIFIERS].notna().any()
    if shared:
        table[SHARED_IDENTIFIERS] = records[SHARED_IDENTIFIERS]
        populated.add(SHARED_IDENTIFIERS)
    frame = db.register(table, table_name="records")
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
    model = linker.misc.save_model_to_json()
    shared_pairs = _shared_pairs(con, table, predicted, model) if shared else None
    return MatchResult(pairs=pairs, scored_pairs=int(scored), model=model, shared_pairs=shared_pairs)


def prior_weight(model: dict[str, Any]) -> float:
    """log2 of the prior odds (probability two random records match) in a trained model."""
    prior = model["probability_two_random_records_match"]
    return math.log2(prior / (1 - prior))


def _shared_pairs(con: duckdb.DuckDBPyConnection, table: pd.DataFrame, predicted: duckdb.DuckDBPyRelation,
                  model: dict[str, Any]) -> pd.DataFrame:
    """Every pair of records sharing an identifier, with Splink's scores (all are predicted:
    the blocking rule on SHARED_IDENTIFIERS admits each of them)."""
    con.register("_shared_input", table[["unique_id", SHARED_IDENTIFIERS]])
    con.register("_predicted", predicted.project(
        "least(unique_id_l, unique_id_r) as unique_id_l, greatest(unique_id_l, unique_id_r) as unique_id_r, "
        "match_weight, match_probability"))
    try:
        return con.execute(f"""
            with exploded as (
                select distinct unique_id, unnest({SHARED_IDENTIFIERS}) as identifier
                from _shared_input where {SHARED_IDENTIFIERS} is not null
            ),
            pairs as (
                select distinct l.unique_id as left_id, r.unique_id as right_id
                from exploded l join exploded r on l.identifier = r.identifier and l.unique_id < r.unique_id
            )
            select pairs.left_id, pairs.right_id, p.match_weight, p.match_probability,
                p.match_weight - ? as evidence_weight
            from pairs join _predicted p on p.unique_id_l = pairs.left_id and p.unique_id_r = pairs.right_id
        """, [prior_weight(model)]).df()
    finally:
        con.unregister("_shared_input")
        con.unregister("_predicted")
