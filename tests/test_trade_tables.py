"""Trade, energy and published facts from the embedded pack: equal to the warehouse, and the report offline."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyreadr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import api, countries, pack, sources
from dyadwatch.api import as_store
from dyadwatch.claims import engine, model
from dyadwatch.claims.metrics import Context
from dyadwatch.derived import DERIVED
from dyadwatch.errors import NoDataError
from dyadwatch.indicators import energy as en
from dyadwatch.indicators import trade as tr
from dyadwatch.indicators import trade_region as trg
from dyadwatch.indicators import trade_tables as tt
from dyadwatch.report.base import ReportContext
from dyadwatch.report.sections import central_asia, currency, economy, energy
from dyadwatch.store import pack_dir
from dyadwatch.warehouse import Warehouse

CA = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]


P = as_store(None)  # the embedded pack alone


@pytest.fixture(scope="module")
def econ_wh(tmp_path_factory, shared):
    """A warehouse with the pack's economic inputs ingested from the real files."""
    path = tmp_path_factory.mktemp("econ") / "econ.duckdb"
    with Warehouse(path) as wh:
        econ = [t for t in DERIVED.values() if "trade_tables:" in t.build]
        for name, files in ((n, f) for t in econ for n, f in t.inputs.items()):
            wh.ingest(sources.get(name), [shared / f for f in files])
    wh = Warehouse(path, read_only=True)
    yield wh
    wh.close()


def test_pack_tables_are_declared_and_small():
    names = set(DERIVED)
    assert {"trade_cow", "energy_crude", "energy_gas", "pipeline_registry", "published_facts"} <= names
    size = sum((pack_dir() / f"{n}.parquet").stat().st_size for n in ("trade_cow", "energy_crude", "energy_gas"))
    assert size < 1.5e6
    # Test-only data (SIPRI, gzemo) must never be a pack input.
    inputs = " ".join(f for t in DERIVED.values() for fs in t.inputs.values() for f in fs)
    assert "sipri" not in inputs and "gzemo" not in inputs


@pytest.mark.parametrize(("a", "b"), [("CHN", "RUS"), ("RUS", "CHN"), ("KAZ", "CHN"), ("USA", "GBR"), ("UZB", "RUS")])
def test_cow_pack_equals_warehouse(econ_wh, a, b):
    want = tr.cow_dyad(econ_wh, a, b, 1950, 2014)
    got = tt.cow_dyad(P, a, b, 1950, 2014)
    assert len(got) > 10
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, check_dtype=False)
    # the report's function (USD) too
    rw, rp = (api.trade(a, b, year_from=1990, wh=x) for x in (econ_wh, P))
    (w, basis_w), (p, basis_p) = (rw.data, rw.basis), (rp.data, rp.basis)
    assert (basis_w, basis_p) == ("warehouse", "pack")
    pd.testing.assert_frame_equal(p, w, check_exact=False, rtol=1e-9, check_dtype=False)


def test_cow_pack_matches_the_raw_file(shared):
    """Independently: plain pandas on COW's own files for China–Russia, 2010."""
    ndy = pyreadr.read_r(str(shared / "trade/cow_trade_ndy.rda"))["cow_trade_ndy"]
    sy = pyreadr.read_r(str(shared / "trade/cow_trade_sy.rda"))["cow_trade_sy"]
    chn, rus = countries.to_cow("CHN", 2010), countries.to_cow("RUS", 2010)
    r = ndy[(ndy.year == 2010) & ndy.ccode1.isin([chn, rus]) & ndy.ccode2.isin([chn, rus])].iloc[0]
    rus_imports_from_chn = r.flow1 if r.ccode1 == rus else r.flow2
    s = sy[sy.year == 2010].set_index("ccode")
    total_rus = s.loc[rus, "imports"] + s.loc[rus, "exports"]
    row = tt.cow_dyad(P, "CHN", "RUS", 2010, 2010).iloc[0]
    assert row.exports_a_to_b == pytest.approx(rus_imports_from_chn)
    assert row.turnover == pytest.approx(r.flow1 + r.flow2)
    assert row.share_of_b_trade == pytest.approx((r.flow1 + r.flow2) / total_rus)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(pack.FOCUS), st.sampled_from(pack.FOCUS))
