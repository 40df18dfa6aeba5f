"""The quality gate: GE suites on raw tables (before dbt) and on marts (before publishing)."""

from __future__ import annotations

from orchestration.defs.transforms.project import CS_HUB
from orchestration.lib.dbt_project import SCORED_TAG, model_relations
from orchestration.lib.quality.mart_suites import mart_suites
from orchestration.lib.quality.raw_suites import raw_suites
from orchestration.lib.quality_checks import suites_check

raw_quality_gate = suites_check(
    "raw_quality_gate",
    raw_suites(),
    "Quarantine shares, freshness, identifier null shares and row counts of the raw schema.",
)

# One check op per dbt op: a check op spanning the marts before the models and the scored
# marts after them would make Dagster split both dbt ops into extra steps (one more dbt
# invocation, ~10-20 s, per build).
mart_quality_gate = suites_check(
    "mart_quality_gate",
    mart_suites(model_relations(CS_HUB, "marts", exclude_tag=SCORED_TAG)),
    "Distributions, null shares and row-count change of the marts the models read.",
)
scored_mart_quality_gate = suites_check(
    "scored_mart_quality_gate",
    mart_suites(model_relations(CS_HUB, "marts", tag=SCORED_TAG)),
    "Row-count change (and distributions) of the marts built over the models' outputs.",
)

checks = [raw_quality_gate, mart_quality_gate, scored_mart_quality_gate]
