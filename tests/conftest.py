"""Shared fixtures: every test gets its own data directory and settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hub.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[1]
HUB = Path(sys.executable).parent / "hub"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HUB_DATA_DIR for this test; the cached settings follow it."""
    path = tmp_path / "var"
    monkeypatch.setenv("HUB_DATA_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return get_settings()


def free_port() -> int:
    """A TCP port on localhost nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_hub(*args: str, data_dir: Path, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run the real `hub` CLI in a subprocess against data_dir."""
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir)}
    proc = subprocess.run(
        [str(HUB), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"hub {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of a PostgreSQL server started for this test session (one per xdist worker)."""
    from tests.postgres import postgres_server

    with postgres_server() as url:
        yield url