def test_pack_dyad_is_the_mirror_of_its_reverse(a, b):
    """A's view of B and B's view of A: flows and shares swap, turnover equal, asymmetry reciprocal."""
    if a == b:
        with pytest.raises(NoDataError):
            tt.cow_dyad(P, a, b)
        return
    try:
        ab = tt.cow_dyad(P, a, b).set_index("period")
    except NoDataError:
        return
    ba = tt.cow_dyad(P, b, a).set_index("period")
    assert list(ab.index) == list(ba.index)
    np.testing.assert_allclose(ab.exports_a_to_b, ba.imports_a_from_b)
    np.testing.assert_allclose(ab.turnover, ba.turnover)
    np.testing.assert_allclose(ab.share_of_a_trade, ba.share_of_b_trade)
    both = ab.asymmetry.notna() & ba.asymmetry.notna() & (ab.asymmetry > 0)
    np.testing.assert_allclose(ab.asymmetry[both], 1 / ba.asymmetry[both], rtol=1e-9)
    assert (ab["rank"].isna() == ab.turnover.isna()).all()  # a rank wherever there is a flow, NULL elsewhere


@pytest.mark.slow
def test_region_pack_equals_warehouse(econ_wh):
    want = trg.region(econ_wh, "CHN", "RUS", CA, year_from=1992)
    res = api.region("CHN", "RUS", CA, year_from=1992, wh=P)
    got, basis = res.data, res.basis
    assert basis == "pack" and set(got.state) == set(CA) and got.period.max() == "2014"
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, check_dtype=False)


def test_crude_pack_equals_warehouse(econ_wh):
    for freq in ("M", "A"):
        want = en.crude(econ_wh, "CHN", "RUS", None, benchmarks=("SAU",), freq=freq)
        res = api.energy_crude("CHN", "RUS", benchmarks=("SAU",), freq=freq, wh=P)
        got, basis = res.data, res.basis
        assert basis == "pack"
        cols = [c for c in want.columns if c not in ("volume", "value")]  # the pack holds no values or volumes
        pd.testing.assert_frame_equal(got[cols], want[cols], check_exact=False, rtol=1e-9, check_dtype=False)
    want = en.gains(econ_wh, "CHN", "RUS", "2022-04", "2023-08", benchmark="others")
    got = api.crude_gains("CHN", "RUS", "2022-04", "2023-08", benchmark="others", wh=P).data
    assert got.gain.sum() == pytest.approx(want.gain.sum(), rel=1e-9) and len(got) == 17
    # annual gains are the sum of the year's months
    a = api.energy_crude("CHN", "RUS", freq="A", wh=P).data.set_index("period")
    m = api.energy_crude("CHN", "RUS", wh=P).data
    assert a.loc["2022", "gain_vs_others"] == pytest.approx(m[m.period.str.startswith("2022")].gain_vs_others.sum())
    with pytest.raises(NoDataError, match="ingest china_crude"):
        api.energy_crude("CHN", "FJI", wh=P)


