"""Typed Dagster resources over the hub's settings and its DuckDB warehouse.

Settings are read when a run starts (in the resource), not when the code location is
imported: the webserver and a run may be launched with different HUB_* environments, and
a deployment changes its data directory without touching code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from hub import warehouse
from hub.settings import Settings, get_settings


class HubResource(dg.ConfigurableResource):
    """The hub's settings; data_dir overrides HUB_DATA_DIR for this deployment when set."""

    data_dir: str | None = None

    def settings(self) -> Settings:
        if self.data_dir is None:
            return get_settings()
        return Settings(data_dir=self.data_dir)


class WarehouseResource(dg.ConfigurableResource):
    """Connections to the DuckDB warehouse.

    DuckDB lets one process write a file at a time, so connections are opened per step and
    closed at its end: holding one across steps would lock dbt's subprocess out.
    """

    hub: HubResource

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.hub.settings(), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
