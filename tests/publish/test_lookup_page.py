"""The lookup page in headless Chromium, opened from a file: URL as a centre would open it."""

from __future__ import annotations

import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.conftest import ROOT

# Ignored by git: a test run leaves the tracked pictures the README shows as they are.
SCREENSHOTS = ROOT / "tests" / ".screenshots"


@pytest.fixture(scope="module")
def page(published):
    """One browser session on the published page, shared by the tests of this module."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, "chromium and chromium-driver are installed by `make` (apt-get)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1400"):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    browser.implicitly_wait(2)
    browser.get((published / "mappings" / "index.html").as_uri())
    SCREENSHOTS.mkdir(exist_ok=True)
    yield browser
    browser.quit()


def search(browser, text: str) -> None:
    box = browser.find_element(By.ID, "search")
    box.clear()
    box.send_keys(text)


def test_the_page_works_from_file_without_network(page, published):
    html = (published / "mappings" / "index.html").read_text(encoding="utf-8")
    assert "http://" not in html.split('<script id="data"')[0] and "https://" not in html.split('<script id="data"')[0]
    assert page.find_element(By.CSS_SELECTOR, "label[for=search]").text
    assert page.find_element(By.CSS_SELECTOR, "label[for=target]").text


def test_a_legacy_code_shows_its_successor_and_the_criteria_side_by_side(page):
    search(page, "cg-legacy:207")
    detail = page.find_element(By.ID, "unit")
    assert detail.find_element(By.ID, "unit-title").text.startswith("cg-legacy:207 Deal with customers in writing or using ICT (level 2)")
    mapping = detail.find_element(By.CLASS_NAME, "mapping").text
    assert "cg-4430:4430-303 Deal with customers in writing or electronically" in mapping
    assert "equivalent, confidence" in mapping and "25/25 criteria" in mapping
    assert "A13" in detail.text  # the family, across schemes
    rows = detail.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert len(rows) == 25 and all(r.text.endswith("covered") for r in rows)
    page.save_screenshot(str(SCREENSHOTS / "lookup-legacy-207.png"))


def test_a_bare_code_in_two_schemes_lists_both(page):
    search(page, "303")
    results = page.find_element(By.ID, "results").text
    assert "303 names units in 2 schemes:" in results
    assert "cg-legacy:303" in results and "cg-4430:4430-303" in results
    button = page.find_element(By.CSS_SELECTOR, "button[data-key='cg-legacy:303']")
    button.send_keys("\n")  # keyboard use: Enter on the focused result
    assert "cg-4430:4430-304" in page.find_element(By.ID, "unit").text


def test_a_nonsense_code_finds_no_unit(page):
    search(page, "zz-nonsense-99")
    assert page.find_element(By.ID, "no-unit").text == "no unit found for “zz-nonsense-99”"


def test_ticking_held_units_gives_the_credit_total(page):
    Select(page.find_element(By.ID, "target")).select_by_value("cg-4430-03")
    for key in ("cg-legacy:207", "cg-legacy:303"):
        page.find_element(By.CSS_SELECTOR, f"input[name=held][value='{key}']").click()
    # the handbook's structure table: 4430-303 is 6 credits, 4430-304 is 8; the qualification needs 42
    assert page.find_element(By.ID, "credit-total").text == "Credits: 14 of 42 needed"
    credited = page.find_elements(By.CSS_SELECTOR, "#credited tr")
    assert [r.text.split()[0] for r in credited] == ["cg-4430:4430-303", "cg-4430:4430-304"]
    rules = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")[3].text
             for r in page.find_elements(By.CSS_SELECTOR, "#rules tbody tr")}
    assert rules["Impression and Image"] == "met" and rules["Overall"] == "not met" and rules["Mandatory"] == "not met"
    page.find_element(By.ID, "rpl").location_once_scrolled_into_view
    page.save_screenshot(str(SCREENSHOTS / "rpl-credits.png"))
