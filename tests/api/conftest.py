"""An API served over real HTTP (uvicorn on a free localhost port) on the fixture marts."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.keys import create_key
from api.ops import ops_engine
from api.roles import ROLES
from hub.settings import RateLimit, Settings
from orchestration.lib.publish import publish
from tests.conftest import free_port
from tests.publish.marts import make_warehouse


def hub_env(settings: Settings) -> dict[str, str]:
    """The environment for a subprocess that must use settings' data directory."""
    return {**os.environ, "HUB_DATA_DIR": str(settings.data_dir)}


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """Run the app for settings in a uvicorn thread; yields its base URL, stops it after."""
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


_UNLIMITED = RateLimit(per_second=1e9, burst=10**9, misses_per_minute=10**9)


def unlimited(settings: Settings) -> Settings:
    """settings with rate limits no load test reaches (load tests measure the API, not its limits)."""
    return settings.model_copy(update={"api_rate_limits": dict.fromkeys(ROLES, _UNLIMITED)})


def unlimited_env(settings: Settings) -> dict[str, str]:
    """hub_env for a server that load tests drive past any rate limit."""
    limits = json.dumps({role: _UNLIMITED.model_dump() for role in ROLES})
    return {**hub_env(settings), "HUB_API_RATE_LIMITS": limits}


def publish_fixture(settings: Settings) -> Settings:
    make_warehouse(settings.warehouse_path)
    publish(settings)
    return settings


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose serving store holds the fixture marts (shared by a module's tests, read only)."""
    return publish_fixture(Settings(data_dir=tmp_path_factory.mktemp("api") / "var"))


@pytest.fixture(scope="module")
def keys(published: Settings) -> dict[str, str]:
    """One API key per role."""
    engine = ops_engine(published.ops_url)
    return {role: create_key(engine, role, f"test {role}") for role in ROLES}


@pytest.fixture(scope="module")
def api(published: Settings, keys: dict[str, str]) -> Iterator[Callable[..., httpx.Response]]:
    """post(query, role=..., variables=...) against a live server on the fixture data."""
    with serving(published) as url, httpx.Client(base_url=url, timeout=10) as client:

        def post(query: str, role: str | None = "agent", variables: dict | None = None, key: str | None = None):
            token = key if key is not None else keys.get(role or "")
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)

        yield post
