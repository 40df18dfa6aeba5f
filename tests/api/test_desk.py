"""The reference agent desk page (/desk, issue 21): served by the API with no CDN, opened in
Debian's Chromium with an agent key, it shows the screen-pop card; a screenshot is kept in
var/screenshots/agent_desk.png (generated, so under the ignored var/, not in git)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api.conftest import serving
from tests.browser import chromium, requested_urls, wait_for

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_desk_page_and_files_are_served_with_a_strict_policy(published):
    with serving(published) as url:
        page = httpx.get(f"{url}/desk?ani=13800138000")
        assert page.status_code == 200 and "/desk/static/desk.js" in page.text
        assert "connect-src 'self'" in page.headers["content-security-policy"]
        assert httpx.get(f"{url}/desk/static/desk.js").headers["content-type"].startswith("text/javascript")
        missing = httpx.get(f"{url}/desk/static/../app.py")
        assert missing.status_code == 404


@pytest.mark.slow
def test_desk_shows_the_screen_pop_card_for_a_caller_in_chromium(published, keys):
    from selenium.webdriver.common.by import By

    with serving(published) as url, chromium(window_size="1400,1100", network_log=True) as driver:
        driver.get(f"{url}/desk?ani=13800138000")
        assert not driver.find_element(By.ID, "card").is_displayed()  # no key yet: no card
        key_field = driver.find_element(By.ID, "key")
        key_field.send_keys(keys["agent"])
        driver.find_element(By.CSS_SELECTOR, "#key-form button").click()
        wait_for(lambda: driver.find_element(By.ID, "card").is_displayed(), 30, "the screen-pop card")
        text = driver.find_element(By.ID, "card").text
        # identity (masked phone for an agent), the DPF fault, the field alert, the suggestions
        # ranked with their reasons, the service history and the next best offer
        assert "CU1" in driver.find_element(By.ID, "identity").text
        assert "138****8000" in text and "13800138000" not in text
        vehicles = driver.find_element(By.ID, "vehicles").text
        assert "fault 3251-0" in vehicles and "field alert (high)" in vehicles
        suggestions = driver.find_elements(By.CSS_SELECTOR, "#suggestion-list > li")
        assert suggestions[0].text.startswith("Article KB0001: DPF 压差过高")
        assert "fault code 3251-0 is active" in suggestions[0].text
        assert "W2" in driver.find_element(By.ID, "history").text
        # the key is in sessionStorage, never in the URL; nothing is loaded from elsewhere
        assert keys["agent"] not in driver.current_url
        assert driver.execute_script("return sessionStorage.getItem('cs-hub-desk-key')") == keys["agent"]
        urls = requested_urls(driver)
        assert urls and all(u.startswith(url) or u.startswith("data:") for u in urls), urls
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / "agent_desk.png"))
        print(f"screenshot of the desk: {SCREENSHOTS / 'agent_desk.png'}")
