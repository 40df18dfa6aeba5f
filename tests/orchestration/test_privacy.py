"""Erasure and access on a copy of the built demo, through the `hub` CLI: a person erased
from every layer stays erased through a rebuild and a re-sent export, and the contact
centre's totals do not move."""

from __future__ import annotations

import json

import duckdb
import pytest
import sqlalchemy as sa

from hub.settings import get_settings
from tests.conftest import run_hub

pytestmark = pytest.mark.slow

TOTALS = {
    "queue_days": ("offered_calls", "answered_calls", "abandoned_calls", "handle_seconds", "survey_responses"),
    "work_order_days": ("created_work_orders", "resolved_work_orders", "callback_responses"),
}


def _serving():
    return sa.create_engine(get_settings().serving_url)


def _totals() -> dict[str, int]:
    with _serving().connect() as con:
        return {f"{table}.{column}": con.execute(sa.text(f"select sum({column}) from {table}")).scalar()
                for table, columns in TOTALS.items() for column in columns}


def _person() -> tuple[str, list[str]]:
    """A served customer with two CRM records, calls and a vehicle; and their CRM ids."""
    with _serving().connect() as con:
        customer_id = con.execute(sa.text(
            "select customer_id from customers where crm_record_count > 1 and call_count > 3 and vehicle_count > 0 "
            "order by call_count desc, customer_id limit 1")).scalar_one()
        crm_ids = [c for (c,) in con.execute(sa.text(
            "select crm_customer_id from crm_customers where customer_id = :c order by 1"), {"c": customer_id})]
    return customer_id, crm_ids


def _crm_lines(crm_ids: list[str]) -> dict[str, list[tuple[str, int]]]:
    """entity -> (file, line) of the person's raw CRM customer and phone rows."""
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    try:
        return {entity: con.execute(f"select _file, _line from raw.crm__{entity} where customer_id in "
                                    "(select unnest(?::varchar[])) order by 1, 2", [crm_ids]).fetchall()
                for entity in ("customers", "phones")}
    finally:
        con.close()


@pytest.mark.scale
def test_erased_person_stays_erased_through_rebuild_and_resent_files(demo_copy):
    settings = get_settings()
    customer_id, crm_ids = _person()
    before = _totals()
    crm = settings.landing_dir / "crm"
    # the CRM sends the person again later: their old lines, and a byte-identical old export
    resend = {}
    for entity, lines in _crm_lines(crm_ids).items():
        texts = {}
        for file, line in lines:
            texts.setdefault(file, (crm / file).read_text(encoding="utf-8").splitlines(keepends=True))
        header = next(iter(texts.values()))[0]
        resend[f"{entity}_20991231.csv"] = header + "".join(texts[f][n - 1] for f, n in lines)
        resend[f"{entity}_{lines[0][0].removeprefix(entity + '_').removesuffix('.csv')}_resent.csv"] = \
            "".join(texts[lines[0][0]])
    line_counts = {p.name: len(p.read_bytes().splitlines()) for p in crm.glob("*.csv")}

    receipt = json.loads(run_hub("privacy", "erase", "--customer", customer_id, "--reason", "ticket PIPL-1",
                                 data_dir=demo_copy).stdout)
    changed = receipt["rows_changed"]
    assert changed["serving.customers"] == 1 and changed["raw.crm__customers"] == len(crm_ids)
    assert changed["landing lines"] >= len(crm_ids)
    assert changed["warehouse.marts.fct_calls"] > 0  # calls stay, unlinked
    assert not any(crm_id in json.dumps(receipt) for crm_id in crm_ids)  # the receipt names no identifier
    # every landing file keeps its line count, and the ledger still accounts for it
    assert {p.name: len(p.read_bytes().splitlines()) for p in crm.glob("*.csv")} == line_counts
    verified = run_hub("privacy", "verify", "--customer", customer_id, data_dir=demo_copy)
    assert "no identifier of the erased person found" in verified.stdout, verified.stdout
    with _serving().connect() as con:
        assert con.execute(sa.text("select count(*) from customers where customer_id = :c"),
                           {"c": customer_id}).scalar() == 0

    for name, text in resend.items():
        (crm / name).write_text(text, encoding="utf-8")
    run_hub("build", data_dir=demo_copy, timeout=1200)
    verified = run_hub("privacy", "verify", "--customer", customer_id, data_dir=demo_copy, check=False)
    assert verified.returncode == 0, verified.stdout
    assert _totals() == before
    with _serving().connect() as con:
        served = {c for (c,) in con.execute(sa.text("select crm_customer_id from crm_customers"))}
    assert not served & set(crm_ids)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        ledger = {file: (read, loaded) for file, read, loaded in con.execute(
            "select file, rows_read, rows_loaded from raw._ledger where file in (select unnest(?::varchar[]))",
            [list(resend)]).fetchall()}
        erased_rows = con.execute("select count(*) from raw.crm__customers where customer_id in "
                                  "(select unnest(?::varchar[]))", [crm_ids]).fetchone()[0]
    finally:
        con.close()
    # each re-sent file was read (the old copy is not skipped as a re-send: the ledger knows
    # the erased content) and the person's rows met the tombstone: nothing of them loaded
    assert set(ledger) == set(resend) and all(read > 0 and loaded == 0 for read, loaded in ledger.values()), ledger
    assert erased_rows == 0
    assert "audit chain intact" in run_hub("audit", "verify", data_dir=demo_copy).stdout
    erasures = run_hub("audit", "show", "--action", "erasure", "--customer", customer_id, data_dir=demo_copy)
    assert customer_id in erasures.stdout


def test_access_export_holds_every_layer_and_is_audited(demo_copy, tmp_path):
    customer_id, crm_ids = _person()
    out = tmp_path / "access.json"
    printed = run_hub("privacy", "export", "--customer", customer_id, "--out", str(out), data_dir=demo_copy).stdout
    assert not any(crm_id in printed for crm_id in crm_ids)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert {r["customer_id"] for r in document["raw"]["raw.crm__customers"]["rows"]} == set(crm_ids)
    assert document["raw"]["raw.acd__call_legs"]["rows"] and document["raw"]["raw.crm__phones"]["source_files"]
    assert [r["customer_id"] for r in document["serving"]["customers"]] == [customer_id]
    assert document["warehouse"]["marts.dim_customers"][0]["customer_id"] == customer_id
    shown = run_hub("audit", "show", "--action", "access_export", "--customer", customer_id, data_dir=demo_copy)
    assert customer_id in shown.stdout
