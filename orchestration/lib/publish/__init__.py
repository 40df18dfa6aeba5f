"""Write-audit-publish of the serving store (DESIGN.md "Stores").

publish() reads the marts, audits the copy, writes a whole new serving database and swaps
it in atomically; a failure at any step leaves the served store as it was.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import sqlalchemy as sa

from hub.settings import Settings
from orchestration.lib.publish.audit import PublishRefused, audit
from orchestration.lib.publish.extract import extract
from orchestration.lib.publish.swap import swap
from orchestration.lib.publish.tables import SERVING_TABLES, build

__all__ = ["PublishRefused", "PublishResult", "publish"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    build_id: str
    serving_url: str
    row_counts: dict[str, int]
    source_counts: dict[str, int]


def publish(settings: Settings, build_id: str | None = None, marts: str = "marts") -> PublishResult:
    """Publish the warehouse's marts to settings.serving_url; raises PublishRefused on a failed audit."""
    build_id = build_id or uuid.uuid4().hex
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        data = extract(con, marts=marts)
    failures = audit(data.tables)
    if failures:
        raise PublishRefused(f"build {build_id} not published:\n" + "\n".join(f"- {f}" for f in failures))
    row_counts = {name: len(rows) for name, rows in data.tables.items()}

    def load(con: sa.Connection) -> None:
        for table in SERVING_TABLES:
            rows = data.tables[table.name]
            if rows:
                con.execute(table.insert(), rows)
        con.execute(
            build.insert().values(
                build_id=build_id,
                built_at=datetime.now(UTC),
                as_of=data.as_of,
                row_counts=json.dumps({"serving": row_counts, "sources": data.source_counts}),
            )
        )

    swap(settings.serving_url, build_id, load)
    log.info("published build %s to the serving store: %s", build_id, row_counts)
    return PublishResult(build_id, settings.serving_url, row_counts, data.source_counts)
