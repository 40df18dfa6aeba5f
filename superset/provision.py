"""Provision Superset from code: metadata database, admin user, roles, and the hub's
dashboards imported from superset/dashboards.py. Runs in the Superset virtualenv:

    HUB_DATA_DIR=var .superset-venv/bin/python superset/provision.py

Idempotent: the metadata set-up runs once per Superset version (marker file beside the
metadata database), the dashboard import replaces the same objects every time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dashboards import bundle  # noqa: E402

ADMIN = os.environ.get("SUPERSET_ADMIN_USER", "admin")
PASSWORD = os.environ.get("SUPERSET_ADMIN_PASSWORD", "admin")


def environment() -> dict[str, str]:
    return {**os.environ, "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"), "FLASK_APP": "superset"}


def superset(*args: str) -> None:
    command = [str(Path(sys.executable).parent / "superset"), *args]
    proc = subprocess.run(command, env=environment(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"superset {args[0]} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def serving_path(data_dir: Path) -> Path:
    url = os.environ.get("HUB_SERVING_URL", "")
    if url and not url.startswith("sqlite:///"):
        sys.exit(f"HUB_SERVING_URL={url.split('@')[-1]}: the Superset set-up here reads a SQLite serving store only")
    return Path(url.removeprefix("sqlite:///")).resolve() if url else data_dir / "serving.db"


def main() -> None:
    data_dir = Path(os.environ.get("HUB_DATA_DIR", "var")).resolve()
    store = serving_path(data_dir)
    if not store.exists():
        sys.exit(f"{store}: no serving store; run `hub build` first")
    home = data_dir / "superset"
    home.mkdir(parents=True, exist_ok=True)
    marker = home / f".initialised-{version('apache-superset')}"
    if not marker.exists():
        superset("db", "upgrade")
        superset("fab", "create-admin", "--username", ADMIN, "--firstname", "Hub", "--lastname", "Admin",
                 "--email", f"{ADMIN}@localhost", "--password", PASSWORD)
        superset("init")
        marker.touch()
    archive = home / "cs_hub_dashboards.zip"
    archive.write_bytes(bundle(str(store)))
    superset("import-dashboards", "--path", str(archive), "--username", ADMIN)
    print(f"Superset provisioned in {home}: dashboards over {store} (read-only)")


if __name__ == "__main__":
    main()
