"""Engineers on duty over GraphQL on HTTP against the simulator's roster truth
(truth/engineer_shifts, never read by the pipeline), on the demo build (issue 21 item 5).

The roster's mess (truth/mess.json) quarantines or moves a few roster rows; the instants
checked fall on days whose roster files (that day's and the day before's, for night
shifts) carry no mess, so the served roster must equal the truth there exactly.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pandas as pd
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from tests.api.conftest import serving, unlimited

pytestmark = [pytest.mark.scale, pytest.mark.xdist_group("api_demo")]

ON_DUTY = """query ($region: String!, $at: DateTime, $after: ID) {
  engineersOnDuty(region: $region, at: $at, first: 100, after: $after) { engineerId skills load } }"""
LOCAL = timedelta(hours=8)  # the roster's and the truth's naive times are Beijing time


@pytest.fixture(scope="module")
def dispatcher(built_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    # the built demo is shared read-only: keys and audit entries go to an ops store of our own
    ops = tmp_path_factory.mktemp("dispatch_ops") / "ops.db"
    settings = unlimited(Settings(data_dir=built_demo, ops_url=f"sqlite:///{ops}"))
    key = create_key(ops_engine(settings.ops_url), "dispatcher", "truth test")
    with serving(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        def post(query: str, variables: dict) -> dict:
            response = client.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {key}"})
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            return body["data"]
        yield post


def _clean_days(truth_dir: Path, shifts: pd.DataFrame) -> list[pd.Timestamp]:
    messy = {item["file"].split("_")[-1][:8] for item in json.loads((truth_dir / "mess.json").read_text())["items"]
             if item["file"].startswith("ticketing/roster_")}
    days = sorted(shifts["on_duty_from"].dt.normalize().unique())
    clean = [d for d in days[1:-1] if f"{d:%Y%m%d}" not in messy
             and f"{d - pd.Timedelta(days=1):%Y%m%d}" not in messy]
    assert len(clean) >= 3, messy
    return [clean[0], clean[len(clean) // 2], clean[-1]]


def _served(post, region: str, at: str) -> dict[str, dict]:
    out, after = {}, None
    while True:
        page = post(ON_DUTY, {"region": region, "at": at, "after": after})["engineersOnDuty"]
        out |= {e["engineerId"]: e for e in page}
        if len(page) < 100:
            return out
        after = page[-1]["engineerId"]


def test_engineers_on_duty_match_the_roster_truth(dispatcher, built_demo):
    shifts = pd.read_parquet(built_demo / "truth" / "engineer_shifts.parquet")
    checked = 0
    for day in _clean_days(built_demo / "truth", shifts):
        for hour in (10, 23, 27):  # a day shift, a night shift, the same night after midnight
            local = day.to_pydatetime() + timedelta(hours=hour)
            at = (local - LOCAL).strftime("%Y-%m-%dT%H:%M:%SZ")
            on = shifts[(shifts["on_duty_from"] <= local) & (shifts["on_duty_to"] > local)]
            for region, expected in on.groupby("region_office"):
                served = _served(dispatcher, region, at)
                assert sorted(served) == sorted(expected["engineer_id"]), (region, at)
                skills = dict(zip(expected["engineer_id"], expected["skills"], strict=True))
                assert all(";".join(e["skills"]) == skills[i] for i, e in served.items()), (region, at)
                checked += len(served)
    assert checked > 1000


def test_suggestions_and_worklist_on_the_demo_follow_their_rules(dispatcher, built_demo):
    shifts = pd.read_parquet(built_demo / "truth" / "engineer_shifts.parquet")
    local = datetime(2026, 3, 30, 10)
    at = (local - LOCAL).strftime("%Y-%m-%dT%H:%M:%SZ")
    region = sorted(shifts["region_office"].unique())[0]
    found = dispatcher("""query ($region: String!, $at: DateTime) {
        suggestAssignee(region: $region, component: "brakes", category: "repair", at: $at, first: 20) {
          engineer { engineerId skills load onDutyUntil } } }""", {"region": region, "at": at})["suggestAssignee"]
    on = shifts[(shifts["on_duty_from"] <= local) & (shifts["on_duty_to"] > local) & (shifts["region_office"] == region)]
    skilled = {i for i, s in zip(on["engineer_id"], on["skills"], strict=True) if "brakes" in s.split(";")}
    assert found and {s["engineer"]["engineerId"] for s in found} <= skilled
    loads = [s["engineer"]["load"] for s in found]
    assert loads == sorted(loads)
    worklist = dispatcher("{ slaAtRisk(first: 100) { edges { node { state minutesLeft } } } }", {})["slaAtRisk"]
    left = [edge["node"]["minutesLeft"] for edge in worklist["edges"]]
    assert left and left == sorted(left)
    assert {edge["node"]["state"] for edge in worklist["edges"]} <= {"at_risk", "breached"}
    assert all((m < 0) == (e["node"]["state"] == "breached") for m, e in zip(left, worklist["edges"], strict=True)
               if m != 0)
