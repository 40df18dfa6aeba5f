"""A small raw schema shaped exactly like `hub ingest` writes it, for dbt tests.

Tables and columns come from ingestion/contracts.py (typed contract columns, the
normalised identifier columns, lineage), so the fixture follows the contracts.
Rows are hand-made: each identity case names the rule it exercises.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from ingestion.contracts import ALL_CONTRACTS as CONTRACTS, LINEAGE_COLUMNS, Contract

_SQL_TYPES = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "decimal": "DECIMAL(18, 2)",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
}
_LINEAGE_TYPES = {"_file": "VARCHAR", "_line": "BIGINT", "_batch_id": "VARCHAR", "_ingested_at": "TIMESTAMP"}


def raw_columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, SQL type) of the raw table ingestion builds for one contract."""
    columns: list[tuple[str, str]] = []
    for f in contract.fields:
        if f.normalise == "id_card":
            columns.append(("id_card_hash", "VARCHAR"))
            continue
        columns.append((f.name, _SQL_TYPES[f.type]))
        if f.normalise == "phone":
            columns += [(f"{f.name}_e164", "VARCHAR"), (f"{f.name}_kind", "VARCHAR")]
        elif f.normalise == "email":
            columns.append((f"{f.name}_normalised", "VARCHAR"))
    if contract.entity == "readings":
        columns.append(("reading_at", "TIMESTAMP"))
    return columns + [(name, _LINEAGE_TYPES[name]) for name in LINEAGE_COLUMNS]


def create_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for contract in CONTRACTS:
        cols = ", ".join(f'"{name}" {sql_type}' for name, sql_type in raw_columns(contract))
        con.execute(f"create table if not exists {contract.raw_table} ({cols})")


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], batch: str = "b1") -> None:
    """Append rows; columns not given are NULL, lineage is filled in."""
    contract = next(c for c in CONTRACTS if c.name == table)
    names = [name for name, _ in raw_columns(contract)]
    for line, row in enumerate(rows, start=2):
        full = {
            "_file": f"{table}_fixture.csv",
            "_line": line,
            "_batch_id": batch,
            "_ingested_at": datetime(2026, 3, 1, tzinfo=UTC).replace(tzinfo=None),
            **row,
        }
        unknown = set(full) - set(names)
        if unknown:
            raise KeyError(f"{table}: fixture row has columns not in the contract: {sorted(unknown)}")
        values = [full.get(name) for name in names]
        con.execute(f"insert into raw.{table} values ({', '.join('?' * len(names))})", values)


def _ts(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute)


def _customer(cid: str, name: str, *, birth: date | None = date(1980, 5, 1), id_hash: str | None = None,
              city: str = "济南", address: str = "山东省济南市历下区泉城路1号1栋101室", day: int = 1,
              customer_type: str = "person", gender: str = "M") -> dict:
    return {
        "customer_id": cid, "customer_type": customer_type, "name": name, "gender": gender, "birth_date": birth,
        "id_card_hash": id_hash, "province": "山东省", "city": city, "address": address, "segment": "retail",
        "registered_at": _ts(day), "updated_at": _ts(day),
    }


def _phone(cid: str, e164: str, kind: str = "mobile", label: str = "mobile", day: int = 1) -> dict:
    return {"customer_id": cid, "phone": e164, "phone_e164": e164, "phone_kind": kind, "phone_label": label,
            "is_primary": label == "mobile", "updated_at": _ts(day)}


SWITCHBOARD = "+8653188880001"
HOTLINE = "+864008208820"
SHARED_ID_CARD = "hash-of-card-A"
MERGING_MOBILE = "+8618600000010"


