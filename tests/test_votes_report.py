"""The report's UN-votes section, from the embedded pack (fresh machine) and from a warehouse."""

from __future__ import annotations

import pytest

from dyadwatch import countries
from dyadwatch.indicators import votes_measures as vm
from dyadwatch.report.base import ReportContext, esc
from dyadwatch.report.sections import votes as section


def _ctx(a, b, wh=None, **kw):
    return ReportContext(countries.resolve(a), countries.resolve(b), kw.get("year_from"), kw.get("year_to"), wh)


def test_section_from_the_pack_alone():
    ctx = _ctx("CHN", "RUS")
    sec = section.render(ctx)
    html = sec.html
    for k in vm.MEASURES:  # one plain sentence per measure
        assert esc(vm.PLAIN[k]) in html
    for piece in ("Among all pairs of states", "Ideal points", "By issue area", "human-rights roll calls",
                  "Nearest voting neighbours", "Who votes with whom", "bootstrap"):  # fmt: skip
        assert piece in html, piece
    assert html.count("<svg") >= 5
    assert "No ideal points" not in html and "no data</td>" in html  # pre-1971 years: no data, not zero
    assert sorted(sec.sources) == ["idealpoints", "unvotes"]
    assert any("embedded pack" in n for n in ctx.basis_notes)


@pytest.mark.slow
def test_section_from_a_warehouse(full_wh):
    ctx = _ctx("CHN", "USA", full_wh, year_from=1990)
    sec = section.render(ctx)
    assert "Among all pairs of states" in sec.html and "Nearest voting neighbours" in sec.html
    assert any("your warehouse" in n for n in ctx.basis_notes)


def test_section_for_a_dyad_outside_the_pack_says_so():
    ctx = _ctx("CHN", "FJI")
    assert section.render(ctx) is None  # no section of "no data" paragraphs: the page says it once at the top
    assert [m.part for m in ctx.missing] == ["UN General Assembly votes"] and "ingest unvotes" in ctx.missing[0].fix
