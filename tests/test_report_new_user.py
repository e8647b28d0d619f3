"""Issue 14's report items (5, 13–17) and the report's HTML from Jinja2 templates (issue 9, item 6).

Sections are rendered directly from the embedded pack (a fresh machine) or from small warehouses of the real shared
files; the page-level items build whole reports and one test looks at the page in Debian's Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import countries
from dyadwatch.report import build_report
from dyadwatch.report.base import ARTICLE_TITLE, ReportContext, table_html
from dyadwatch.report.gaps import runs, with_gaps
from helpers import launch_chromium, run_cli


def _ctx(a: str, b: str, wh=None) -> ReportContext:
    return ReportContext(countries.resolve(a), countries.resolve(b), None, None, wh)


@pytest.fixture(autouse=True)
def _fresh_machine(monkeypatch, tmp_path):
    monkeypatch.delenv("DYADWATCH_DB", raising=False)  # the default location: empty in tests (the pack)


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory, shared):
    """Ideal points, CAMEO, two GDELT months, China's crude and gas imports (the shared files; seconds to ingest)."""
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    path = tmp_path_factory.mktemp("wh") / "small.duckdb"
    with Warehouse(path) as wh:
        wh.ingest(sources.get("idealpoints"), [shared / "unga/IdealpointsJuly2025.dta"])
        wh.ingest(sources.get("china_crude"), [shared / "energy/china_crude_imports_by_origin_monthly_2020_2023.csv"])
        wh.ingest(sources.get("china_gas"), [shared / "energy/china_pipeline_gas_imports_monthly_2020_2024.csv"])
        wh.ingest(
            sources.get("cameo"), [shared / "events/cameo_eventcodes.txt", shared / "events/cameo_goldsteinscale.txt"]
        )
        wh.ingest(
            sources.get("gdelt"),
            [shared / "events/gdelt1_georgia_2012-08.csv", shared / "events/gdelt1_georgia_2012-12.csv"],
        )
    from dyadwatch.api import as_store

    store = as_store(Warehouse(path, read_only=True))  # the warehouse before the embedded pack, as reports see it
    yield store
    store.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, tuple[str, list[str]]]:
    """Fresh-machine reports (embedded pack only) of the dyads the issue names: html and the lines sent to warn."""
    out = tmp_path_factory.mktemp("reports")
    got = {}
    for a, b in (("CHN", "RUS"), ("USA", "GBR"), ("KAZ", "RUS"), ("NGA", "ZAF")):
        lines: list[str] = []
        path = build_report(a, b, out, warn=lines.append)
        got[f"{a}-{b}"] = (path.read_text("utf-8"), lines)
    return got


# ---------------------------------------------------------------- item 5: lines never drawn across missing years


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(1946, 2024), min_size=1, max_size=40), st.sampled_from(["ZAF", "USA"]))
def test_with_gaps_never_joins_across_a_missing_year(years, state):
    df = pd.DataFrame({"state": state, "year": sorted(years), "value": [float(y) for y in sorted(years)]})
    out = with_gaps(df, "year", ["state"])
    assert out.year.tolist() == list(range(min(years), max(years) + 1))  # every year, once, in order
    assert out.dropna(subset=["value"]).year.tolist() == sorted(years)  # data kept as it was
    for first, last in runs(out, "year", "value"):  # each drawn stretch covers years that all have data
        assert set(range(first, last + 1)) <= years


def test_south_africa_ideal_points_break_across_its_exclusion(small_wh):
    from dyadwatch import api
    from dyadwatch.report.sections import votes

    df = api.idealpoints(states=["ZAF", "NGA", "USA"], wh=small_wh).data
    data = votes.idealpoints_data(df, {"ZAF": "South Africa", "NGA": "Nigeria", "USA": "United States"})
    zaf = data[data.state == "South Africa"]
    stretches = runs(zaf, "year", "ideal_point")
    assert (1965, 1974) in stretches and any(s[0] == 1994 for s in stretches)  # 1974 and 1994 not joined
    assert zaf[zaf.year.between(1975, 1993)].ideal_point.isna().all()


def test_currency_months_eleven_apart_are_not_joined():
    from dyadwatch import api
    from dyadwatch.report.sections import currency

    ctx = _ctx("CHN", "RUS")
    f = api.currency(["CHN", "RUS"], wh=ctx.wh).data
    m = currency.monthly_data(f.assign(period=f.period.astype(str)))
    for metric, g in m.groupby("metric"):
        months = g.dropna(subset=["value"]).month
        for first, last in runs(g, "month", "value"):
            gap = (last.year - first.year) * 12 + last.month - first.month
            assert ((months >= first) & (months <= last)).sum() == gap + 1, metric  # no month skipped in a run


# ---------------------------------------------------------------- item 13: no China–Russia material elsewhere


