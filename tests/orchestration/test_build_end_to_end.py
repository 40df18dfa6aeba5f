"""simulate demo -> `hub build` (Dagster, in process) -> marts that match the simulator's truth.

The run's one demo world (`built_demo`) is copied for the module; the tests then feed it a late file (an
incremental build) and rebuild it from scratch, in that order: they share the warehouse.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_hub

pytestmark = [pytest.mark.slow, pytest.mark.scale, pytest.mark.xdist_group("demo_build")]

MARTS = (
    "dim_customers", "dim_customer_phones", "customer_aliases", "customer_id_history", "customer_profile",
    "dim_vehicles", "dim_vehicle_ownerships", "fct_calls", "fct_work_orders", "fct_work_order_stages",
    "fct_telematics_daily", "fct_purchases", "fct_consents",
)
# what each `hub build` of these tests printed, for test_build_output_is_short_and_quiet
OUTPUTS: dict[str, str] = {}


@pytest.fixture(scope="module")
def built(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the run's one built demo (simulate -> `hub build`): these tests
    rebuild it and feed it a late file."""
    data_dir = tmp_path_factory.mktemp("demo") / "var"
    shutil.copytree(built_demo, data_dir)
    return data_dir


def query(data_dir: Path, sql: str) -> list[tuple]:
    truth = (data_dir / "truth").as_posix()
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql.replace("TRUTH", truth)).fetchall()


