"""A publish swaps the store under a busy API: no request fails, and the new build is served."""

from __future__ import annotations

import threading

import httpx
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from orchestration.lib.publish import PublishRefused, publish
from tests.api.conftest import serving, unlimited
from tests.publish.marts import make_warehouse
from tests.publish.test_publish import BROKEN

QUERY = '{ customer(phone: "+86 139 0013 9000") { id city openWorkOrders { stage } } servingBuild { buildId } }'


def _city(build: int) -> str:
    return f"city-{build}"


def _rebuild(settings: Settings, build: int, broken: bool = False) -> None:
    sql = f"update marts.customer_profile set city = '{_city(build)}' where customer_id = 'CU2'"
    make_warehouse(settings.warehouse_path, extra_sql=sql + (";" + BROKEN if broken else ""))


def test_publish_under_load_loses_no_request(settings):
    _rebuild(settings, 0)
    publish(settings, build_id="build-0")
    key = create_key(ops_engine(settings.ops_url), "agent", "load")
    answers: list[tuple[str, str]] = []
    failures: list[str] = []
    stop = threading.Event()

    with serving(unlimited(settings)) as url:

        def hammer() -> None:
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=10) as client:
                while not stop.is_set():
                    response = client.post("/graphql", json={"query": QUERY})
                    body = response.json()
                    if response.status_code != 200 or "errors" in body or body["data"]["customer"] is None:
                        failures.append(response.text)
                        continue
                    answers.append((body["data"]["servingBuild"]["buildId"], body["data"]["customer"]["city"]))

        client = threading.Thread(target=hammer)
        client.start()
        try:
            for build in range(1, 4):
                _rebuild(settings, build)
                publish(settings, build_id=f"build-{build}")
            # a failing gate in the middle of the traffic: the API keeps the last good build
            _rebuild(settings, 4, broken=True)
            with pytest.raises(PublishRefused):
                publish(settings, build_id="build-4")
            seen_before = len(answers)
            while len(answers) < seen_before + 20:
                stop.wait(0.01)
        finally:
            stop.set()
            client.join(timeout=30)

    assert failures == []
    assert len(answers) > 20
    # every answer is consistent with the build it names, never a mix
    assert all(city == _city(int(build.split("-")[1])) for build, city in answers)
    assert answers[-1] == ("build-3", "city-3")
    assert {build for build, _ in answers} >= {"build-3"}
