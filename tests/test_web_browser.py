"""The dashboard in Debian's Chromium (Playwright): search, dyad page, charts, year range, downloads,
compare, permalinks, keyboard navigation; no console error on any page; a screenshot of each."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from helpers import launch_chromium

pytestmark = pytest.mark.browser
PAGES = ["/", "/dyad/CHN/RUS", "/state/CHN", "/compare", "/claims", "/sources", "/api"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``dyadwatch serve``'s app on a free loopback port (embedded pack), stopped after the module."""
    yield from _serve(None)  # the default location, empty in tests: the embedded pack


@pytest.fixture(scope="module")
def wh_server(full_wh_path):
    """The same over the full warehouse (read-only), for the families only a warehouse holds."""
    yield from _serve(full_wh_path, start_timeout=600)  # start-up warms verdicts over the whole warehouse


def _serve(db, start_timeout: float = 60):
    import uvicorn

    from dyadwatch.web.app import create_app

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    app = create_app(db)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + start_timeout
    while not srv.started:
        assert time.monotonic() < deadline and th.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page that records console errors, uncaught exceptions and failed requests."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    # Content-Security-Policy violations (an eval, an inline style or script) are problems too.
    pg.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    pg.problems = []
    pg.on(
        "console",
        lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"request failed: {r.url}"))
    yield pg
    ctx.close()