def fingerprint(data_dir: Path) -> dict[str, tuple]:
    """Rows and an order-free hash of every row of every mart."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return {
            mart: con.execute(f"select count(*), sum(hash(t::varchar)::hugeint) from marts.{mart} t").fetchone()
            for mart in MARTS
        }


def test_marts_match_the_truth_on_counts(built: Path) -> None:
    [(persons, customers)] = query(
        built,
        """select (select count(distinct person_id) from 'TRUTH/crm_records.parquet'),
                  (select count(*) from marts.dim_customers where not is_unknown_member)""",
    )
    assert abs(customers - persons) <= 0.01 * persons, (customers, persons)

    [(truth_orders, found_orders)] = query(
        built,
        "select count(*), count(f.work_order_id) from 'TRUTH/work_orders.parquet' t "
        "left join marts.fct_work_orders f using (work_order_id)",
    )
    assert found_orders == truth_orders

    # calls lost only to the simulator's deliberate damage (truncated files, malformed lines)
    [(truth_calls, found_calls)] = query(
        built,
        "select count(*), count(f.call_id) from 'TRUTH/calls.parquet' t left join marts.fct_calls f using (call_id)",
    )
    assert found_calls >= 0.995 * truth_calls

    [(truth_vins, found_vins)] = query(
        built, "select count(*), count(d.vin) from 'TRUTH/vehicles.parquet' t left join marts.dim_vehicles d using (vin)"
    )
    assert found_vins >= 0.99 * truth_vins


def test_a_sample_of_customers_matches_the_truth(built: Path) -> None:
    # every person with duplicate CRM records: all their records became one hub customer
    split = query(
        built,
        """select t.person_id, count(distinct r.customer_id)
           from 'TRUTH/crm_records.parquet' t
           join intermediate.int_crm_customers_resolved r on r.crm_customer_id = t.customer_id
           where t.person_id in (select person_id from 'TRUTH/crm_records.parquet' where is_duplicate)
           group by 1 having count(distinct r.customer_id) > 1""",
    )
    [(duplicated,)] = query(built, "select count(distinct person_id) from 'TRUTH/crm_records.parquet' where is_duplicate")
    assert duplicated > 20 and len(split) <= 0.05 * duplicated, split[:5]

    # and no hub customer holds two people
    merged = query(
        built,
        """select r.customer_id from 'TRUTH/crm_records.parquet' t
           join intermediate.int_crm_customers_resolved r on r.crm_customer_id = t.customer_id
           group by 1 having count(distinct t.person_id) > 1""",
    )
    assert merged == []

    # answered calls from identified callers are on the right person's profile
    [(checked, right)] = query(
        built,
        """with owner as (
               select distinct r.customer_id, t.person_id
               from 'TRUTH/crm_records.parquet' t
               join intermediate.int_crm_customers_resolved r on r.crm_customer_id = t.customer_id)
           select count(*), count(*) filter (where o.person_id = tc.person_id)
           from marts.fct_calls f
           join 'TRUTH/calls.parquet' tc using (call_id)
           join owner o on o.customer_id = f.customer_id
           where f.is_customer_identified""",
    )
    assert checked > 1000 and right >= 0.99 * checked

    # a vehicle's ownership periods: as many as the truth has, for vehicles that changed owner
    rows = query(
        built,
        """with changed as (
               select vin, count(*) as owners from 'TRUTH/vehicles_ownership.parquet'
               group by vin having count(*) > 1 order by vin limit 50)
           select c.vin, c.owners, count(o.vin) from changed c
           left join marts.dim_vehicle_ownerships o using (vin) group by 1, 2""",
    )
    assert len(rows) == 50
    assert sum(owners == periods for _, owners, periods in rows) >= 45, rows


def test_late_calls_within_the_window_are_picked_up(built: Path) -> None:
    """A file of calls two days older than the newest call: an incremental build adds them."""
    landing = built / "landing" / "acd"
    newest = max(landing.glob("call_legs_*.csv"))
    with newest.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r["leg_no"] == "1" and r["answered_at"] and not r["transfer_to_queue"]][:25]
    assert len(rows) == 25
    late_ids = []
    for n, row in enumerate(rows):
        row["call_id"] = f"CLLATE{n:011d}"
        late_ids.append(row["call_id"])
        for name in ("started_at", "enqueued_at", "answered_at", "ended_at"):
            if row[name]:
                row[name] = (datetime.fromisoformat(row[name]) - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    late = landing / f"{newest.stem}_late.csv"
    with late.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    [(calls_before,)] = query(built, "select count(*) from marts.fct_calls")
    out = run_hub("build", data_dir=built)
    OUTPUTS["incremental"] = out.stdout + out.stderr
    assert re.search(r"^build \S+ succeeded", out.stdout, re.M), out.stdout + out.stderr
    [(calls_after,)] = query(built, "select count(*) from marts.fct_calls")
    found = query(built, "select call_id from marts.fct_calls where call_id like 'CLLATE%'")
    assert sorted(r[0] for r in found) == late_ids
    assert calls_after == calls_before + 25


def test_a_full_refresh_rebuilds_exactly_what_the_incremental_builds_made(built: Path) -> None:
    """After the first build and the incremental one with late calls, rebuilding every
    incremental model from raw changes no row of any mart and no customer id: the
    incremental merges lost, doubled and changed nothing."""
    before = fingerprint(built)
    ids_before = set(query(built, "select customer_id from marts.dim_customers"))
    out = run_hub("build", "--full-refresh", data_dir=built)
    OUTPUTS["full_refresh"] = out.stdout + out.stderr
    assert re.search(r"^build \S+ succeeded", out.stdout, re.M), out.stdout + out.stderr
    assert fingerprint(built) == before
    assert set(query(built, "select customer_id from marts.dim_customers")) == ids_before


def test_build_output_is_short_and_quiet(built: Path) -> None:
    """Without --verbose, `hub build` prints its progress and summary in at most 40 lines:
    no library INFO lines (Great Expectations, alembic, Dagster, dbt, urllib3) and no
    telemetry banner, and the hub's Dagster home has telemetry off. Reads the builds the
    tests above ran; run alone, it runs one incremental build itself."""
    import dagster as dg

    if not OUTPUTS:
        out = run_hub("build", data_dir=built)
        OUTPUTS["incremental"] = out.stdout + out.stderr
    library_info = re.compile(r"\bINFO (?!(hub|ingestion|orchestration|models|api)\b)[\w.]+:")
    for kind, output in OUTPUTS.items():
        lines = output.splitlines()
        assert len(lines) <= 40, f"{kind}: {len(lines)} lines\n{output}"
        assert not [line for line in lines if library_info.search(line)], f"{kind}:\n{output}"
        assert "Telemetry" not in output and "usage statistics" not in output, f"{kind}:\n{output}"
        assert re.search(r"^build \S+ succeeded", output, re.M), f"{kind}:\n{output}"
    with dg.DagsterInstance.from_config(str(built / "dagster")) as instance:
        assert instance.telemetry_enabled is False
