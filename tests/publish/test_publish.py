"""Write-audit-publish: what the serving store holds, and that a bad build changes nothing."""

from __future__ import annotations

import json
import os
import sqlite3

from datetime import date

import duckdb
import pytest
import sqlalchemy as sa

from hub.settings import Settings
from orchestration.lib.publish import PublishRefused, publish
from tests.publish.marts import make_warehouse

BROKEN = """insert into marts.dim_customer_phones values
    ('P9', 'CU404', '+8613700000000', '137****0000', 'mobile', 'mobile', true, null, true, now())"""


def _serving(settings: Settings) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{settings.data_dir / 'serving.db'}?mode=ro", uri=True)


def test_publish_records_its_build_and_copies_only_what_consumers_need(settings):
    make_warehouse(settings.warehouse_path)
    result = publish(settings, build_id="b1")
    with _serving(settings) as con:
        build_id, counts = con.execute("select build_id, row_counts from _build").fetchone()
        columns = {
            column for (table,) in con.execute("select name from sqlite_master where type = 'table'")
            for (_, column, *_rest) in con.execute(f'pragma table_info("{table}")')
        }
        vins = {vin for (vin,) in con.execute("select vin from vehicles")}
        callers = dict(con.execute("select phone_e164, customer_id from caller_ids"))
    assert build_id == "b1"
    assert json.loads(counts)["sources"]["marts.fct_calls"] == 5
    assert result.row_counts["customers"] == 3
    assert not columns & {"address", "birth_date", "id_card_hash", "has_id_card", "province"}
    assert "UNKNOWN" not in vins
    # the switchboard is listed on profiles but identifies nobody
    assert callers == {"+8613800138000": "CU1", "+8613900139000": "CU2"}


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path) -> Settings:
    """Settings serving to SQLite (the default) or to the session's PostgreSQL server."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return Settings(data_dir=tmp_path / "var", **({"serving_url": url} if url else {}))


def test_dates_and_times_read_back_as_the_marts_hold_them(any_store):
    from orchestration.lib.dbt_project import cs_hub_project
    from orchestration.lib.publish.tables import serving_contract

    tables = {table.name: table for table in serving_contract(cs_hub_project().manifest_path).tables}
    recent_calls, vehicles = tables["recent_calls"], tables["vehicles"]
    settings = any_store
    make_warehouse(settings.warehouse_path)
    publish(settings)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        calls = dict(con.execute("select call_id, call_started_at from marts.fct_calls").fetchall())
    engine = sa.create_engine(settings.serving_url)
    with engine.connect() as con:
        if con.dialect.name == "postgresql":
            con = con.execution_options(schema_translate_map={None: "serving"})
        served = dict(con.execute(sa.select(recent_calls.c.call_id, recent_calls.c.call_started_at)).all())
        owned = con.execute(sa.select(vehicles.c.owned_from)).scalars().all()
    engine.dispose()
    assert served and all(calls[call_id] == started for call_id, started in served.items())
    assert owned and all(isinstance(day, date) for day in owned)


def test_failed_audit_publishes_nothing(settings):
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="good")
    served = settings.data_dir / "serving.db"
    before = os.stat(served)
    make_warehouse(settings.warehouse_path, extra_sql=BROKEN)
    with pytest.raises(PublishRefused, match=r"caller_ids.customer_id: 1 rows name a customer that is not published"):
        publish(settings, build_id="bad")
    after = os.stat(served)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with _serving(settings) as con:
        assert con.execute("select build_id from _build").fetchall() == [("good",)]
    assert [p.name for p in settings.data_dir.iterdir() if "building" in p.name] == []


def test_duplicate_keys_are_refused_without_quoting_them(any_store):
    settings = any_store
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="good")
    duplicate = "insert into marts.customer_profile select * from marts.customer_profile where customer_id = 'CU1'"
    make_warehouse(settings.warehouse_path, extra_sql=duplicate)
    with pytest.raises(PublishRefused, match=r"^customers.customer_id: duplicate keys") as refused:
        publish(settings, build_id="bad")
    assert "CU1" not in str(refused.value)
    engine = sa.create_engine(settings.serving_url)
    with engine.connect() as con:
        table = "serving._build" if con.dialect.name == "postgresql" else "_build"
        assert con.exec_driver_sql(f"select build_id from {table}").fetchall() == [("good",)]
    engine.dispose()


def test_empty_marts_are_refused(settings):
    make_warehouse(settings.warehouse_path, extra_sql="delete from marts.customer_profile")
    with pytest.raises(PublishRefused, match="customers: no rows"):
        publish(settings)
    assert not (settings.data_dir / "serving.db").exists()


def test_reader_holding_the_old_file_keeps_reading_it(settings):
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="one")
    old = _serving(settings)
    assert old.execute("select build_id from _build").fetchone() == ("one",)
    publish(settings, build_id="two")
    assert old.execute("select build_id from _build").fetchone() == ("one",)
    assert old.execute("select count(*) from customers").fetchone() == (3,)
    with _serving(settings) as new:
        assert new.execute("select build_id from _build").fetchone() == ("two",)
    old.close()


def test_postgres_swaps_schemas(tmp_path, postgres_url):
    settings = Settings(data_dir=tmp_path / "var", serving_url=postgres_url)
    make_warehouse(settings.warehouse_path)
    publish(settings, build_id="pg-one")
    make_warehouse(settings.warehouse_path, extra_sql="update marts.customer_profile set city = '大连' where customer_id = 'CU2'")
    publish(settings, build_id="pg-two")
    engine = sa.create_engine(postgres_url)
    with engine.connect() as con:
        assert con.exec_driver_sql("select build_id from serving._build").fetchall() == [("pg-two",)]
        assert con.exec_driver_sql("select city from serving.customers where customer_id = 'CU2'").scalar() == "大连"
        schemas = {s for (s,) in con.exec_driver_sql("select schema_name from information_schema.schemata")}
    engine.dispose()
    assert {s for s in schemas if s.startswith("serving")} == {"serving"}
