"""Debian's headless Chromium driven by Selenium, for the tests that open a page as a person
would (the Superset dashboards, GraphiQL). Never a downloaded browser: Selenium Manager is
bypassed by naming Debian's binary and driver."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@contextmanager
def chromium(window_size: str = "1600,2400", network_log: bool = False) -> Iterator:
    """A headless Chromium WebDriver; with network_log, every request the page makes is kept
    in the performance log (read it with requested_urls)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for needed in (CHROMIUM, CHROMEDRIVER):
        assert needed.exists(), f"{needed} is missing: run `make install-system` (make test does)"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window_size}"):
        options.add_argument(argument)
    if network_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (Chrome DevTools Network events)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")
