"""The report: self-contained, works from the embedded pack, and renders in a real browser."""

import re
from pathlib import Path

import pytest

from dyadwatch.report import build_report
from helpers import launch_chromium, run_cli


@pytest.fixture(scope="module")
def pack_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:  # a fresh machine: no warehouse at the default location
        mp.delenv("DYADWATCH_DB", raising=False)
        mp.setenv("XDG_DATA_HOME", str(out / "xdg"))
        return build_report("CHN", "RUS", out)


@pytest.mark.slow
def test_report_from_embedded_pack(pack_report):
    html = pack_report.read_text("utf-8")
    assert "<h1>China and Russia</h1>" in html
    for title in ("Voting together at the UN General Assembly", "Alliance obligations", "Sources"):
        assert title in html
    assert "embedded pack" in html
    assert html.count("<svg") >= 2
    # Self-contained: nothing is loaded from elsewhere.
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html)
    assert "Voeten" in html and "Leeds" in html  # sources cited


@pytest.mark.slow
def test_report_cli_prints_path(capsys, tmp_path, fresh_machine):
    code, out, err = run_cli(capsys, "report", "China", "Russia", "--out", tmp_path)
    assert code == 0, err
    path = Path(out.strip().splitlines()[-1])
    assert path.exists() and path.name == "dyadwatch-CHN-RUS.html"


@pytest.mark.slow
@pytest.mark.browser
def test_report_renders_in_chromium(pack_report, tmp_path):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.goto(pack_report.as_uri())
        assert page.title() == "dyadwatch: China and Russia"
        assert page.locator("section").count() >= 3
        box = page.locator("figure.chart svg").first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150
        page.click("nav >> text=Sources")
        assert page.locator("#sources").is_visible()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert not errors
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.slow
def test_every_section_links_its_data_to_the_sources_section(pack_report):
    html = pack_report.read_text("utf-8")
    targets = set(re.findall(r'id="src-([a-z_]+)"', html))
    for section in re.findall(r'<section id="([^"]+)"><h2>.*?</section>', html, flags=re.S):
        if section == "sources":
            continue
        body = html.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
        for name in re.findall(r'class="note cite-line">Data: (.*?)</p>', body):
            assert set(re.findall(r'href="#src-([a-z_]+)"', name)) <= targets
    cited = set(re.findall(r'class="note cite-line">Data: .*?</p>', html))
    assert len(cited) >= 5
