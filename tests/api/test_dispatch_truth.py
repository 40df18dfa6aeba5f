"""Engineers on duty over GraphQL on HTTP against the simulator's roster truth
(truth/engineer_shifts, never read by the pipeline) (issue 21 item 5).

The demo world (seed 42) is simulated; its ticketing exports go through the contracts and
ingestion (`hub ingest --source ticketing`) and the real dbt models of the roster
(`+fct_engineer_shifts`); those on-duty periods are published with the fixture marts
(tests/publish/marts.py) and read through the API. The roster's mess (truth/mess.json)
quarantines or moves a few rows; the instants checked fall on days whose roster files
(that day's and the day before's, for night shifts) carry no mess, so the served roster
must equal the truth there exactly.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pandas as pd
import pytest

from api.keys import create_key
from api.ops import ops_engine
from hub.settings import Settings
from orchestration.lib.publish import publish
from tests.api.conftest import serving, unlimited
from tests.conftest import run_hub
from tests.publish.marts import make_warehouse
from tests.transforms.conftest import run_dbt

pytestmark = [pytest.mark.scale, pytest.mark.xdist_group("dispatch_truth")]

ON_DUTY = """query ($region: String!, $at: DateTime, $after: ID) {
  engineersOnDuty(region: $region, at: $at, first: 100, after: $after) { engineerId skills } }"""
LOCAL = timedelta(hours=8)  # the roster's and the truth's naive times are Beijing time
_SHIFT_COLUMNS = "engineer_shift_id, engineer_id, region_office, engineer_skills, shift_minutes, shift_started_at, shift_ended_at"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("roster")
    data_dir = base / "var"
    run_hub("simulate", "--scale", "demo", "--seed", "42", data_dir=data_dir)
    run_hub("ingest", "--source", "ticketing", data_dir=data_dir)
    run_dbt("build", "--select", "+fct_engineer_shifts", warehouse=data_dir / "warehouse.duckdb", work_dir=base)
    return data_dir


@pytest.fixture(scope="module")
def dispatcher(simulated: Path, tmp_path_factory: pytest.TempPathFactory):
    settings = unlimited(Settings(data_dir=tmp_path_factory.mktemp("served") / "var"))
    make_warehouse(settings.warehouse_path, extra_sql=f"""
        attach '{simulated / "warehouse.duckdb"}' as simulated (read_only);
        delete from marts.fct_engineer_shifts;
        insert into marts.fct_engineer_shifts select {_SHIFT_COLUMNS} from simulated.marts.fct_engineer_shifts;
        detach simulated;""")
    publish(settings)
    key = create_key(ops_engine(settings.ops_url), "dispatcher", "truth test")
    with serving(settings) as url, httpx.Client(base_url=url, timeout=30) as client:
        def post(query: str, variables: dict) -> dict:
            response = client.post("/graphql", json={"query": query, "variables": variables},
                                   headers={"Authorization": f"Bearer {key}"})
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            return body["data"]
        yield post


def _messy_days(truth_dir: Path) -> set[str]:
    """Days (YYYYMMDD) whose roster file carries injected mess."""
    items = json.loads((truth_dir / "mess.json").read_text())["items"]
    return {item["file"].split("_")[-1][:8] for item in items if item["file"].startswith("ticketing/roster_")}


def _served(post, region: str, at: str) -> dict[str, dict]:
    out, after = {}, None
    while True:
        page = post(ON_DUTY, {"region": region, "at": at, "after": after})["engineersOnDuty"]
        out |= {e["engineerId"]: e for e in page}
        if len(page) < 100:
            return out
        after = page[-1]["engineerId"]


def test_engineers_on_duty_match_the_roster_truth(dispatcher, simulated):
    """Three instants a day (03:00, 10:00, 23:00 local) in every region office: equal to the
    truth on every day whose roster file and the day before's carry no mess."""
    shifts = pd.read_parquet(simulated / "truth" / "engineer_shifts.parquet")
    messy = _messy_days(simulated / "truth")
    assert messy, "the roster carries mess: the comparison must tell its days apart"
    regions = sorted(shifts["region_office"].unique())
    days = sorted(shifts["on_duty_from"].dt.normalize().unique())[1:-1]
    points = equal = differ_clean = differ_messy = 0
    for day in days:
        touched = f"{day:%Y%m%d}" in messy or f"{day - pd.Timedelta(days=1):%Y%m%d}" in messy
        for hour in (3, 10, 23):
            local = day.to_pydatetime() + timedelta(hours=hour)
            at = (local - LOCAL).strftime("%Y-%m-%dT%H:%M:%SZ")
            on = shifts[(shifts["on_duty_from"] <= local) & (shifts["on_duty_to"] > local)]
            for region in regions:
                expected = on[on["region_office"] == region]
                served = _served(dispatcher, region, at)
                skills = dict(zip(expected["engineer_id"], expected["skills"], strict=True))
                same = sorted(served) == sorted(skills) and all(";".join(e["skills"]) == skills[i]
                                                                 for i, e in served.items())
                points += 1
                equal += same
                differ_messy += not same and touched
                differ_clean += not same and not touched
    print(f"engineersOnDuty vs truth: {points} region x instant points, {equal} equal, "
          f"{differ_messy} differ on days with roster mess, {differ_clean} on days without")
    assert differ_clean == 0
    assert equal > 0.9 * points and points >= 3 * len(regions) * 80
