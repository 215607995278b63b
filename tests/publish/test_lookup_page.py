"""The lookup page in headless Chromium, opened from a file: URL as a centre would open it."""

from __future__ import annotations

import re
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.conftest import ROOT

# Ignored by git: a test run leaves the tracked pictures the README shows as they are.
SCREENSHOTS = ROOT / "tests" / ".screenshots"


def browser():
    """Headless Chromium through its chromedriver; the caller quits it."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, "chromium and chromium-driver are installed by `make` (apt-get)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1400"):
        options.add_argument(arg)
    session = webdriver.Chrome(service=Service(driver_path), options=options)
    session.implicitly_wait(2)
    return session


@pytest.fixture(scope="module")
def page(published):
    """One browser session on the published page, shared by the tests of this module."""
    session = browser()
    session.get((published / "mappings" / "index.html").as_uri())
    SCREENSHOTS.mkdir(exist_ok=True)
    yield session
    session.quit()


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
    title = detail.find_element(By.ID, "unit-title").text
    assert title.startswith("cg-legacy:207 Deal with customers in writing or using ICT (level 2)")
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
    assert page.find_element(By.ID, "credit-total").text == "Credits: 14 credited, 0 pending; 42 needed"
    credited = page.find_elements(By.CSS_SELECTOR, "#credited tr")
    assert [r.text.split()[0] for r in credited] == ["cg-4430:4430-303", "cg-4430:4430-304"]
    rules = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")[4].text
             for r in page.find_elements(By.CSS_SELECTOR, "#rules tbody tr")}
    assert rules["Impression and Image"] == "met" and rules["Overall"] == "not met" and rules["Mandatory"] == "not met"
    # the view is a link to share, and the link opens the same view
    link = page.find_element(By.ID, "rpl-link").get_attribute("href")
    assert link.endswith("#rpl=cg-4430-03&held=cg-legacy%3A207,cg-legacy%3A303")
    _ = page.find_element(By.ID, "rpl").location_once_scrolled_into_view  # reading the property scrolls to it
    page.save_screenshot(str(SCREENSHOTS / "rpl-credits.png"))


@pytest.mark.parametrize("needle", ["303", "207", "A13", "cg-legacy:303", "4430-303", "complaints",
                                    "customer service", "  Deal   with  ", "zz-nonsense-99"])
def test_the_page_search_follows_the_lookup_rule(page, published, needle):
    from pipeline.answers import query
    from pipeline.runner import Paths

    with query.connect(Paths(published)) as con:
        expected = query.find_units(con, needle)
    assert page.execute_script("return findUnits(arguments[0]).map(u => u.unit_key)", needle) == expected


def test_a_unit_link_opens_that_unit(page, published):
    page.get((published / "mappings" / "index.html").as_uri() + "#unit=cg-legacy:207")
    assert page.find_element(By.ID, "unit-title").text.startswith("cg-legacy:207 Deal with customers in writing")


def _core(answer: dict) -> dict:
    """What the CLI and the page must agree on, field for field."""
    return {
        "units": [(u["unit_key"], u["state"], u["credits"], u["criteria_covered"], u["criteria_total"],
                   [c["criterion_no"] for c in u["still_to_show"]], u["reason"],
                   [(e["unit_key"], e["relation"], e["method"], e["status"]) for e in u["evidence"]])
                  for u in answer["units"]],
        "rules": [(r["kind"], r["group"], r["level"], r["min_credits"], r["max_credits"], r["min_units"],
                   r["max_units"], r["text"], r["evaluated"], r["credited"], r["with_pending"], r["met"],
                   r["met_with_pending"], r["candidates"]) for r in answer["rules"]],
        **{k: answer[k] for k in ("withdrawn", "unmapped", "editions", "credits", "pending", "complete",
                                  "complete_with_pending")},
    }


def test_the_page_and_the_cli_give_identical_rpl_answers(page, published):
    """50 random sets of held units, each through `handbooks rpl --json` and through the page's own RPL view."""
    import json
    import random

    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from pipeline.cli import cli

    unit_map = pq.read_table(published / "mappings" / "unit_map.parquet").to_pylist()
    old = sorted({r["from_key"] for r in unit_map})
    memberships = pq.read_table(published / "extracted" / "unit_memberships.parquet").to_pylist()
    old_schemes = {r["from_scheme"] for r in unit_map}
    targets = sorted({m["qualification_id"] for m in memberships if m["unit_key"].split(":")[0] not in old_schemes})
    rng = random.Random(18)
    base = (published / "mappings" / "index.html").as_uri()
    compared, seen = 0, set()
    for _ in range(50):
        held = sorted(rng.sample(old, rng.randint(1, 8)))
        target = rng.choice(targets)
        out = CliRunner().invoke(cli, ["--root", str(published), "-q", "rpl", "--held", ",".join(held),
                                       "--target", target, "--json"])
        assert out.exit_code == 0, out.output
        page.get(f"{base}#rpl={target}&held={','.join(held)}")
        shown = page.execute_script("return window.rplAnswer")
        assert shown["target"] == target and shown["held"] == held
        assert _core(shown) == _core(json.loads(out.output)), (target, held)
        compared += 1
        seen |= {u["state"] for u in shown["units"]} | {"rule met" for r in shown["rules"] if r["met"]}
    assert compared == 50
    # the sets reach every state a unit can be in, and some rules are met
    assert seen == {"credited", "gap", "unverified", "open", "rule met"}