def test_article_comparisons_only_in_the_china_russia_report(reports):
    chn_rus = reports["CHN-RUS"][0]
    assert "Power of Siberia" in chn_rus and ARTICLE_TITLE in chn_rus and 'id="central_asia"' in chn_rus
    for dyad in ("USA-GBR", "KAZ-RUS", "NGA-ZAF"):
        html = reports[dyad][0]
        for text in ("Power of Siberia", "Nord Stream", 'id="central_asia"', "cny share", "kz cn"):
            assert text not in html, (dyad, text)


def test_energy_section_from_a_warehouse_cites_the_article(small_wh):
    from dyadwatch.report.sections import energy

    ctx = _ctx("CHN", "RUS", small_wh)
    sec = energy.render(ctx)
    assert "<svg" in sec.html and "china_crude" in sec.sources and ARTICLE_TITLE in sec.html
    assert ctx.coverage["china_crude"] == ("2020-01", "2023-12")
    assert energy.render(_ctx("USA", "GBR", small_wh)) is None


def test_currency_facts_are_about_the_pair():
    from dyadwatch.report.sections import currency

    ctx = _ctx("KAZ", "RUS")
    assert currency.render(ctx) is None  # the Bank of Russia's yuan shares are not about Kazakhstan
    assert "cny share" in currency.render(_ctx("CHN", "RUS")).html


# ---------------------------------------------------------------- item 14: a dyad with no data says so once


def test_dyad_without_data_says_once_what_is_missing(reports):
    html, lines = reports["NGA-ZAF"]
    assert html.count('class="missing"') == 1 and "No data on Nigeria and South Africa" in html
    assert "<section" not in html  # no page of "no data" paragraphs
    assert html.count("Mongolia") == 0 and html.count("MNG") == 0  # the focus list is not repeated
    assert "ingest unvotes" in html and "ingest atop" in html and "ingest cow_trade" in html
    box = html.split('class="missing"')[1].split("</div>")[0]
    assert lines[0].startswith("No data on Nigeria and South Africa") and len(lines) == 1 + box.count("<li>")


def test_cli_report_without_data_writes_to_stderr(capsys, tmp_path):
    code, out, err = run_cli(capsys, "report", "NGA", "ZAF", "--out", tmp_path)
    assert code == 0
    assert "No data on Nigeria and South Africa" in err and "dyadwatch ingest unvotes" in err
    assert err.count("No data on") == 1 and "No data" not in out


# ---------------------------------------------------------------- item 15: coverage strip at the top


def test_coverage_strip_names_each_sources_first_and_last_year(reports):
    from dyadwatch import api

    html = reports["CHN-RUS"][0]
    top = html.split("<main>")[0]
    strip = re.search(r'<table class="coverage".*?</table>', top, flags=re.S).group(0)
    rows = dict(
        (m.group(1), (m.group(2), m.group(3)))
        for m in re.finditer(
            r'href="#src-(\w+)">.*?</a></td><td class="num">(\S+)</td><td class="num">(\S+)</td>', strip
        )
    )
    votes = api.votes("CHN", "RUS").data
    have = votes[votes.n > 0]
    assert rows["unvotes"] == (str(int(have.year.min())), str(int(have.year.max())))
    assert rows["cow_trade"][1] == "2014" and rows["atop"][1] == "2018"
    assert {"idealpoints", "democracy", "ungdc", "facts", "china_crude"} <= set(rows)
    for first, last in rows.values():  # years or months, never a publisher's label such as "2023Jan-Aug"
        assert re.fullmatch(r"\d{4}(-\d{2})?", first) and re.fullmatch(r"\d{4}(-\d{2})?", last), (first, last)
        assert first <= last


# ---------------------------------------------------------------- item 16: tables a reader can read


def test_table_labels_percentages_and_integers():
    df = pd.DataFrame({"year": [2019.0, None], "share_of_a_trade": [0.1234, None], "rank": [3.0, 1.0]})
    html = table_html(df, pct=("share_of_a_trade",), ints=("year", "rank"), labels={"share_of_a_trade": "share"})
    assert "<th>share</th>" in html and "12.3%" in html and ">2019<" in html and ">3<" in html
    assert "2019.0" not in html and "no data" in html
    assert table_html(pd.DataFrame({"x": ["<b>"]})).count("&lt;b&gt;") == 1  # autoescaped


def test_no_raw_column_names_and_money_with_currency(reports):
    html = reports["CHN-RUS"][0]
    headers = re.findall(r"<th>(.*?)</th>", html)
    for raw in ("share_of_a_trade", "share_of_b_trade", "basis_a", "rank_a_for_b", "rank_b_for_a", "capacity_bcm_y",
                "q1", "exports_a_to_b", "turnover_a"):  # fmt: skip
        assert raw not in headers, raw
    assert "CHN exports to RUS (bn USD)" in headers and "turnover (bn USD)" in headers
    economy = html.split('id="economy"')[1].split("</section>")[0]
    assert re.search(r'<td class="num">\d+\.\d%</td>', economy)  # shares as percentages
    assert re.search(r"\d+\.\d bn USD</td>", economy)  # published money with its currency
    verdict = html.split('id="verdict"')[1].split("</section>")[0]
    assert re.search(r"<td[^>]*>\d+ \(percentile among all pairs\)</td>", verdict)  # "UN votes 85" has its unit
    assert "Every figure is computed by dyadwatch" not in html


