"""The serving schema, read from the dbt manifest: what the API and the report readers need.

Each serving table is a dbt model under transforms/models/serving/ whose contract (its
yml) declares the columns, their types, the primary key and the not-null columns; this
module turns those contracts into SQLAlchemy tables, so a served column is declared once.
No id-card hashes, no birth dates, no addresses beyond the city: the serving store is read
by many consumers and copies only what one of them shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from orchestration.lib.dbt_project import load_manifest, model_parents, models_in_layer

# the contract's data types (the SQL types dbt casts to on every engine) -> the store's
TYPES: dict[str, type[sa.types.TypeEngine]] = {
    "varchar": sa.String,
    "integer": sa.Integer,
    "bigint": sa.BigInteger,
    "double precision": sa.Float,
    "boolean": sa.Boolean,
    "timestamp": sa.DateTime,
    "date": sa.Date,
}
SERVING_LAYER = "serving"
# On SQLite every table is WITHOUT ROWID: stored as one B-tree in primary-key order, so a
# lookup reads the row where it finds the key and the publish writes one tree, not two.
CLUSTERED = {"sqlite_with_rowid": False}

build = sa.Table(
    "_build",
    sa.MetaData(),
    sa.Column("build_id", sa.String(64), primary_key=True),
    sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    # the warehouse's latest event time: SLA states are as of this moment
    sa.Column("as_of", sa.DateTime, nullable=True),
    sa.Column("row_counts", sa.Text, nullable=False),  # JSON {source relation: rows}
    # the highest ops write-back seq in this build: the API merges live events above it
    sa.Column("ops_seq", sa.BigInteger, nullable=True),
)


class ContractError(ValueError):
    """A serving model's contract that the serving store cannot hold."""


@dataclass(frozen=True)
class ServingContract:
    """The serving models of one manifest: the tables, the build model and what they read."""

    tables: list[sa.Table]
    schema: str  # the warehouse schema of the serving views
    build_relation: str  # "schema.name" of the one-row build model (as_of, ops_seq)
    source_relations: list[str]  # "schema.name" of the tables the serving views read


def _table(node: dict[str, Any], metadata: sa.MetaData) -> sa.Table:
    name = node.get("alias") or node["name"]
    key = node.get("primary_key") or []
    if not key:
        raise ContractError(f"serving model {node['name']}: no primary_key constraint in its yml")
    columns = []
    for column in node["columns"].values():
        kind = TYPES.get((column.get("data_type") or "").lower())
        if kind is None:
            raise ContractError(
                f"serving model {node['name']}.{column['name']}: data_type {column.get('data_type')!r} "
                f"is not one of {sorted(TYPES)}"
            )
        not_null = any(c["type"] == "not_null" for c in column.get("constraints", []))
        columns.append(sa.Column(column["name"], kind(), nullable=not (not_null or column["name"] in key)))
    missing = set(key) - {c.name for c in columns}
    if missing:
        raise ContractError(f"serving model {node['name']}: key columns {sorted(missing)} are not in its contract")
    indexes = [sa.Index(index, *on) for index, on in (node["config"]["meta"].get("serving_indexes") or {}).items()]
    return sa.Table(name, metadata, *columns, sa.PrimaryKeyConstraint(*key), *indexes, **CLUSTERED)


def serving_contract(manifest_path: Path) -> ServingContract:
    """The serving tables as the manifest's serving models declare them, in name order."""
    manifest = load_manifest(manifest_path)
    models = models_in_layer(manifest, SERVING_LAYER)
    metadata = sa.MetaData()
    served = [node for node in models if node["config"]["meta"].get("served", False)]
    builds = [node for node in models if not node["config"]["meta"].get("served", False)]
    if len(builds) != 1:
        raise ContractError(f"the serving layer needs one build model (meta served: false), found {len(builds)}")
    tables = sorted((_table(node, metadata) for node in served), key=lambda table: table.name)
    # every table the serving views read, counted with the build (views are not counted)
    sources = sorted(
        f"{node['schema']}.{node.get('alias') or node['name']}"
        for node in model_parents(manifest, models)
        if node["config"]["materialized"] in ("table", "incremental")
    )
    build_node = builds[0]
    return ServingContract(
        tables=tables,
        schema=build_node["schema"],
        build_relation=f"{build_node['schema']}.{build_node.get('alias') or build_node['name']}",
        source_relations=sources,
    )
