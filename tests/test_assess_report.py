"""The report's verdict (first), political systems and claims sections, from the embedded pack."""

from __future__ import annotations

import re

import pytest

from dyadwatch import countries
from dyadwatch.report.base import ReportContext
from dyadwatch.report.sections import claims as claims_section
from dyadwatch.report.sections import regimes as regimes_section
from dyadwatch.report.sections import verdict as verdict_section
from helpers import launch_chromium


@pytest.fixture(autouse=True)
def _fresh_machine(monkeypatch, tmp_path):
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the default location, empty


def _ctx(a="CHN", b="RUS"):
    return ReportContext(countries.resolve(a), countries.resolve(b), None, None, None)


def test_verdict_section_opens_the_report():
    assert verdict_section.ORDER < min(m.ORDER for m in _others())
    sec = verdict_section.render(_ctx())
    assert "China and Russia, 2019: alignment" in sec.html
    assert len(re.findall(r"<li><strong>", sec.html.split("</ol>")[0])) == 3  # three strongest lines
    assert "consultation" in sec.html and "percentile" in sec.html
    for dyad in ("USA–GBR", "CHN–PRK", "USA–CHN"):
        assert dyad in sec.html
    assert "Concord and tension" in sec.html and "political systems" in sec.html
    assert {"atop", "unvotes", "democracy"} <= set(sec.sources)
    assert 'href="#src-atop"' in sec.html  # figures link to the sources section


def _others():
    import importlib
    import pkgutil

    from dyadwatch.report import sections

    for i in pkgutil.iter_modules(sections.__path__):
        if i.name != "verdict":
            yield importlib.import_module(f"{sections.__name__}.{i.name}")


def test_regimes_section_both_autocracies_but_different():
    sec = regimes_section.render(_ctx())
    assert "Neither is a democracy" in sec.html
    assert re.search(r"China's electoral democracy at 0\.\d\d", sec.html)
    assert "autocracy" in sec.html and "anocracy" in sec.html  # Polity: China −7, Russia +4
    assert "USA–GBR" in sec.html and "<svg" in sec.html
    assert sec.sources == ["democracy"]


def test_claims_section_is_filterable_and_offline():
    from dyadwatch.claims import engine

    sec = claims_section.render(_ctx())
    n = len(engine.check().outcomes)
    assert sec.html.count("<tr data-status=") == n
    assert 'id="claims-filter"' in sec.html and "<script>" in sec.html
    assert "src=" not in sec.html.split("<script>")[1]  # inline JS, nothing loaded from a CDN
    assert "http" not in sec.html.split("<script>")[1]
    assert 'data-basis="published fact"' in sec.html or "published fact" in sec.html
    assert claims_section.render(_ctx("USA", "GBR")) is None  # the packaged claims are about CHN–RUS


@pytest.mark.slow
@pytest.mark.browser
def test_claims_filter_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    from dyadwatch.report import build_report

    path = build_report("CHN", "RUS", tmp_path)  # the autouse fixture: no warehouse at the default location
    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            page = b.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            rows = page.locator("#claims-table tbody tr:visible")
            assert rows.count() == 0  # folded away at first
            page.click("#claims-details > summary")
            by_default = rows.count()  # contradicted and supported only
            page.select_option("#claims-filter select[name=status]", "")
            total = rows.count()
            assert 0 < by_default < total
            page.select_option("#claims-filter select[name=status]", "supported")
            supported = rows.count()
            assert 0 < supported < total
            assert page.locator("#claims-table tbody tr:visible[data-status='not checkable']").count() == 0
            page.fill("#claims-filter input[name=q]", "alliance-1950")
            assert rows.count() == 1
            assert not errors
        finally:
            b.close()
