"""Shared fixtures: every test gets its own data directory and settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from hub.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[1]
HUB = Path(sys.executable).parent / "hub"

# An xdist worker's __main__ has neither a spec nor a file. pyspark (installed for dbt-spark)
# reads that as "running doctests" and exits the process when Great Expectations imports
# pyspark.sql.connect without Spark Connect's packages. There that import fails instead, as
# it does in every other process (an ImportError GE expects); nothing in process uses Spark
# Connect (the Spark tests run dbt and pyspark in subprocesses).
_main = sys.modules["__main__"]
if getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    sys.modules.setdefault("pyspark.sql.connect", None)


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


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo (seed 42) simulated and built with `hub build` once per test run, shared
    by every xdist worker (the first builds it under a file lock). Read it only: open the
    warehouse read_only=True; a test that writes takes `demo_copy` instead."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built_demo"
    shared.mkdir(exist_ok=True)
    data_dir = shared / "var"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "built").exists():
            run_hub("simulate", "--scale", "demo", "--seed", "42", data_dir=data_dir)
            run_hub("build", data_dir=data_dir)
            (shared / "built").touch()
    return data_dir


@pytest.fixture
def demo_copy(built_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the built demo's data directory, set as this test's HUB_DATA_DIR."""
    import shutil

    path = tmp_path / "var"
    shutil.copytree(built_demo, path, ignore=shutil.ignore_patterns("*.lock", "*.wal"))
    monkeypatch.setenv("HUB_DATA_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@contextmanager
def healthy_server(server: subprocess.Popen, url: str, seconds: float, what: str, output) -> Iterator[str]:
    """Wait until the server process answers GET {url}/health with 200 (failing with its
    output if it exits first, or after `seconds`), yield url, then stop it."""
    try:
        deadline = time.monotonic() + seconds
        while True:
            assert server.poll() is None, output()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{what} did not answer /health within {seconds:.0f} s"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
