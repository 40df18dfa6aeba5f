"""Guards per identifier kind and conflicts decided by Splink's evidence (docs/identity.md),
on hand-made cases (tests/transforms/raw_fixture.py identifier_guard_cases), through the real
dbt project on DuckDB. The evidence table is written by hand as the matcher writes it
(its own test: tests/models/test_identity_shared.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transforms.conftest import query, run_dbt
from tests.transforms.raw_fixture import (
    CROWDED_MOBILE,
    FAMILY_MOBILE,
    FIVE_RECORD_ID_CARD,
    ONE_PERSON_MOBILE,
    TWINS_MOBILE,
    build_guard_warehouse,
)


# a dbt build of its own (~35 s on the shared machine): kept out of the default suite's budget
pytestmark = [pytest.mark.slow, pytest.mark.scale]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("guards")
    warehouse = build_guard_warehouse(work / "warehouse.duckdb")
    run_dbt("build", "--select", "+int_crm_customers_resolved", "--exclude-resource-type", "test",
            warehouse=warehouse, work_dir=work)
    return warehouse


def _customers(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved"))


def _exclusions(warehouse: Path) -> dict[str, tuple[str, int]]:
    rows = query(warehouse, "select identifier_value, exclusion_reason, customer_count "
                            "from intermediate.int_identity_excluded_identifiers")
    return {value: (reason, count) for value, reason, count in rows}


def test_an_id_card_on_five_records_of_one_person_links_them_all(guarded: Path) -> None:
    ids = _customers(guarded)
    assert len({ids[f"G{i}"] for i in range(1, 6)}) == 1
    assert FIVE_RECORD_ID_CARD not in _exclusions(guarded)


def test_a_phone_keeps_the_count_cap(guarded: Path) -> None:
    ids = _customers(guarded)
    assert len({ids[f"M{i}"] for i in range(1, 5)}) == 4
    assert _exclusions(guarded)[CROWDED_MOBILE] == ("shared_by_too_many_customers", 4)


def test_splink_evidence_decides_conflicts_and_each_exclusion_keeps_its_reason(guarded: Path) -> None:
    ids, excluded = _customers(guarded), _exclusions(guarded)
    # names one typo apart, but the fields' evidence is against one person: a family phone
    assert ids["H1"] != ids["H2"]
    assert excluded[FAMILY_MOBILE] == ("conflicting_persons", 2)
    # given and family name swapped ("different" to a character comparison), evidence for: one person
    assert ids["J1"] == ids["J2"]
    assert ONE_PERSON_MOBILE not in excluded
    # a pair Splink never scored: the name and birth-date rule still applies
    assert ids["K1"] == ids["K2"]
    assert TWINS_MOBILE not in excluded
