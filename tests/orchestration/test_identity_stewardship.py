"""Identity stewardship end to end on the hand-made fixture warehouse: overrides written with
`hub identity override`, previewed with `hub identity preview`, loaded by `hub ingest --source
ops` and applied by a real dbt build of the identity models (docs/identity.md "Stewardship")."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from hub.settings import Settings
from orchestration.lib.stewardship import diff
from tests.transforms.conftest import query, run_dbt
from tests.transforms.raw_fixture import _customer, _phone, _ts, append_batch, build_fixture_warehouse

HUB = [str(Path(sys.executable).with_name("hub"))]
IDENTITY = ("--select", "+identity_history", "+dim_customers", "int_phone_numbers_resolved",
            "assert_never_linked_records_stay_apart",
            "--exclude", "tag:scored", "--indirect-selection", "cautious")


def hub(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUB_DATA_DIR": str(settings.data_dir)}
    proc = subprocess.run([*HUB, *args], env=env, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"hub {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def chain() -> dict[str, list[dict]]:
    """T1 ~ T2 by e-mail, T2 ~ T3 by mobile: T1 and T3 share nothing, but one component holds them."""
    people = [_customer(f"T{i}", "周杰", birth=date(1983, 3, 3), address=f"山东省济南市历下区文化路{i}号", day=10 + i)
              for i in (1, 2, 3)]
    emails = [{"customer_id": cid, "email": "zj@163.com", "email_normalised": "zj@163.com", "updated_at": _ts(12)}
              for cid in ("T1", "T2")]
    return {"crm__customers": people, "crm__emails": emails,
            "crm__phones": [_phone("T2", "+8613300000023"), _phone("T3", "+8613300000023")]}


def customer_of(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved"))


def resolvable(warehouse: Path) -> dict[str, str]:
    """Every id ever assigned -> the live customer it resolves to (itself or through an alias)."""
    return dict(query(warehouse, """
        select ids.customer_id, coalesce(aliases.customer_id, live.customer_id)
        from (select distinct customer_id from intermediate.int_customer_id_registry) as ids
        left join marts.customer_aliases as aliases on aliases.alias_id = ids.customer_id
        left join (select distinct customer_id from intermediate.int_crm_customers_resolved) as live
            on live.customer_id = ids.customer_id"""))


@pytest.mark.scale
def test_overrides_preview_and_unmerge_through_the_cli_and_dbt(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    warehouse = Path(settings.warehouse_path)
    warehouse.parent.mkdir(parents=True)
    build_fixture_warehouse(warehouse)
    append_batch(warehouse, chain(), "b1")
    # the Splink asset's output, hand-made: it accepted C10 ~ C11 (same name and birth date)
    con = duckdb.connect(str(warehouse))
    con.execute("create schema models; create table models.identity_pairs as select 'C10' as left_crm_customer_id, "
                "'C11' as right_crm_customer_id, 12.5::double as match_weight, 0.9995::double as match_probability")
    con.close()
    run_dbt("build", *IDENTITY, warehouse=warehouse, work_dir=tmp_path)
    first = customer_of(warehouse)
    assert first["C7"] == first["C8"]  # a shared personal mobile
    assert first["C10"] == first["C11"]  # the probabilistic pair
    assert first["C3"] != first["C4"]  # a shared switchboard links nobody
    assert first["T1"] == first["T2"] == first["T3"]  # a chain

    # the steward: never C7/C8 (deterministic evidence), never C10/C11 (probabilistic), always C3/C4
    hub(settings, "identity", "override", "add", "--never", "C7", "C8", "--reason", "two brothers", "--author", "S01")
    hub(settings, "identity", "override", "add", "--never", "C10", "C11", "--reason", "twins", "--author", "S01")
    hub(settings, "identity", "override", "add", "--never", "T1", "T3", "--reason", "cousins", "--author", "S02")
    out = hub(settings, "identity", "override", "add", "--always", "C3", "C4", "--reason", "one driver, two desks",
              "--author", "S02").stdout
    assert "always_link C3 C4: in force" in out
    # a retried command writes nothing; contradictions, unknown records and bad input are refused
    again = hub(settings, "identity", "override", "add", "--never", "C8", "C7", "--reason", "two brothers",
                "--author", "S01").stdout
    assert "nothing written" in again
    clash = hub(settings, "identity", "override", "add", "--always", "C7", "C8", "--reason", "x", "--author", "S01",
                check=False)
    assert clash.returncode == 1 and "never_link override in force" in clash.stderr
    unknown = hub(settings, "identity", "override", "add", "--never", "C7", "C99", "--reason", "x", "--author", "S01",
                  check=False)
    assert unknown.returncode == 1 and "input.rightCrmId: 'C99' is not a CRM record" in unknown.stderr
    both = hub(settings, "identity", "override", "add", "--never", "--always", "C7", "C8", "--reason", "x",
               "--author", "S01", check=False)
    assert both.returncode == 2
    listed = hub(settings, "identity", "override", "list").stdout.splitlines()
    assert [line.split("\t")[1:4] for line in listed] == [
        ["never_link", "C7", "C8"], ["never_link", "C10", "C11"], ["never_link", "T1", "T3"],
        ["always_link", "C3", "C4"]]
    audited = hub(settings, "audit", "show", "--action", "steward_override").stdout.splitlines()
    assert len(audited) == 4

    # the preview names the two splits and the merge; the warehouse is left as it was
    lines = hub(settings, "identity", "preview").stdout.splitlines()
    assert lines[0] == "compared with the ids of the warehouse (no serving store)"
    assert f"merge {' + '.join(sorted((first['C3'], first['C4'])))} -> {first['C3']} (records C3, C4)" in lines
    assert any(line.startswith(f"split {first['C7']} -> ") and "(C8)" in line for line in lines)
    assert any(line.startswith(f"split {first['C10']} -> ") and "(C11)" in line for line in lines)
    # T2 is one link from T1 and from T3: the tie goes to the smaller id, T1
    assert any(line.startswith(f"split {first['T1']} -> {first['T1']} (T1, T2); ") and "(T3)" in line for line in lines)
    assert lines[-1] == "1 merges, 3 splits, 0 new records"
    assert customer_of(warehouse) == first

    # the next build applies them; never-link wins over both kinds of evidence
    hub(settings, "ingest", "--source", "ops")
    run_dbt("build", *IDENTITY, warehouse=warehouse, work_dir=tmp_path)
    second = customer_of(warehouse)
    assert second["C7"] != second["C8"] and second["C10"] != second["C11"]
    assert second["C3"] == second["C4"]
    assert second["T1"] == second["T2"] == first["T1"] != second["T3"]  # split through a third record
    # the mobile T2 and T3 share now names two customers: it resolves no caller
    assert query(warehouse, "select count(*) from intermediate.int_phone_numbers_resolved "
                            "where phone_e164 = '+8613300000023'") == [(0,)]
    # unmerge: the id that held both records keeps the older one; every id ever served resolves
    assert second["C7"] == first["C7"] and second["C10"] == first["C10"]
    ids = resolvable(warehouse)
    assert set(first.values()) <= set(ids) and all(ids.values())
    assert ids[first["C4"]] == second["C3"]
    reasons = query(warehouse, "select exclusion_reason from intermediate.int_identity_excluded_identifiers "
                               "where identifier_value = '+8613512345678'")
    assert reasons == [("never_link",)]
    history = query(warehouse, f"""select change_kind, link_rule, change_reason, author_id from marts.identity_history
                                   where customer_id = '{second['C8']}' order by changed_at, change_kind""")
    assert ("split", None, None, None) in [(k, r, None, None) for k, r, _, _ in history]
    assert ("override_added", "never_link", "two brothers", "S01") in history

    # removing the override lets the evidence decide again: C7 and C8 merge back
    hub(settings, "identity", "override", "remove", "--never", "C7", "C8", "--reason", "same person after all",
        "--author", "S01")
    assert len(hub(settings, "identity", "override", "list").stdout.splitlines()) == 3
    gone = hub(settings, "identity", "override", "remove", "--never", "C7", "C8", "--reason", "x", "--author", "S01",
               check=False)
    assert gone.returncode == 1 and "is in force" in gone.stderr
    # the same command as the first add, after the remove, is a new write (not a replay)
    hub(settings, "identity", "override", "add", "--never", "C7", "C8", "--reason", "two brothers", "--author", "S01")
    assert len(hub(settings, "identity", "override", "list").stdout.splitlines()) == 4


def test_preview_diff_names_merges_splits_and_new_records() -> None:
    served = {"A": "CU1", "B": "CU1", "C": "CU2", "D": "CU3"}
    result = diff(served, {"A": "CU1", "B": "CU4", "C": "CU3", "D": "CU3", "E": "CU5"}, "serving store")
    assert result.merges == [{"customer": "CU3", "served": ["CU2", "CU3"], "records": ["C", "D"]}]
    assert result.splits == [{"served": "CU1", "parts": {"CU1": ["A"], "CU4": ["B"]}}]
    assert result.lines()[-1] == "1 merges, 1 splits, 1 new records"
