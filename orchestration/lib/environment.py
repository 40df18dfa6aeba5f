"""Where Dagster and dbt find the hub's stores: derived from hub settings, never hard-coded.

dbt reads the warehouse location from environment variables (transforms/profiles.yml),
and Dagster keeps its run history under DAGSTER_HOME; both are set from the one
settings object so `hub build`, `dagster dev` and the tests agree on the paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hub.settings import Settings


def dbt_environment(settings: Settings) -> dict[str, str]:
    """The variables transforms/profiles.yml reads, for these settings."""
    return {
        "HUB_WAREHOUSE_PATH": str(settings.warehouse_path),
        "HUB_DUCKDB_THREADS": str(settings.duckdb_threads),
        "HUB_DBT_MEMORY_LIMIT": settings.dbt_memory_limit,
    }


@contextmanager
def exported(variables: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block (dbt subprocesses inherit them), then restore."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def ensure_dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME, defaulting to <data_dir>/dagster so run history never lands in the repo."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    # an empty dagster.yaml: the defaults (SQLite run and event storage under home), said on purpose
    (home / "dagster.yaml").touch(exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    return home