def identity_cases() -> dict[str, list[dict]]:
    """Hand-made CRM records, one small story per rule (see tests/transforms/test_identity.py)."""
    customers = [
        # C1 and C2: one person, two records sharing an id card -> one customer
        _customer("C1", "王伟", id_hash=SHARED_ID_CARD, day=1),
        _customer("C2", "王玮", id_hash=SHARED_ID_CARD, birth=None, address="济南市历下区泉城路1#", day=5),
        # C3, C4: different people who both typed their employer's switchboard -> never merged
        _customer("C3", "李娜", birth=date(1985, 2, 2), address="山东省济南市市中区经七路9号2栋201室", day=2),
        _customer("C4", "张强", birth=date(1990, 3, 3), address="山东省济南市槐荫区经十路20号3栋301室", day=2),
        # C5, C6: different people with the maker's 400 hotline on their record -> never merged
        _customer("C5", "刘洋", birth=date(1975, 4, 4), address="山东省济南市天桥区北园大街5号4栋401室", day=3),
        _customer("C6", "陈静", birth=date(1970, 6, 6), address="山东省济南市历城区花园路6号5栋501室", day=3),
        # C7, C8: one person sharing a mobile number -> one customer
        _customer("C7", "赵敏", birth=date(1988, 8, 8), address="山东省济南市历下区解放路8号1栋801室", day=4),
        _customer("C8", "赵敏", birth=date(1988, 8, 8), address="山东省济南市历下区解放路8号1栋801室", day=6),
        # C10, C11: one person registered in two cities with nothing shared yet; a later
        # batch (merging_batch) adds C10's mobile to C11 and merges them
        _customer("C10", "孙丽", birth=date(1992, 9, 9), city="青岛", gender="F",
                  address="山东省青岛市市南区香港中路10号1栋101室", day=7),
        _customer("C11", "孙丽", birth=date(1992, 9, 9), city="烟台", gender="F",
                  address="山东省烟台市芝罘区南大街11号2栋202室", day=8),
        # F1: a fleet owning the switchboard
        _customer("F1", "济南顺达物流有限公司", birth=None, customer_type="fleet",
                  address="山东省济南市历下区工业南路100号", day=1, gender="U"),
    ]
    phones = [
        _phone("C1", "+8613900000001"),
        _phone("C3", SWITCHBOARD, kind="landline", label="work"),
        _phone("C4", SWITCHBOARD, kind="landline", label="work"),
        _phone("F1", SWITCHBOARD, kind="landline", label="switchboard"),
        _phone("C5", HOTLINE, kind="service", label="other"),
        _phone("C6", HOTLINE, kind="service", label="mobile"),
        _phone("C5", "+8613700000005"),
        _phone("C6", "+8613600000006"),
        _phone("C7", "+8613512345678"),
        _phone("C8", "+8613512345678"),
        _phone("C10", MERGING_MOBILE),
        _phone("C11", "+8618800000011"),
    ]
    emails = [{"customer_id": "C3", "email": "LiNa@163.com", "email_normalised": "lina@163.com", "updated_at": _ts(2)}]
    vehicles = [{"vin": "LZZ1CCND0JA000001", "model_code": "T7H", "model_name": "豪沃T7H", "build_batch": "B2301",
                 "build_date": date(2023, 1, 10), "engine_type": "diesel", "route_type": "long_haul"}]
    ownerships = [
        {"vin": "LZZ1CCND0JA000001", "customer_id": "C3", "owned_from": date(2023, 2, 1), "owned_to": date(2026, 1, 15),
         "dealer_code": "D01", "updated_at": _ts(15)},
        {"vin": "LZZ1CCND0JA000001", "customer_id": "C7", "owned_from": date(2026, 1, 15), "owned_to": None,
         "dealer_code": "D02", "updated_at": _ts(15)},
    ]
    return {"crm__customers": customers, "crm__phones": phones, "crm__emails": emails,
            "crm__vehicles": vehicles, "crm__ownerships": ownerships}


def merging_batch() -> dict[str, list[dict]]:
    """A later CRM batch: C11 records C10's mobile, so the two become one customer."""
    return {"crm__phones": [_phone("C11", MERGING_MOBILE, day=20)]}


def over_sharing_batch() -> dict[str, list[dict]]:
    """A batch after that: the same mobile typed on two more, unrelated records. Shared by
    four records it stops being a link (guard), so C10 and C11 split apart again."""
    return {"crm__phones": [_phone("C3", MERGING_MOBILE, label="mobile", day=25),
                            _phone("C4", MERGING_MOBILE, label="mobile", day=25)]}