def test_concord_table_agrees_with_the_economy_section():
    from dyadwatch import api, assess

    ctx = _ctx("CHN", "RUS")
    row = assess.scorecard("CHN", "RUS", wh=ctx.wh).set_index("dimension").loc["trade dependence"]
    res = api.trade("CHN", "RUS", wh=ctx.wh)
    df, basis = res.data, res.basis
    last = df.dropna(subset=["share_of_a_trade", "share_of_b_trade"]).iloc[-1]
    assert basis == "pack" and row.direction != "no data"
    assert int(row.year) == int(last.period)
    assert float(row.latest) == pytest.approx(max(last.share_of_a_trade, last.share_of_b_trade), abs=5e-4)


def test_claims_table_folded_and_filtered_by_default(reports):
    html = reports["CHN-RUS"][0]
    claims = html.split('id="claims"')[1].split("</section>")[0]
    assert '<details id="claims-details">' in claims and '<details id="claims-details" open' not in claims
    assert '<option value="contradicted|supported" selected>' in claims


def test_css_never_breaks_inside_a_word():
    from importlib import resources

    css = resources.files("dyadwatch.report").joinpath("report.css").read_text("utf-8")
    assert "anywhere" not in css and "break-all" not in css


# ---------------------------------------------------------------- item 17: legend, event ticks, too few events


def test_ideal_points_chart_has_a_legend_of_named_states(small_wh):
    from dyadwatch import api
    from dyadwatch.report.sections import votes

    df = api.idealpoints(states=["CHN", "RUS", "USA"], wh=small_wh).data
    from dyadwatch.report.altair_spec import replay

    chart = votes.idealpoints_chart(df, {"CHN": "China", "RUS": "Russia", "USA": "United States"})
    spec = replay(chart).to_dict()  # sections record charts; replay gives the Altair chart they describe
    colors = [layer["encoding"]["color"] for layer in spec["layer"]]
    assert all(c.get("legend") is not None and c["field"] == "state" for c in colors)
    assert set(pd.DataFrame(spec["datasets"][next(iter(spec["datasets"]))]).state) == {
        "China",
        "Russia",
        "United States",
    }


def test_events_section_too_few_events(small_wh):
    from dyadwatch.report.sections import events

    sec = events.render(_ctx("CHN", "RUS", small_wh))  # one event in the two GDELT months
    assert "Too few events" in sec.html and "<svg" not in sec.html and "Change point" not in sec.html


def test_events_chart_monthly_ticks_with_years(small_wh):
    from dyadwatch.report.sections import events

    sec = events.render(_ctx("USA", "RUS", small_wh))  # 157 events, August and December 2012
    assert "<svg" in sec.html and "Too few events" not in sec.html
    assert "Aug 2012" in sec.html and "Oct 2012" in sec.html and "Dec 2012" in sec.html  # monthly ticks, with years
    assert "Change points are not sought" in sec.html  # two months are not a series
    axis = events.month_axis(pd.Series(pd.to_datetime(["2012-08-01", "2012-12-01"])))
    from dyadwatch.report.altair_spec import replay

    assert replay(axis).to_dict()["format"] == "%b %Y"


# ---------------------------------------------------------------- the page in a browser


@pytest.mark.browser
def test_report_tables_do_not_wrap_inside_tokens_in_chromium(reports, tmp_path):
    from playwright.sync_api import sync_playwright

    path = Path(tmp_path / "r.html")
    path.write_text(reports["CHN-RUS"][0], "utf-8")
    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            page = b.new_page(viewport={"width": 900, "height": 900})
            page.goto(path.as_uri())
            assert page.locator("#coverage").is_visible() and page.locator("#missing").is_visible()
            # A year, a code or a number cell is one line: never "201 / 9".
            multi = page.evaluate(
                """() => [...document.querySelectorAll('td.num, td.tok')]
                     .filter(td => td.offsetParent !== null)
                     .filter(td => { const r = document.createRange(); r.selectNodeContents(td);
                                     return r.getClientRects().length > 1; })
                     .map(td => td.textContent)"""
            )
            assert multi == []
            assert not page.locator("#claims-table").is_visible()  # folded
            page.click("#claims-details > summary")
            shown = page.locator("#claims-table tbody tr:visible")
            assert (
                shown.count()
                == page.locator(
                    "#claims-table tbody tr[data-status='supported'], "
                    "#claims-table tbody tr[data-status='contradicted']"
                ).count()
            )
        finally:
            b.close()
