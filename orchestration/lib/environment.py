"""Where Dagster and dbt find the hub's stores: derived from hub settings, never hard-coded.

dbt reads the warehouse location from environment variables (transforms/profiles.yml),
and Dagster keeps its run history under DAGSTER_HOME; both are set from the one
settings object so `hub build`, `dagster dev` and the tests agree on the paths.
"""

from __future__ import annotations

import os
import re
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


# A hub of personal data sends no usage statistics: Dagster's telemetry is on unless the
# instance's dagster.yaml turns it off. Otherwise Dagster's defaults (SQLite run and event
# storage under DAGSTER_HOME), said on purpose.
DAGSTER_YAML = "telemetry:\n  enabled: false\n"


def ensure_dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME, defaulting to <data_dir>/dagster so run history never lands in the repo,
    with a dagster.yaml that turns telemetry off.

    A dagster.yaml that already says something about telemetry is left as it is (an
    operator's choice); one that says nothing gets the telemetry block appended.
    """
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    if not re.search(r"^telemetry\s*:", text, re.M):
        separator = "" if not text or text.endswith("\n") else "\n"
        config.write_text(text + separator + DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
