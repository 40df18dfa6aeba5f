"""Write a complete serving database apart, then swap it in at once.

SQLite: a new file beside the served one, renamed over it (rename is atomic; a reader that
holds the old file keeps reading it, and the API reopens when the file's inode changes).
PostgreSQL: a new schema, then both renames in one transaction, so a query sees the old
schema or the new one, never a mix.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa


SERVING_SCHEMA = "serving"
Loader = Callable[[sa.Connection], None]


def sqlite_path(url: str) -> Path:
    return Path(sa.engine.make_url(url).database)


def swap_sqlite(url: str, build_id: str, load: Loader) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{build_id}.building")
    staging.unlink(missing_ok=True)
    engine = sa.create_engine(f"sqlite:///{staging}")
    try:
        with engine.begin() as con:
            # a file being built has no readers: skip the journal, sync once at the end
            con.exec_driver_sql("PRAGMA journal_mode=OFF")
            con.exec_driver_sql("PRAGMA synchronous=OFF")
            con.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB for building the indexes
            load(con)
        with engine.connect() as con:
            # planner statistics from a sample of each index: as good for these lookups, and
            # seconds instead of a pass over every row
            con.exec_driver_sql("PRAGMA analysis_limit=1000")
            con.exec_driver_sql("ANALYZE")
    except BaseException:
        engine.dispose()
        staging.unlink(missing_ok=True)
        raise
    engine.dispose()
    with open(staging, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def swap_postgres(url: str, build_id: str, load: Loader) -> None:
    building = f"{SERVING_SCHEMA}_{build_id[:12]}".lower().replace("-", "_")
    retired = f"{SERVING_SCHEMA}_retired"
    engine = sa.create_engine(url)
    try:
        with engine.begin() as con:
            con.exec_driver_sql(f'drop schema if exists "{building}" cascade')
            con.exec_driver_sql(f'create schema "{building}"')
        try:
            with engine.begin() as con:
                # unqualified names, in SQLAlchemy and in the driver's COPY alike, land in the new schema
                con.exec_driver_sql(f'set local search_path to "{building}"')
                load(con)
                con.exec_driver_sql("analyze")
        except BaseException:
            with engine.begin() as con:
                con.exec_driver_sql(f'drop schema if exists "{building}" cascade')
            raise
        with engine.begin() as con:
            con.exec_driver_sql(f'drop schema if exists "{retired}" cascade')
            exists = con.execute(
                sa.text("select 1 from information_schema.schemata where schema_name = :s"), {"s": SERVING_SCHEMA}
            ).first()
            if exists:
                con.exec_driver_sql(f'alter schema "{SERVING_SCHEMA}" rename to "{retired}"')
            con.exec_driver_sql(f'alter schema "{building}" rename to "{SERVING_SCHEMA}"')
        with engine.begin() as con:
            con.exec_driver_sql(f'drop schema if exists "{retired}" cascade')
    finally:
        engine.dispose()


def swap(url: str, build_id: str, load: Loader) -> None:
    """Let load() create and fill the serving tables in a store apart, then make it the served
    one; when load() raises, change nothing."""
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "sqlite":
        swap_sqlite(url, build_id, load)
    elif backend == "postgresql":
        swap_postgres(url, build_id, load)
    else:
        raise ValueError(f"serving_url {backend!r}: the serving store must be sqlite or postgresql")
