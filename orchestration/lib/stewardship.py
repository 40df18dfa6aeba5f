"""Identity stewardship from the command line: overrides written to the ops log (audited),
and the preview of the merges and splits the next build would make.

The preview copies the warehouse into a scratch folder, puts the overrides in force now
(the ops log, whether exported or not) into the copy's raw.ops__identity_overrides, runs
the identity models with dbt on the copy alone and compares each CRM record's customer
there with the one served. Nothing is published and the warehouse is not touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from hub import audit, stewardship
from hub.privacy.live import serving_engine
from hub.settings import Settings
from hub.writeback import log_engine
from hub.writeback.store import kind_events
from ingestion.contracts import contract
from ingestion.ops_export import row as export_row
from orchestration.lib.dbt_project import TRANSFORMS_DIR, dbt_executable, dbt_vars

OVERRIDES_TABLE = "raw.ops__identity_overrides"
PREVIEW_MODELS = "+int_crm_customers_resolved"
_SQL_TYPES = {"string": "varchar", "int": "bigint", "timestamp": "timestamp"}
_LINEAGE = ("_file varchar", "_line bigint", "_batch_id varchar", "_ingested_at timestamp")


def _serving(settings: Settings) -> sa.Engine | None:
    url = settings.serving_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return serving_engine(url)


def served_ids(settings: Settings) -> tuple[dict[str, str], str]:
    """CRM record -> customer id as served (crm_customers), and where they were read; without a
    serving store, as the warehouse's last build resolved them."""
    engine = _serving(settings)
    if engine is not None:
        try:
            with engine.connect() as con:
                rows = con.execute(sa.text("select crm_customer_id, customer_id from crm_customers")).all()
            return {r[0]: r[1] for r in rows}, "serving store"
        except sa.exc.OperationalError:
            pass
        finally:
            engine.dispose()
    if not Path(settings.warehouse_path).exists():
        return {}, "nothing built yet"
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        rows = con.execute("select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved").fetchall()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.close()
    return dict(rows), "warehouse (no serving store)"


def write_override(settings: Settings, raw: dict[str, Any], author_key: str = "cli") -> dict[str, Any]:
    """Add or remove one override from the CLI: checked against the served records, appended
    once to the ops log, and the act audited (action steward_override)."""
    served, _ = served_ids(settings)
    engine = log_engine(settings.ops_url, writer=True)
    try:
        result = stewardship.write(engine, raw, lambda ids: {i for i in ids if i in served})
        if result["changed"]:
            audit.create(engine)
            detail = {"override_id": result["overrideId"], "rule": result["rule"], "action": raw["action"],
                      "left_crm_id": result["leftCrmId"], "right_crm_id": result["rightCrmId"],
                      "author": raw["author"]}
            audit.append(engine, audit.chain_key(settings),
                         [audit.Entry("steward_override", author_key, stewardship.ROLE, None, detail)])
    finally:
        engine.dispose()
    return result


def list_overrides(settings: Settings) -> list[stewardship.Override]:
    engine = log_engine(settings.ops_url)
    try:
        return sorted(stewardship.current(engine).values(), key=lambda o: o.seq)
    finally:
        engine.dispose()


@dataclass
class Preview:
    baseline: str
    merges: list[dict[str, Any]] = field(default_factory=list)
    splits: list[dict[str, Any]] = field(default_factory=list)
    new_records: int = 0

    def lines(self) -> list[str]:
        out = [f"compared with the ids of the {self.baseline}"]
        for m in self.merges:
            out.append(f"merge {' + '.join(m['served'])} -> {m['customer']} (records {', '.join(m['records'])})")
        for s in self.splits:
            parts = "; ".join(f"{cid} ({', '.join(records)})" for cid, records in s["parts"].items())
            out.append(f"split {s['served']} -> {parts}")
        out.append(f"{len(self.merges)} merges, {len(self.splits)} splits, {self.new_records} new records")
        return out


def diff(served: Mapping[str, str], next_build: Mapping[str, str], baseline: str) -> Preview:
    """The merges (one next customer holding records of several served ones) and splits (one
    served customer's records under several next customers) between two record -> id maps."""
    preview = Preview(baseline)
    by_next: dict[str, set[str]] = defaultdict(set)
    by_served: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for record, customer in sorted(next_build.items()):
        if record not in served:
            preview.new_records += 1
            continue
        by_next[customer].add(served[record])
        by_served[served[record]][customer].append(record)
    for customer, olds in sorted(by_next.items()):
        if len(olds) > 1:
            records = sorted(r for r, c in next_build.items() if c == customer and r in served)
            preview.merges.append({"customer": customer, "served": sorted(olds), "records": records})
    for old, parts in sorted(by_served.items()):
        if len(parts) > 1:
            preview.splits.append({"served": old, "parts": dict(sorted(parts.items()))})
    return preview


def _load_overrides(con: duckdb.DuckDBPyConnection, events: list[dict[str, Any]]) -> None:
    spec = contract("ops__identity_overrides")
    columns = [f"{f.name} {_SQL_TYPES[f.type]}" for f in spec.fields]
    con.execute("create schema if not exists raw")
    con.execute(f"create table if not exists {OVERRIDES_TABLE} ({', '.join([*columns, *_LINEAGE])})")
    con.execute(f"delete from {OVERRIDES_TABLE}")
    names = [f.name for f in spec.fields]
    now = datetime.now(UTC).replace(tzinfo=None)
    for line, event in enumerate(events, start=1):
        row = export_row(event)
        values = [row[n] for n in names] + ["identity-preview", line, "preview", now]
        targets = ", ".join([*names, "_file", "_line", "_batch_id", "_ingested_at"])
        con.execute(f"insert into {OVERRIDES_TABLE} ({targets}) values ({', '.join('?' * len(values))})", values)


def preview(settings: Settings, keep: Path | None = None) -> Preview:
    """What the next build would merge and split, computed on a scratch copy of the warehouse."""
    warehouse = Path(settings.warehouse_path)
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse}: no warehouse; run `hub build` first")
    served, baseline = served_ids(settings)
    engine = log_engine(settings.ops_url)
    try:
        with engine.connect() as con:
            events = kind_events(con, stewardship.KIND, 0)
    finally:
        engine.dispose()
    work = Path(tempfile.mkdtemp(prefix="identity-preview-", dir=keep))
    try:
        scratch = work / "warehouse.duckdb"
        shutil.copyfile(warehouse, scratch)
        if warehouse.with_name(warehouse.name + ".wal").exists():
            shutil.copyfile(warehouse.with_name(warehouse.name + ".wal"), scratch.with_name(scratch.name + ".wal"))
        con = duckdb.connect(str(scratch))
        try:
            _load_overrides(con, events)
        finally:
            con.close()
        env = {**os.environ, "HUB_WAREHOUSE_PATH": str(scratch), "DBT_TARGET_PATH": str(work / "target"),
               "DBT_LOG_PATH": str(work / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        proc = subprocess.run(
            [dbt_executable(), "run", "--select", PREVIEW_MODELS, "--vars", json.dumps(dbt_vars(settings)),
             "--profiles-dir", "."], cwd=TRANSFORMS_DIR, env=env, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise RuntimeError(f"dbt run of the identity models on the scratch copy failed:\n{proc.stdout[-4000:]}")
        con = duckdb.connect(str(scratch), read_only=True)
        try:
            next_build = dict(con.execute(
                "select crm_customer_id, customer_id from intermediate.int_crm_customers_resolved").fetchall())
        finally:
            con.close()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return diff(served, next_build, baseline)