def test_gas_pipelines_facts_pack_equal_warehouse(econ_wh):
    want = en.gas(econ_wh, "CHN")
    got = api.energy_gas("CHN", wh=P).data
    pd.testing.assert_frame_equal(
        got[["period", "origin", "share_value", "value"]], want[["period", "origin", "share_value", "value"]],
        check_exact=False, rtol=1e-9, check_dtype=False,
    )  # fmt: skip
    m = api.energy_gas("CHN", freq="M", wh=P).data
    assert m.value.isna().all() and m.period.str.fullmatch(r"\d{4}-\d{2}").all()
    pd.testing.assert_frame_equal(
        api.pipeline_comparisons(wh=P).data, en.article_comparisons(econ_wh), check_dtype=False, check_exact=False
    )
    pw = en.pipelines(econ_wh)[tt.PIPE_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(api.pipelines(wh=P).data, pw, check_dtype=False)
    (fw, bw), (fp, bp) = ((r.data, r.basis) for r in (api.facts(["RUS"], wh=x) for x in (econ_wh, P)))
    assert (bw, bp) == ("warehouse", "pack")
    pd.testing.assert_frame_equal(fp.fillna(""), fw.fillna(""), check_dtype=False)
    cur = api.currency(["CHN", "RUS"], wh=P).data
    assert set(cur.metric) >= {"cny_share_moex_fx_spot", "cny_share_ru_export_settlements"}


def _ctx(wh=None) -> ReportContext:
    return ReportContext(countries.resolve("CHN"), countries.resolve("RUS"), None, None, wh=wh)


def test_sections_render_from_the_pack_alone():
    ctx = _ctx()
    eco = economy.render(ctx)
    assert "<svg" in eco.html and "embedded pack" in eco.html and "Correlates of War" in eco.html
    assert ">93.94<" in eco.html  # 2014 turnover, bn USD, computed from COW
    assert "cn ru trade turnover" in eco.html and {"cow_trade", "facts"} <= set(eco.sources)
    ene = energy.render(ctx)
    assert ene.html.count("<svg") == 2 and "embedded pack" in ene.html and "UN Comtrade" in ene.html
    gains = api.crude_gains("CHN", "RUS", "2022-04", "2023-12", wh=P).data.gain.sum() / 1e9
    assert f"{gains:.1f} bn USD" in ene.html
    assert "Power of Siberia" in ene.html and {"china_crude", "china_gas", "gem"} <= set(ene.sources)
    cur = currency.render(ctx)
    assert "<svg" in cur.html and "Bank of Russia" in cur.html and "embedded pack" in cur.html
    cas = central_asia.render(ctx)
    assert "<svg" in cas.html and "embedded pack" in cas.html and all(s in cas.html for s in CA)
    assert "kz cn trade" in cas.html and "cow_trade" in cas.sources
    assert any("embedded pack" in n for n in ctx.basis_notes)


@pytest.mark.slow
def test_sections_with_a_warehouse_say_nothing_of_the_pack(econ_wh):
    ctx = _ctx(econ_wh)
    for sec in (economy, energy, currency, central_asia):
        s = sec.render(ctx)
        assert "embedded pack" not in s.html and "<svg" in s.html, sec.TITLE


def test_outside_the_focus_countries_the_sections_say_so():
    ctx = ReportContext(countries.resolve("CHN"), countries.resolve("FJI"), None, None, wh=None)
    assert economy.render(ctx) is None and "ingest cow_trade" in ctx.missing[0].fix
    assert energy.render(ctx) is None and "ingest china_crude" in ctx.missing[-1].fix


def _claims(text: str, wh=None) -> dict:
    cf = model.parse(text)
    engine.validate_file(cf, "<test>")
    return {c.id: engine.evaluate(c, Context(wh=wh)) for c in cf.claims}


CLAIMS = """version: 1
document: {title: test}
claims:
  - {id: fact, quote: a claim, metric: fact, params: {fact: cn_ru_trade_turnover, period: '2022'}, comparator: "≥",
     expected: 190, unit: USD bn}
  - {id: fact-wrong, quote: a claim, metric: fact, params: {fact: cn_ru_trade_turnover, period: '2022'},
     comparator: "≥", expected: 300, unit: USD bn}
  - {id: discount, quote: a claim, metric: crude_discount, comparator: "≥", expected: 5, unit: pct,
     params: {importer: CHN, origin: RUS, period: "2022-07", measure: discount_vs_others, scale: 100}}
  - {id: gains, quote: a claim, metric: crude_gains, comparator: "≥", expected: 1, unit: USD bn,
     params: {importer: CHN, origin: RUS, start: "2022-04", end: "2023-08", benchmark: others, scale: 1.0e-9}}
  - {id: pipe, quote: a claim, metric: pipeline_capacity, comparator: "=", expected: 38, unit: bcm,
     params: {name: "China–Russia East Pipeline", agg: max}}
  - {id: gas, quote: a claim, metric: energy_imports, comparator: "≥", expected: 10, unit: pct,
     params: {importer: CHN, origin: RUS, commodity: pipeline_gas, period: "2022", measure: share_value, scale: 100}}
  - {id: rank, quote: a claim, metric: trade_rank_span, comparator: "=", expected: 1, unit: rank,
     params: {dyad: [RUS, DEU], period: "2009..2009", agg: max}}
  - {id: later, quote: a claim, metric: trade, comparator: "≥", expected: 1, unit: USD,
     params: {dyad: [CHN, RUS], period: '2022', measure: turnover}}
"""


def test_claims_without_a_warehouse_use_the_pack(econ_wh):
    off = _claims(CLAIMS)
    on = _claims(CLAIMS, econ_wh)
    assert off["fact"].status == "supported" and off["fact"].basis.startswith("published fact (GACC")
    assert off["fact-wrong"].status == "contradicted"
    for cid in ("discount", "gains", "pipe", "gas", "rank"):
        assert off[cid].status in ("supported", "contradicted"), (cid, off[cid].missing)
        assert off[cid].status == on[cid].status and off[cid].value == pytest.approx(on[cid].value, rel=1e-9), cid
        assert off[cid].sources, cid
    assert "embedded pack" in off["discount"].formula
    # COW ends in 2014: a 2022 trade claim stays not checkable and names the ingest that would settle it
    assert off["later"].status == "not checkable" and "ingest" in off["later"].missing


def test_api_trade_and_energy_fall_back_to_the_pack(fresh_machine, econ_wh):
    r = api.trade("China", "Russia", db=None, year_from=2010)
    assert r.basis == "pack" and r.sources == ["cow_trade"] and r.data.period.tolist()[-1] == "2014"
    assert "embedded pack" in r.basis_note()
    w = api.trade("CHN", "RUS", wh=econ_wh, year_from=2010)
    assert w.basis == "warehouse"
    np.testing.assert_allclose(r.data.turnover, w.data.turnover)
    c = api.energy_crude("CHN", "RUS", db=None, benchmarks=("SAU",))
    assert c.basis == "pack" and "discount_vs_SAU" in c.data.columns
    f = api.facts(["Kazakhstan"], db=None)
    assert f.basis == "pack" and "kz_cn_trade" in set(f.data.metric)


def test_energy_gas_and_pipelines_answer_from_the_pack(capsys, fresh_machine):
    """Both commands used to stop with exit 4 ("no energy flows") on a fresh machine, though the pack holds them."""
    from helpers import run_cli

    code, out, err = run_cli(capsys, "energy", "gas", "--format", "csv")
    assert code == 0, err
    got = pd.read_csv(io.StringIO(out))
    assert {"TKM", "KAZ", "UZB"} <= set(got.origin) and (got.share_value.between(0, 1)).all()
    assert "embedded pack" in err
    code, out, err = run_cli(capsys, "energy", "pipelines", "--country", "Russia", "--format", "csv")
    assert code == 0, err
    got = pd.read_csv(io.StringIO(out))
    assert len(got) and got.countries.str.contains("Russia").all() and (got.source == "gem").all()


def test_one_choice_per_request(econ_wh):
    """``api.answer`` decides per request: a warehouse holding trade and energy but no votes or speeches answers
    trade and crude itself, and the pack answers votes and speeches, each result saying which."""
    chain = as_store(econ_wh)
    assert [api.basis_for(chain, k) for k in ("trade", "crude_oil", "pipelines", "votes", "speeches")] == [
        "warehouse", "warehouse", "warehouse", "pack", "pack"]  # fmt: skip
    assert api.trade("CHN", "RUS", wh=econ_wh).basis == "warehouse"
    assert api.energy_gas("CHN", wh=econ_wh).basis == "warehouse"
    assert api.votes("CHN", "RUS", wh=econ_wh).basis == "pack"
    assert api.rhetoric(["CHN", "RUS"], "similarity", wh=econ_wh).basis == "pack"
    with pytest.raises(NoDataError, match="quote the speeches"):
        api.rhetoric(["CHN", "RUS"], "kwic", wh=econ_wh)
