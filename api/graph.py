"""The executable schema: the SDL files under api/schema/, with resolvers and scalars attached."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from graphql import GraphQLObjectType, GraphQLScalarType, GraphQLSchema, build_schema

from api.resolvers import RESOLVERS

SCHEMA_DIR = Path(__file__).parent / "schema"


def _serialize_datetime(value: object) -> str:
    """Serving stores keep naive UTC; SQLite hands them back as text, PostgreSQL as datetime."""
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    text = str(value).replace(" ", "T", 1)
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"


def _serialize_date(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def sdl() -> str:
    """The schema's SDL: base.graphql first, then the other domains in name order."""
    files = sorted(SCHEMA_DIR.glob("*.graphql"), key=lambda p: (p.name != "base.graphql", p.name))
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


@lru_cache(maxsize=1)
def schema() -> GraphQLSchema:
    built = build_schema(sdl())
    for (type_name, field_name), resolver in RESOLVERS.items():
        graphql_type = built.get_type(type_name)
        if not isinstance(graphql_type, GraphQLObjectType) or field_name not in graphql_type.fields:
            raise ValueError(f"resolver for {type_name}.{field_name}: no such field in the SDL under {SCHEMA_DIR}")
        graphql_type.fields[field_name].resolve = resolver
    for name, serialize in (("DateTime", _serialize_datetime), ("Date", _serialize_date)):
        scalar = built.get_type(name)
        assert isinstance(scalar, GraphQLScalarType)
        scalar.serialize = serialize
    return built
