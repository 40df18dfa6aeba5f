"""The one way the hub opens its DuckDB warehouse.

Every connection gets the limits of the settings (memory, threads), a spill directory
under the data dir, and UTC as its session time zone, so a cast between TIMESTAMP and
TIMESTAMPTZ means the same in every process (the warehouse stores UTC; docs/design.md).
DuckDB refuses a second connection to a file open in the same process with another
configuration: one factory also keeps those configurations equal.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from hub.settings import Settings


def connect(settings: Settings, read_only: bool = False, path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to settings.warehouse_path (or to `path`, a warehouse elsewhere, such as a
    benchmark's copy) with the hub's configuration. Read-only needs an existing file; a writer
    creates the file and its folder. Use as a context manager, or close it: a DuckDB file
    admits one writing process at a time."""
    path = Path(path or settings.warehouse_path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse there; run `hub ingest` or `hub build` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "threads": settings.duckdb_threads,
        "memory_limit": settings.duckdb_memory_limit,
        "temp_directory": str(settings.data_dir / "duckdb_tmp"),
    }
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    # a session setting of the ICU extension (built in), which loads only once connected
    con.execute("set TimeZone = 'UTC'")
    return con
