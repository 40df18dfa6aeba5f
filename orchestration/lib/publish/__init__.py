"""Write-audit-publish of the serving store (docs/design.md "Stores").

publish() streams the warehouse's serving views (the dbt models under
transforms/models/serving/, whose contracts the manifest carries) into a whole new serving
database (write), checks that copy (audit) and swaps it in atomically (publish); a failure
at any step leaves the served store as it was.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from hub.settings import Settings
from hub.warehouse import connect as warehouse_connect
from orchestration.lib.publish.audit import PublishRefused, audit
from orchestration.lib.publish.extract import Extract
from orchestration.lib.publish.load import load_table, text_formats
from orchestration.lib.publish.swap import swap
from orchestration.lib.publish.tables import build, serving_contract

__all__ = ["PublishRefused", "PublishResult", "publish"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    build_id: str
    serving_url: str
    row_counts: dict[str, int]
    source_counts: dict[str, int]


def publish(settings: Settings, build_id: str | None = None, manifest_path: Path | None = None) -> PublishResult:
    """Publish the warehouse's serving views to settings.serving_url, shaped as the dbt
    manifest's serving contracts say (the project's own manifest unless manifest_path);
    raises PublishRefused on a failed audit."""
    if manifest_path is None:
        from orchestration.lib.dbt_project import cs_hub_project

        manifest_path = cs_hub_project().manifest_path
    contract = serving_contract(manifest_path)
    build_id = build_id or uuid.uuid4().hex
    row_counts: dict[str, int] = {}
    with warehouse_connect(settings, read_only=True) as warehouse:
        data = Extract(warehouse, contract)

        def load(con: sa.Connection) -> None:
            for table in contract.tables:
                key = [column.name for column in table.primary_key]
                rows = data.cursor(table.name, key, text_formats(table, con.dialect))
                row_counts[table.name] = load_table(rows, con, table)
            failures = audit(con)
            if failures:
                raise PublishRefused(f"build {build_id} not published:\n" + "\n".join(f"- {f}" for f in failures))
            build.create(con)
            con.execute(
                build.insert().values(
                    build_id=build_id,
                    built_at=datetime.now(UTC),
                    as_of=data.as_of,
                    row_counts=json.dumps({"serving": row_counts, "sources": data.source_counts}),
                    ops_seq=data.ops_seq,
                )
            )

        swap(settings.serving_url, build_id, load)
    log.info("published build %s to the serving store: %s", build_id, row_counts)
    return PublishResult(build_id, settings.serving_url, row_counts, data.source_counts)
