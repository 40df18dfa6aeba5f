"""The marketing-attribution dashboard of superset/dashboards.py, without Superset: its dataset
names only served columns of offer_attribution, its metrics (SQL Superset runs against the
serving store) give on the fixture marts (tests/publish/marts.py) the conversions by channel
and campaign worked out by hand, and the import bundle carries the dashboard and its charts.
The charts in a browser: tests/superset/test_dashboards.py (slow).

Fixture offers: campaign spring, sms: O1 converted (800 CNY), O2 not; spring, phone: O3 not;
no campaign, channel unknown: O4 declined.
"""

from __future__ import annotations

import importlib.util
import io
import sqlite3
import zipfile

import yaml

from hub.settings import Settings
from tests.api.conftest import publish_fixture
from tests.conftest import ROOT


def _dashboards():
    spec = importlib.util.spec_from_file_location("hub_superset_dashboards_attr", ROOT / "superset" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conversions_by_channel_and_campaign_on_the_fixture(tmp_path):
    dashboards = _dashboards()
    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    sql, columns, time_column, metrics = dashboards.DATASETS["offer_attribution"]
    title, rows = dashboards.DASHBOARDS["marketing-attribution"]
    chart = next(c for row in rows for c in row if c["title"] == "Conversions by channel and campaign")
    assert sql is None and chart["params"]["groupby"] == ["offer_channel", "campaign_id"]
    with sqlite3.connect(settings.serving_url.removeprefix("sqlite:///")) as con:
        served = {name for _, name, *_ in con.execute("pragma table_info(offer_attribution)")}
        assert set(columns) <= served and time_column in columns
        names = chart["params"]["metrics"]
        expressions = ", ".join(metrics[m][0] for m in names)
        got = {(channel, campaign): dict(zip(names, values, strict=True)) for channel, campaign, *values in con.execute(
            f"select offer_channel, campaign_id, {expressions} from offer_attribution group by 1, 2")}
    assert got == {
        ("sms", "spring"): {"offers": 2, "accepted": 1, "conversions": 1, "conversion_rate": 0.5,
                            "conversion_amount_cny": 800},
        ("phone", "spring"): {"offers": 1, "accepted": 1, "conversions": 0, "conversion_rate": 0.0,
                              "conversion_amount_cny": 0},
        ("unknown", "none"): {"offers": 1, "accepted": 0, "conversions": 0, "conversion_rate": 0.0,
                              "conversion_amount_cny": 0},
    }
    archive = zipfile.ZipFile(io.BytesIO(dashboards.bundle("/nonexistent/serving.db")))
    files = {name.removeprefix("cs_hub_dashboards/"): name for name in archive.namelist()}
    board = yaml.safe_load(archive.read(files["dashboards/marketing-attribution.yaml"]))
    placed = {p["meta"]["sliceName"] for p in board["position"].values()
              if isinstance(p, dict) and p.get("type") == "CHART"}
    assert board["dashboard_title"] == title and chart["title"] in placed
    dataset = yaml.safe_load(archive.read(files["datasets/serving/offer_attribution.yaml"]))
    assert {m["metric_name"] for m in dataset["metrics"]} == set(metrics)
    charts = [yaml.safe_load(archive.read(n)) for k, n in files.items() if k.startswith("charts/")]
    assert [c["dataset_uuid"] for c in charts if c["slice_name"] == chart["title"]] == [dataset["uuid"]]
