"""Scorecard targets and QA-review validation: the parts of docs/contact_center.md's
scorecards and QA that need no build (the measures themselves are dbt unit tests in
transforms/models/marts/contact_center/_contact_center_ops__unit_tests.yml, run by every
`dbt build`)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from hub import kpis
from hub.writeback import InvalidWriteBack, prepare
from hub.writeback import vocabulary as v
from tests.transforms.conftest import TRANSFORMS

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)


def test_every_target_names_a_scorecard_kpi_of_the_registry_and_each_has_a_default() -> None:
    with open(TRANSFORMS / "seeds" / "contact_center_targets.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["kpi_name"] for row in rows} <= set(kpis.SCORECARD)
    defaults = {row["kpi_name"] for row in rows if row["queue_name"] == row["team"] == "*"}
    assert defaults == set(kpis.SCORECARD), "every scorecard KPI needs a '*' target for sites"
    assert all(name in kpis.KPIS for name in kpis.SCORECARD)
    assert not kpis.KPIS["average_handle_seconds"].higher_is_better


def test_qa_review_scores_points_over_points_possible_in_criteria_order() -> None:
    event = prepare(v.QA_REVIEW, {"callId": "C1", "reviewerId": "S1", "scores": [
        {"criterion": "resolution", "score": 3}, {"criterion": "greeting", "score": 5}]}, NOW)
    assert event.payload["scores"] == "greeting=5;resolution=3"
    assert (event.payload["qa_points"], event.payload["qa_possible_points"]) == (8, 2 * v.QA_MAX_SCORE)
    assert event.payload["reviewed_at"] == "2026-03-31T12:00:00.000Z"


@pytest.mark.parametrize(("scores", "field", "rule"), [
    ([], "input.scores", "at least one"),
    ([{"criterion": "smile", "score": 3}], "input.scores[0].criterion", "is not one of"),
    ([{"criterion": "greeting", "score": 3}, {"criterion": "greeting", "score": 4}], "input.scores[1].criterion",
     "scored twice"),
    ([{"criterion": "greeting", "score": 6}], "input.scores[0].score", "between 0 and 5"),
    ([{"criterion": "greeting", "score": True}], "input.scores[0].score", "between 0 and 5"),
])
def test_bad_qa_scores_are_refused_naming_the_field_and_rule(scores, field, rule) -> None:
    with pytest.raises(InvalidWriteBack) as error:
        prepare(v.QA_REVIEW, {"callId": "C1", "reviewerId": "S1", "scores": scores}, NOW)
    assert error.value.field == field and rule in error.value.rule


def test_qa_points_are_derived_never_taken_from_the_caller() -> None:
    with pytest.raises(InvalidWriteBack, match="input.qaPoints"):
        prepare(v.QA_REVIEW, {"callId": "C1", "reviewerId": "S1", "qaPoints": 99,
                              "scores": [{"criterion": "greeting", "score": 1}]}, NOW)
