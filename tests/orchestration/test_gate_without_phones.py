"""A CRM that exports no phones: the gate's phone floors come from hub settings.

The CRM (customers, no phone file) goes through the real `hub ingest`; the blocking
`profile_shape` suite and the raw phone null-share suite then run as the quality gate runs
them (run_suite, Great Expectations), over a profile table made by hand in the shape of the
mart of such a CRM (no phones; a full build of it needs the other sources too). With the
defaults the gate blocks; with HUB_GATE_MIN_PROFILE_PHONE_SHARE=0 it passes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from hub.settings import get_settings
from orchestration.lib.quality.mart_suites import DISTRIBUTION_SUITES
from orchestration.lib.quality.raw_suites import raw_suites
from orchestration.lib.quality.runner import run_suite
from tests.conftest import run_hub

CUSTOMERS = "\n".join([
    "customer_id,customer_type,name,birth_date,city,postcode,segment,updated_at",
    *(f"C{i},person,客户{i},19850304,北京,100020,retail,2026-01-01 09:00:00" for i in range(1, 6)),
]) + "\n"


@pytest.fixture
def warehouse(data_dir: Path) -> Path:
    (data_dir / "landing" / "crm").mkdir(parents=True)
    (data_dir / "landing" / "crm" / "customers_20260101.csv").write_text(CUSTOMERS, encoding="utf-8")
    run_hub("ingest", "--source", "crm", data_dir=data_dir)
    path = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:  # the profile mart of this CRM: every record its own customer, no phone
        con.execute("create schema marts")
        con.execute("create table marts.customer_profile as select customer_id, 0 as phone_count, "
                    "1 as crm_record_count from raw.crm__customers")
    return path


def outcomes(path: Path) -> dict[str, object]:
    profile_shape = next(s for s in DISTRIBUTION_SUITES if s.name == "profile_shape")
    phones = next(s for s in raw_suites() if s.name == "null_share_phone_e164" and s.table == "raw.crm__phones")
    get_settings.cache_clear()
    with duckdb.connect(str(path), read_only=True) as con:
        return {s.name: run_suite(con, s, "b1") for s in (profile_shape, phones)}


def test_crm_without_phones_passes_the_gate_when_settings_say_so(warehouse: Path, monkeypatch) -> None:
    blocked = outcomes(warehouse)
    assert not blocked["profile_shape"].passed and blocked["profile_shape"].blocking
    assert blocked["profile_shape"].observed == {
        "with_phone_share": 0.0, "crm_records_per_customer": 1.0, "max_crm_records": 1, "with_phone_share_floor": 0.9}
    assert "HUB_GATE_MIN_PROFILE_PHONE_SHARE" in blocked["profile_shape"].failures[0].rule

    monkeypatch.setenv("HUB_GATE_MIN_PROFILE_PHONE_SHARE", "0")
    passed = outcomes(warehouse)
    assert passed["profile_shape"].passed, passed["profile_shape"].describe()
    assert passed["null_share_phone_e164"].passed  # no phone rows: nothing to be NULL

    monkeypatch.setenv("HUB_GATE_MAX_CRM_PHONE_NULL_SHARE", "0.05")
    assert outcomes(warehouse)["null_share_phone_e164"].observed["max_null_share"] == 0.05