def test_the_print_view_is_a_record_to_file(page, published):
    page.get((published / "mappings" / "index.html").as_uri() + "#rpl=cg-4430-03&held=cg-legacy:207,cg-legacy:301")
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not page.find_element(By.ID, "held").is_displayed()
        assert not page.find_element(By.TAG_NAME, "nav").is_displayed()
        record = page.find_element(By.ID, "record").text
        assert re.fullmatch(r"Date: \d{4}-\d{2}-\d{2}\. Published data: [0-9a-f]{12}\. Editions used: "
                            r"cg-4430-03-handbook \(2010-01-01\), cg-nsvq-l3-standards \(undated\)\.", record)
        rows = {r.text.split()[0]: r.text for r in page.find_elements(By.CSS_SELECTOR, "#credited tr")}
        assert "cg-legacy:207 (equivalent, criteria, auto)" in rows["cg-4430:4430-303"]
        assert "gap (19/25 criteria)" in rows["cg-4430:4430-301"]
        assert page.find_element(By.ID, "rules").is_displayed()
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_the_page_and_rpl_take_the_engine_from_the_one_file(published, monkeypatch):
    """The page inlines pipeline/core/rpl_engine.js as it is, and `rpl` runs that file's text: no second copy beside it."""
    import ast

    from pipeline.answers import query
    from pipeline.core import rpl_engine
    from pipeline.runner import Paths

    source = rpl_engine.source()
    html = (published / "mappings" / "index.html").read_text(encoding="utf-8")
    inlined, rest = html.split('<script id="rpl-engine">\n', 1)[1].split("\n</script>", 1)
    assert inlined == source
    # The engine's functions are declared in the engine alone: not again in the page's script, nor in Python.
    declared = set(re.findall(r"\bfunction (\w+)\s*\(", source))
    assert {"rplEngine", "inScope", "targetUnit", "distinctRules", "checkRule"} <= declared
    assert [n for n in declared if re.search(rf"\bfunction {n}\b|\b{n}\s*=[^=]", rest)] == []
    snake = {re.sub(r"[A-Z]", lambda m: "_" + m[0].lower(), n) for n in declared}
    python = {node.name for path in (ROOT / "pipeline").rglob("*.py")
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.FunctionDef)}
    assert snake & python == set()
    # `rpl` answers with whatever the file says: an engine that counts every credit twice doubles its answer.
    before = query.rpl(Paths(published), ["207"], "4430-03")
    doubled = (source + "\nconst onceOnly = rplEngine;\n"
               "rplEngine = input => ({...onceOnly(input), credits: 2 * onceOnly(input).credits});\n")
    monkeypatch.setattr(rpl_engine, "source", lambda: doubled)
    assert query.rpl(Paths(published), ["207"], "4430-03").credits == 2 * before.credits == 12
