"""Rivals are not aligned: rivalry and dispute evidence in the verdict, from the pack and the warehouse."""

from __future__ import annotations

import pytest

from conflict_data import conflict_warehouse
from dyadwatch import assess


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.delenv("DYADWATCH_DB", raising=False)  # the default location: empty in tests (the pack)


def _lines(r, dim):
    return [e for e in r.evidence if e.dimension == dim]


# Years inside each rivalry (TSS): USA–RUS 2007–2020 (the 1990–2006 gap between its two rivalries is not one).
@pytest.mark.parametrize(
    ("a", "b", "year"),
    [("IND", "PAK", 1975), ("IND", "PAK", 2005), ("IND", "PAK", None), ("CHN", "IND", 2005), ("CHN", "IND", None),
     ("USA", "RUS", 1975), ("USA", "RUS", 2010), ("USA", "RUS", None)],
)  # fmt: skip
def test_rivals_are_never_alignment(fresh, a, b, year):
    r = assess.assess(a, b, year=year)
    assert r.verdict == "rivalry", [(e.rule, e.value) for e in r.evidence]
    riv = _lines(r, "strategic rivalry")[0]
    assert riv.fired and riv.rule.startswith("a strategic rivalry in force")
    assert _lines(r, "militarized disputes") and _lines(r, "power asymmetry")
    if year is None:  # the latest vote year, 2019, inside the TSS data (to 2020)
        assert r.year == 2019 and "in force in 2019" in riv.value


def test_india_pakistan_recent_fatal_disputes_are_shown(fresh):
    r = assess.assess("IND", "PAK", year=2005)
    mid = _lines(r, "militarized disputes")[0]
    assert mid.fired and mid.source == "cow_mid"
    assert "highest hostility war" in mid.value and "1999, 2000, 2001, 2002, 2003)" in mid.value  # Kargil, 1999


def test_china_russia_keeps_its_verdict_and_shows_its_history(fresh):
    r = assess.assess("CHN", "RUS")
    assert r.verdict == "alignment" and r.year == 2019
    hist = " | ".join(e.value for e in _lines(r, "conflict history"))
    assert "1958–1989" in hist and "1969" in hist
    assert not _lines(r, "strategic rivalry")[0].fired
    power = _lines(r, "power asymmetry")[0].value
    assert "RUS is the junior partner" in power
    assert "shared IGOs" in _lines(r, "IGO co-memberships")[0].value


def test_allied_rivals_stay_allied_but_say_so(tmp_path_factory, shared):
    wh = conflict_warehouse(tmp_path_factory, shared)
    try:
        r = assess.assess("GRC", "TUR", year=2005, wh=wh)
        assert r.verdict == "alliance"
        riv = _lines(r, "strategic rivalry")[0]
        assert riv.fired and "allied rivals" in riv.rule and "Greece-Turkey 2" in riv.value
        old = assess.assess("CHN", "RUS", year=1965, wh=wh)  # the 1950 treaty and the split
        assert old.verdict == "alliance" and "allied rivals" in _lines(old, "strategic rivalry")[0].rule
    finally:
        wh.close()


def test_a_rivalry_past_the_data_is_carried_and_said(tmp_path_factory, shared, monkeypatch):
    from dyadwatch.assess_conflict import rivalry_lines
    from dyadwatch.indicators import conflict

    wh = conflict_warehouse(tmp_path_factory, shared)
    try:
        riv, _ = conflict.dyad_rivalries(wh, "IND", "PAK")
    finally:
        wh.close()
    td = riv[riv.source == "td_rivalry"]
    monkeypatch.setitem(assess.config()["conflict"], "rivalry_sources", ["td_rivalry"])
    lines, live = rivalry_lines(td, 2015, allied=False)
    assert live and "carried forward to 2015" in lines[0].value and "2010" in lines[0].value
    lines, live = rivalry_lines(td, 2025, allied=False)  # beyond the carry-forward limit: not in force
    assert not live


def test_the_reference_dyads_include_rivals(fresh):
    refs = assess.references()
    v = refs.set_index("dyad").verdict
    assert v["IND–PAK"] == v["CHN–IND"] == v["USA–RUS"] == "rivalry" and v["USA–GBR"] == "alliance"


def test_the_1969_claim_is_checkable_from_the_pack(fresh):
    from dyadwatch.claims import engine

    r = next(o for o in engine.check().outcomes if o.id == "brink-1969")
    assert r.status == "supported" and r.value == 4 and "dispute 349" in r.formula and r.basis == "computed (pack)"