def shots_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("DYADWATCH_SCREENSHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


def charts_drawn(pg, lazy_timeout: int = 60_000) -> int:
    """Wait until every lazy section has loaded and every chart has rendered; return how many have SVG marks."""
    pg.wait_for_function("() => !document.querySelector('section[data-lazy]')", timeout=lazy_timeout)
    pg.wait_for_function(
        "() => [...document.querySelectorAll('.vega[data-spec]')].every(e => e.dataset.rendered)", timeout=60_000
    )
    assert pg.locator(".vega[data-rendered=error]").count() == 0, pg.locator(".vega").all_inner_texts()
    return pg.locator(".vega svg path, .vega svg rect, .vega canvas").count() and pg.locator(".vega svg").count()


def test_search_choose_two_states_and_land_on_the_dyad_page(server, page):
    page.goto(server + "/")
    page.locator("#q-a").press_sequentially("Chin", delay=40)
    page.locator("#list-a [role=option]", has_text="China").first.click()
    assert page.locator("#q-a").input_value() == "China"
    page.locator("#q-b").press_sequentially("Russ", delay=40)
    page.locator("#list-b [role=option]", has_text="Russia").first.click()
    page.get_by_role("button", name="Show the dyad").click()
    page.wait_for_url("**/dyad/CHN/RUS")
    assert page.locator("h1").inner_text() == "China and Russia"
    assert charts_drawn(page) >= 5
    marks = page.locator("#chart-votes svg path").count()
    assert marks > 3  # a line and its points, not an empty frame
    assert page.locator(".verdict strong").inner_text().lower() == "alignment"
    page.goto(server + "/")  # the dyad is now among the recent ones (kept in this browser)
    assert page.locator("#recent a").first.inner_text() == "China and Russia"
    assert page.locator("#recent a").first.get_attribute("href") == "/dyad/CHN/RUS"
    assert not page.problems, page.problems


def test_year_range_download_csv_and_png_permalink(server, page, tmp_path):
    page.goto(server + "/dyad/CHN/RUS")
    charts_drawn(page)
    page.fill("input[name=from]", "2000")
    page.fill("input[name=to]", "2010")
    page.select_option("select[name=measure]", "kappa")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url("**/dyad/CHN/RUS?from=2000&to=2010&measure=kappa")  # empty fields stay out of the URL
    charts_drawn(page)
    permalink = page.url
    assert page.locator("a.permalink").get_attribute("href") == "/dyad/CHN/RUS?from=2000&to=2010&measure=kappa"
    years = page.locator("#votes table tbody tr td:first-child").all_inner_texts()
    assert years[0] == "2000" and years[-1] == "2010" and len(years) == 11
    with page.expect_download() as dl:
        page.locator("#votes a.dl", has_text="CSV").click()
    csv = Path(dl.value.path()).read_text("utf-8").splitlines()
    assert (
        csv[0] == "a,b,a_cow,b_cow,year,n,kappa"
        and csv[1].startswith("CHN,RUS,710,365,2000,")
        and csv[-1].startswith("CHN,RUS,710,365,2010,")
        and len(csv) == 12
    )
    with page.expect_download() as dl:
        page.locator("#votes button.dl-img", has_text="PNG").click()
    assert dl.value.suggested_filename == "votes.png"
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as dl:
        page.locator("#alliances button.dl-img", has_text="SVG").click()
    assert Path(dl.value.path()).read_text("utf-8").lstrip().startswith("<svg")
    # The permalink, opened afresh, shows the same view.
    page.goto("about:blank")
    page.goto(permalink)
    charts_drawn(page)
    assert page.locator("select[name=measure]").input_value() == "kappa"
    assert page.locator("#votes table tbody tr td:first-child").all_inner_texts() == years
    assert not page.problems, page.problems


def test_compare_page_draws_every_dyad(server, page):
    page.goto(server + "/compare?dyad=CHN-RUS&dyad=USA-GBR&dyad=IND-PAK&indicator=agreement&from=1990")
    charts_drawn(page)
    legend = page.locator("#chart-compare svg .role-legend-label text").all_text_contents()
    assert sorted(legend) == ["CHN–RUS", "IND–PAK", "USA–GBR"]
    page.select_option("select[name=indicator]", "ideal_distance")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**indicator=ideal_distance*")
    charts_drawn(page)
    assert "ideal_distance" in page.locator("#chart-compare").text_content()
    assert not page.problems, page.problems


def test_keyboard_reaches_the_controls(server, page):
    page.goto(server + "/")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert "q-a" in seen and "q-b" in seen and "Show the dyad" in seen
    page.focus("#q-a")
    page.keyboard.type("Kazak", delay=40)
    page.wait_for_selector("#list-a [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#q-a").input_value() == "Kazakhstan"
    page.goto(server + "/dyad/CHN/RUS")
    charts_drawn(page)
    names = []
    for _ in range(25):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.name || document.activeElement.textContent.trim()"))
    assert {"from", "to", "measure", "Update"} <= set(names)
    assert not page.problems, page.problems


def test_every_page_without_console_errors_and_screenshots(server, page, tmp_path):
    out = shots_dir(tmp_path)
    for i, path in enumerate(PAGES):
        page.goto(server + path)
        charts_drawn(page)
        name = out / f"page-{i}-{path.strip('/').replace('/', '-') or 'home'}.png"
        page.screenshot(path=str(name), full_page=True)
        assert name.stat().st_size > 10_000
    assert not page.problems, page.problems
    try:  # the CSP is enforced: an injected inline script does not run, and the violation is seen
        page.add_script_tag(content="window.injected = 1")
    except Exception:
        pass
    assert page.evaluate("typeof window.injected") == "undefined"
    assert any("CSP violation: script-src" in p for p in page.problems)
    page.problems.clear()
    page.goto(server + "/dyad/Chna/RUS")  # the 404 page: its own status is the only failure
    assert "China (CHN)" in page.locator(".matches").inner_text()
    assert all("404" in p for p in page.problems), page.problems


NEW_SECTIONS = ("currency", "central_asia", "events", "arms", "words", "speeches")


def _section_marks(pg, anchor: str) -> int:
    return pg.locator(f"#chart-{anchor} svg path, #chart-{anchor} svg rect, #chart-{anchor} svg symbol").count()


def test_new_sections_on_the_pack_draw_or_say_how_to_ingest(server, page, tmp_path):
    page.goto(server + "/dyad/CHN/RUS")
    charts_drawn(page)
    for anchor in ("currency", "central_asia", "words", "speeches", "scorecard"):
        assert page.locator(f"#{anchor}").count() == 1, anchor
    for anchor in ("currency", "central_asia", "words", "speeches"):
        assert _section_marks(page, anchor) > 10, anchor  # lines and points, not an empty frame
        assert page.locator(f"#{anchor} table tbody tr").count() > 0, anchor
        assert page.locator(f"#{anchor} a.dl", has_text="CSV").count() == 1, anchor
    assert page.locator("#scorecard table tbody tr").count() > 3
    # Events and arms need the publishers' files (test-only licences): the "no data" box with the command.
    assert "dyadwatch ingest gdelt" in page.locator("#events .nodata-box").inner_text()
    assert "dyadwatch ingest sipri" in page.locator("#arms .nodata-box").inner_text()
    assert page.locator("#events .vega, #arms .vega").count() == 0
    legend = page.locator("#chart-central_asia svg .role-legend-label text").all_text_contents()
    assert sorted(legend) == ["CHN", "RUS"]
    with page.expect_download() as dl:
        page.locator("#speeches a.dl", has_text="CSV").click()
    csv = Path(dl.value.path()).read_text("utf-8").splitlines()
    assert csv[0].startswith("a,b,a_cow,b_cow,year,similarity") and len(csv) > 50
    page.screenshot(path=str(shots_dir(tmp_path) / "dyad-new-sections-pack.png"), full_page=True)
    assert not page.problems, page.problems


def test_new_sections_on_a_full_warehouse(wh_server, page, tmp_path):
    page.goto(wh_server + "/dyad/CHN/RUS")
    charts_drawn(page, lazy_timeout=240_000)  # speech similarity over every speech of the corpus: seconds
    for anchor in NEW_SECTIONS:
        assert _section_marks(page, anchor) > 3, anchor
        assert page.locator(f"#{anchor} table tbody tr").count() > 0, anchor
    assert "basis: warehouse" in page.locator("#arms .cite-line").inner_text()
    arms = page.locator("#chart-arms svg .role-legend-label text").all_text_contents()
    assert sorted(arms) == ["China → Russia", "Russia → China"]
    page.screenshot(path=str(shots_dir(tmp_path) / "dyad-new-sections-warehouse.png"), full_page=True)
    assert not page.problems, page.problems
