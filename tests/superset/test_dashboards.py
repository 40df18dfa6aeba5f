"""The Superset dashboards in a real browser: Superset from its own virtualenv, provisioned
from code over a published demo serving store, opened in Debian's headless Chromium.

Every dashboard of superset/dashboards.py must show every one of its charts with data and
no error (a chart whose dataset the demo leaves empty: Superset's no-results state, no error); a screenshot of each is saved under the test's tmp directory (paths printed).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMEDRIVER, CHROMIUM, chromium, wait_for
from tests.conftest import ROOT, free_port, healthy_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("superset")]

VENV = ROOT / ".superset-venv"
CHART_TIMEOUT_SECONDS = 180


def dashboards_spec():
    spec = importlib.util.spec_from_file_location("hub_superset_dashboards", ROOT / "superset" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DASHBOARDS


@pytest.fixture(scope="module")
def superset(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Superset provisioned (scripts/superset.sh: admin user, dashboards) over a copy of the
    built demo, served on a free port; yields its URL."""
    for needed, how in ((VENV / "bin" / "gunicorn", "make superset-install"),
                        (CHROMIUM, "make install-system"), (CHROMEDRIVER, "make install-system")):
        assert needed.exists(), f"{needed} is missing: run `{how}` (make test does)"
    data_dir = tmp_path_factory.mktemp("superset") / "var"
    shutil.copytree(built_demo, data_dir, ignore=shutil.ignore_patterns("*.lock", "*.wal"))
    port = free_port()
    env = {**os.environ, "HUB_DATA_DIR": str(data_dir), "SUPERSET_PORT": str(port)}
    log = open(data_dir / "superset.log", "w")  # noqa: SIM115 - closed after the server
    server = subprocess.Popen([str(ROOT / "scripts" / "superset.sh")], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        with healthy_server(server, f"http://127.0.0.1:{port}", 600, "Superset",
                            lambda: (data_dir / "superset.log").read_text()[-4000:]) as url:
            yield url
    finally:
        log.close()


@pytest.fixture(scope="module")
def browser(superset: str):
    with chromium() as driver:
        log_in(driver, superset)
        yield driver


def log_in(driver, superset: str, attempts: int = 3) -> None:
    """Submit the login form until the session sticks. The login page posts a usage-log
    beacon while it loads; when its anonymous response lands after the login's, it replaces
    the new session cookie, so a settled page (2 s) is typed into and a lost login retried."""
    from selenium.webdriver.common.by import By

    for _ in range(attempts):
        driver.get(f"{superset}/login/")
        wait_for(lambda: driver.find_elements(By.ID, "username"), 60, "the login form")
        time.sleep(2)
        driver.find_element(By.ID, "username").send_keys("admin")
        driver.find_element(By.ID, "password").send_keys("admin")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        time.sleep(3)
        driver.get(f"{superset}/api/v1/me/")
        if '"username": "admin"' in driver.page_source or '"username":"admin"' in driver.page_source:
            return
    raise AssertionError(f"could not log in to Superset as admin in {attempts} attempts")


ERROR_SELECTOR = "[role=alert], .ant-alert-error, [data-test=alert-error], [data-test=error-tooltip]"


LOADING_SELECTOR = "[data-test=loading-indicator], .loading, [aria-label*=oading]"


def chart_state(holder) -> str:
    """'data', 'empty', 'error: ...' or 'loading' for one chart on the dashboard. A chart still
    querying shows a spinner and "Waiting on <database>"; one with data shows an ECharts
    canvas, table cells or a big number under its title."""
    from selenium.webdriver.common.by import By

    text = holder.text
    errors = holder.find_elements(By.CSS_SELECTOR, ERROR_SELECTOR)
    if errors or "Unexpected error" in text:
        return f"error: {(errors[0].text if errors else text)[:300]}"
    if "No results were returned" in text:
        return "empty"  # the query ran and found no rows
    if "Waiting on" in text or holder.find_elements(By.CSS_SELECTOR, LOADING_SELECTOR):
        return "loading"
    if holder.find_elements(By.CSS_SELECTOR, "canvas, tbody tr td"):
        return "data"
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 2 and any(ch.isdigit() for ch in lines[-1]):  # a big number under its title
        return "data"
    return "loading"


def dataset_rows(built_demo: Path) -> dict[str, int]:
    """Rows of each dataset in the demo's serving store: a chart of an empty one (the demo
    simulates no contact engine, so no offer responses: offer_attribution is empty) must
    show Superset's no-results state, the others data."""
    spec = importlib.util.spec_from_file_location("hub_superset_dashboards_rows", ROOT / "superset" / "dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with sqlite3.connect(built_demo / "serving.db") as con:
        return {name: con.execute(f"select count(*) from ({sql or f'select * from {name}'})").fetchone()[0]
                for name, (sql, *_rest) in module.DATASETS.items()}


@pytest.mark.parametrize("slug", list(dashboards_spec()))
def test_every_chart_renders_with_data(browser, superset: str, slug: str, tmp_path: Path, built_demo: Path) -> None:
    from selenium.webdriver.common.by import By

    title, rows = dashboards_spec()[slug]
    expected = {chart["title"] for row in rows for chart in row}
    counts = dataset_rows(built_demo)
    wanted = {chart["title"]: "data" if counts[chart["dataset"]] else "empty" for row in rows for chart in row}
    browser.get(f"{superset}/superset/dashboard/{slug}/")

    def settled():
        holders = browser.find_elements(By.CSS_SELECTOR, "[data-test-chart-name]")
        if len(holders) < len(expected):
            return None
        states = {h.get_attribute("data-test-chart-name"): chart_state(h) for h in holders}
        return states if all(state != "loading" for state in states.values()) else None

    try:
        states = wait_for(settled, CHART_TIMEOUT_SECONDS, f"the charts of {title!r}")
    finally:
        screenshot = tmp_path / f"{slug}.png"
        browser.save_screenshot(str(screenshot))
        print(f"screenshot of {title!r}: {screenshot}")
    assert set(states) == expected
    assert states == wanted, states
