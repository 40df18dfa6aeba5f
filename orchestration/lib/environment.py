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
# instance's dagster.yaml turns it off.
TELEMETRY_YAML = "telemetry:\n  enabled: false\n"
# With HUB_DAGSTER_STORAGE_URL set, runs, event logs and schedules live in PostgreSQL; the
# URL (with its password) stays in the environment, the file only names the variable.
# Otherwise Dagster's defaults (SQLite files under DAGSTER_HOME), said on purpose.
POSTGRES_STORAGE_YAML = "storage:\n  postgres:\n    postgres_url:\n      env: HUB_DAGSTER_STORAGE_URL\n"


def dagster_yaml_blocks(settings: Settings) -> dict[str, str]:
    """The top-level dagster.yaml blocks the hub's settings ask for, by key."""
    blocks = {"telemetry": TELEMETRY_YAML}
    if settings.dagster_storage_url is not None:
        blocks["storage"] = POSTGRES_STORAGE_YAML
    return blocks


def ensure_dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME, defaulting to <data_dir>/dagster so run history never lands in the repo,
    with a dagster.yaml that turns telemetry off and, when HUB_DAGSTER_STORAGE_URL is set,
    keeps the instance's storage in PostgreSQL.

    A block the dagster.yaml already has (telemetry, storage) is left as it is (an operator's
    choice); a missing one is appended. The storage URL is exported for the runs' and the
    multiprocess executor's child processes, which read it from the environment.
    """
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    for key, block in dagster_yaml_blocks(settings).items():
        if not re.search(rf"^{key}\s*:", text, re.M):
            text += ("" if not text or text.endswith("\n") else "\n") + block
    config.write_text(text, encoding="utf-8")
    if settings.dagster_storage_url is not None:
        os.environ["HUB_DAGSTER_STORAGE_URL"] = settings.dagster_storage_url.get_secret_value()
    os.environ["DAGSTER_HOME"] = str(home)
    return home
