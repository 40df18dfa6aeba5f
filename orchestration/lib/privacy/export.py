"""Access (PIPL art. 45): everything the hub holds about one person, from every layer, as JSON.

Found the way erasure finds it (orchestration.lib.privacy.erase): raw rows by the contracts'
identifying columns (with the landing file and line each came from), every derived
warehouse table's rows naming one of the person's ids, the serving store's rows, the
write-back events, and the audit rows about them (who read their profile, when). The sales
leads they left are listed under `leads` (ids), with the leads' rows in every layer and
their status write-backs among the events.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from hub import audit
from hub.privacy.live import CUSTOMER_COLUMNS, LEAD_COLUMNS, PHONE_COLUMNS, lead_event_seqs, serving_identifiers
from hub.settings import Settings
from hub.writeback.store import events
from ingestion.contracts import ALL_CONTRACTS
from ingestion.erasure import Matches, _conditions, _table_exists
from ingestion.warehouse import connect, quote
from orchestration.lib.privacy.erase import Stores, UnknownCustomer, lead_names, warehouse_identifiers


def export(settings: Settings, customer_id: str, out: Path, requested_by: str = "cli") -> dict[str, int]:
    """Write the person's data to `out` (JSON); returns rows per layer. Audited."""
    stores = Stores(settings)
    ops, serving = stores.ops(), stores.serving()
    con = connect(settings)
    try:
        ids, _ = warehouse_identifiers(con, customer_id)
        if serving is not None:
            live = serving_identifiers(serving, customer_id)
            for kind, values in live.by_kind().items():
                ids.by_kind()[kind].update(values)
            ids.lead_ids |= live.lead_ids
        lead_names(con, ids)
        if not ids.crm_customer_ids:
            raise UnknownCustomer(f"no customer {customer_id!r} in the warehouse or the serving store")
        document: dict[str, Any] = {"customer_id": customer_id,
                                    "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                    "raw": _raw(con, ids), "warehouse": _derived(con, ids)}
    finally:
        con.close()
    document["serving"] = _serving(serving, ids) if serving is not None else {}
    document["leads"] = sorted(ids.lead_ids)
    with ops.connect() as c:
        document["writeback_events"] = [dict(r) for r in c.execute(
            sa.select(events.c.seq, events.c.kind, events.c.payload, events.c.recorded_at)
            .where(events.c.customer_id.in_(sorted(ids.customer_ids))
                   | events.c.seq.in_(lead_event_seqs(c, ids.lead_ids))).order_by(events.c.seq)).mappings()]
    document["audit"] = [r for cid in sorted(ids.customer_ids)
                         for r in audit.read(ops, customer_id=cid, limit=1_000_000)]
    counts = {"leads": len(document["leads"]), "raw": sum(len(t["rows"]) for t in document["raw"].values()),
              "warehouse": sum(len(v) for v in document["warehouse"].values()),
              "serving": sum(len(v) for v in document["serving"].values()),
              "writeback_events": len(document["writeback_events"]), "audit": len(document["audit"])}
    document["counts"] = counts
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1, default=_plain), encoding="utf-8")
    audit.append(ops, audit.chain_key(settings), [audit.Entry(
        "access_export", requested_by, "privacy", customer_id, {"rows": sum(counts.values())})])
    return counts


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def _rows(cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _raw(con: duckdb.DuckDBPyConnection, ids) -> dict[str, Any]:
    m = Matches(customer_ids=dict.fromkeys(ids.customer_ids | ids.crm_customer_ids, ""), phones=ids.phones,
                emails=ids.emails, id_cards=ids.id_cards, lead_ids=ids.lead_ids)
    found = {}
    for c in ALL_CONTRACTS:
        conds, params = _conditions(c, m)
        if not conds or not _table_exists(con, c):
            continue
        rows = _rows(con.execute(f"select * from {c.raw_table} where {' or '.join(conds)} order by _file, _line",
                                 params))
        if rows:
            found[c.raw_table] = {"source_files": sorted({r["_file"] for r in rows}), "rows": rows}
    return found


def _derived(con: duckdb.DuckDBPyConnection, ids) -> dict[str, list]:
    values = sorted(ids.all() | ids.lead_ids)
    found = {}
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in con.execute(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
            "join information_schema.tables t using (table_catalog, table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.table_schema <> 'raw' and c.data_type = 'VARCHAR' "
            "order by all").fetchall():
        columns.setdefault((schema, table), []).append(column)
    for (schema, table), cols in columns.items():
        match = " or ".join(f"{quote(c)} in (select unnest(?::varchar[]))" for c in cols)
        rows = _rows(con.execute(f"select * from {quote(schema)}.{quote(table)} where {match}", [values] * len(cols)))
        if rows:
            found[f"{schema}.{table}"] = rows
    return found


def _serving(engine: sa.Engine, ids) -> dict[str, list]:
    found = {}
    inspector = sa.inspect(engine)
    with engine.connect() as con:
        for table in inspector.get_table_names():
            names = {c["name"] for c in inspector.get_columns(table)}
            conds = [sa.column(n).in_(sorted(ids.customer_ids)) for n in CUSTOMER_COLUMNS if n in names]
            conds += [sa.column(n).in_(sorted(ids.phones)) for n in PHONE_COLUMNS if n in names and ids.phones]
            conds += [sa.column(n).in_(sorted(ids.lead_ids)) for n in LEAD_COLUMNS if n in names and ids.lead_ids]
            if conds:
                rows = [dict(r) for r in con.execute(sa.select(sa.text("*")).select_from(sa.table(table))
                                                     .where(sa.or_(*conds))).mappings()]
                if rows:
                    found[table] = rows
    return found