def activity() -> dict[str, list[dict]]:
    """Calls, work orders, telematics, purchases and consents touching the identity cases."""
    vin = "LZZ1CCND0JA000001"
    legs = [
        {"call_id": "K1", "leg_no": 1, "direction": "inbound", "ani": "x", "ani_e164": "+8613512345678",
         "ani_kind": "mobile", "queue": "service", "started_at": _ts(10, 9), "enqueued_at": _ts(10, 9),
         "answered_at": _ts(10, 9, 1), "ended_at": _ts(10, 9, 5), "agent_id": "A1", "talk_seconds": 200,
         "hold_seconds": 10, "wrapup_seconds": 30, "disposition": "transferred", "transfer_to_queue": "repair"},
        {"call_id": "K1", "leg_no": 2, "direction": "inbound", "ani": "x", "ani_e164": "+8613512345678",
         "ani_kind": "mobile", "queue": "repair", "started_at": _ts(10, 9, 5), "enqueued_at": _ts(10, 9, 5),
         "answered_at": _ts(10, 9, 6), "ended_at": _ts(10, 9, 12), "agent_id": "A2", "talk_seconds": 300,
         "hold_seconds": 0, "wrapup_seconds": 20, "disposition": "answered"},
        {"call_id": "K2", "leg_no": 1, "direction": "inbound", "ani": "x", "ani_e164": SWITCHBOARD,
         "ani_kind": "landline", "queue": "service", "started_at": _ts(11, 10), "enqueued_at": _ts(11, 10),
         "ended_at": _ts(11, 10, 1), "disposition": "abandoned"},
    ]
    work_orders = [
        {"work_order_id": "W1", "created_at": _ts(10, 9, 12), "updated_at": _ts(10, 9, 12), "customer_id": "C8",
         "vin": vin, "call_id": "K1", "category": "repair", "priority": "P2", "component": "engine",
         "status": "created", "sla_hours": 48},
        {"work_order_id": "W1", "created_at": _ts(10, 9, 12), "updated_at": _ts(12, 9), "customer_id": "C8",
         "vin": vin, "call_id": "K1", "category": "repair", "priority": "P2", "component": "engine",
         "status": "resolved", "sla_hours": 48},
    ]
    transitions = [
        {"work_order_id": "W1", "seq": 1, "stage": "created", "stage_at": _ts(10, 9, 12)},
        {"work_order_id": "W1", "seq": 2, "stage": "dispatched", "stage_at": _ts(10, 11)},
        {"work_order_id": "W1", "seq": 3, "stage": "resolved", "stage_at": _ts(12, 9)},
    ]
    readings = []
    for hour, odo in ((0, 1000.0), (2, 1100.0), (4, 1180.0), (26, 1300.0)):
        at = datetime(2026, 1, 20) if hour < 24 else datetime(2026, 1, 21)
        at = at.replace(hour=hour % 24)
        readings.append({"vin": vin, "reading_ts": int(at.replace(tzinfo=UTC).timestamp() * 1000), "reading_at": at,
                         "speed_kmh": 60.0, "fuel_rate_lph": 30.0, "odometer_km": odo, "engine_hours": 500 + hour})
    # readings carry milliseconds: 2 h 0 min 26 s apart in whole seconds, at 13.5 l/h exactly
    # 27.0975 litres, a tie at 3 decimals that a float sum rounds by engine (DuckDB 27.097)
    for at, odo, engine, fuel in ((datetime(2026, 1, 23, 1, 15, 31, 390_000), 1300.0, 526.0, 20.0),
                                  (datetime(2026, 1, 23, 3, 15, 57, 389_000), 1390.0, 528.0, 13.5)):
        readings.append({"vin": vin, "reading_ts": int(at.replace(tzinfo=UTC).timestamp() * 1000), "reading_at": at,
                         "speed_kmh": 50.0, "fuel_rate_lph": fuel, "odometer_km": odo, "engine_hours": engine})
    events = [{"event_id": "E1", "vin": vin, "event_at": datetime(2026, 1, 20, 3), "event_type": "harsh_braking",
               "value": 0.6},
              {"event_id": "E2", "vin": vin, "event_at": datetime(2026, 1, 20, 5), "event_type": "fault_raised",
               "spn": 110, "fmi": 0}]
    purchases = [{"purchase_id": "PU1", "customer_id": "C7", "vin": vin, "product": "vehicle", "amount_cny": 420000,
                  "purchased_at": _ts(15), "channel": "dealer"}]
    consents = [
        {"customer_id": "C7", "channel": "sms", "purpose": "marketing", "consent_status": "granted",
         "recorded_at": _ts(15), "consent_source": "contract"},
        {"customer_id": "C8", "channel": "sms", "purpose": "marketing", "consent_status": "withdrawn",
         "recorded_at": _ts(20), "consent_source": "call_center"},
    ]
    surveys = [{"call_id": "K1", "agent_id": "A2", "score": 5, "surveyed_at": _ts(10, 9, 13)}]
    agents = [{"agent_id": "A1", "team": "T1", "primary_queue": "service", "updated_at": _ts(1)},
              {"agent_id": "A2", "team": "T2", "primary_queue": "repair", "updated_at": _ts(1)}]
    return {"acd__call_legs": legs, "ticketing__work_orders": work_orders, "ticketing__transitions": transitions,
            "telematics__readings": readings, "telematics__events": events, "crm__purchases": purchases,
            "crm__consents": consents, "acd__surveys": surveys, "acd__agents": agents}


def append_batch(path: Path, batch: dict[str, list[dict]], batch_id: str) -> None:
    """Append a later ingestion batch to an existing fixture warehouse."""
    con = duckdb.connect(str(path))
    try:
        for table, rows in batch.items():
            insert(con, table, rows, batch=batch_id)
    finally:
        con.close()


def build_fixture_warehouse(path: Path) -> Path:
    """A warehouse file holding the raw schema with every identity case and some activity."""
    con = duckdb.connect(str(path))
    try:
        create_raw_schema(con)
        for table, rows in {**identity_cases(), **activity()}.items():
            insert(con, table, rows)
    finally:
        con.close()
    return path


if __name__ == "__main__":
    import sys

    print(build_fixture_warehouse(Path(sys.argv[1])))


FAMILY_MOBILE = "+8613900000101"
TWINS_MOBILE = "+8613900000102"
ONE_PERSON_MOBILE = "+8613900000103"
CROWDED_MOBILE = "+8613900000104"
FIVE_RECORD_ID_CARD = "hash-of-card-G"


def identifier_guard_cases() -> tuple[dict[str, list[dict]], list[dict]]:
    """Hand-made CRM records for the guards per identifier kind, and the Splink evidence the
    matcher would have written for the pairs sharing an identifier (models.identity_shared_identifier_pairs;
    evidence_weight < 0: the fields argue against one person). See tests/transforms/test_identity_guards.py."""
    customers = [
        # G1..G5: one person's five duplicate records sharing an id card -> one customer (no count cap on id cards)
        *(_customer(f"G{i}", "周杰", id_hash=FIVE_RECORD_ID_CARD, birth=date(1979, 1, 1), day=i) for i in range(1, 6)),
        # H1, H2: mother and son on one mobile: names one typo apart, birth date of one unknown;
        # the old name rule saw no conflict, Splink's evidence (the fields) says two persons
        _customer("H1", "林芳", birth=date(1960, 3, 3), address="山东省济南市历下区文化路3号", day=1),
        _customer("H2", "林方", birth=None, address="山东省济南市历下区文化路3号", day=2),
        # J1, J2: one person, name typed with given and family name swapped ("different" to the old
        # name rule); Splink's evidence says one person -> the shared mobile links them
        _customer("J1", "Wei Zhang", birth=date(1985, 5, 5), address="山东省济南市历下区山大路5号", day=1),
        _customer("J2", "Zhang Wei", birth=date(1985, 5, 5), address="山东省济南市历下区山大路5号", day=2),
        # K1, K2: twins with one mobile and one birth date, never scored by Splink (fewer than 50
        # persons, say): the fallback rule sees one typo and links them (what the old rule did)
        _customer("K1", "吴明", birth=date(2001, 7, 7), address="山东省济南市历下区历山路7号", day=1),
        _customer("K2", "吴明", birth=date(2001, 7, 7), address="山东省济南市历下区历山路7号", day=2),
        # M1..M4: four records on one mobile -> phones keep the count cap
        *(_customer(f"M{i}", name, birth=date(1990, 1, i), address=f"山东省济南市历下区花园路{i}号", day=1)
          for i, name in enumerate(("何伟", "郭静", "马丽", "罗强"), start=1)),
    ]
    phones = [_phone("H1", FAMILY_MOBILE), _phone("H2", FAMILY_MOBILE),
              _phone("J1", ONE_PERSON_MOBILE), _phone("J2", ONE_PERSON_MOBILE),
              _phone("K1", TWINS_MOBILE), _phone("K2", TWINS_MOBILE),
              *(_phone(f"M{i}", CROWDED_MOBILE) for i in range(1, 5))]
    evidence = [
        {"left_crm_customer_id": "H1", "right_crm_customer_id": "H2", "match_weight": -9.5, "match_probability": 0.001,
         "evidence_weight": -2.5},
        {"left_crm_customer_id": "J2", "right_crm_customer_id": "J1", "match_weight": 6.0, "match_probability": 0.98,
         "evidence_weight": 13.0},
        *({"left_crm_customer_id": f"G{i}", "right_crm_customer_id": f"G{j}", "match_weight": 20.0,
           "match_probability": 1.0, "evidence_weight": 27.0} for i in range(1, 6) for j in range(i + 1, 6)),
    ]
    return {"crm__customers": customers, "crm__phones": phones}, evidence


def build_guard_warehouse(path: Path) -> Path:
    """The raw schema with the identifier-guard cases and the matcher's evidence table."""
    import pandas as pd

    tables, evidence = identifier_guard_cases()
    con = duckdb.connect(str(path))
    try:
        create_raw_schema(con)
        for table, rows in tables.items():
            insert(con, table, rows)
        con.execute("create schema models")
        con.register("evidence", pd.DataFrame(evidence))
        con.execute("create table models.identity_shared_identifier_pairs as select * from evidence")
    finally:
        con.close()
    return path
