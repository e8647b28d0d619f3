"""The claims engine on claims that must come out supported, contradicted and not checkable."""

from __future__ import annotations

import json

import pandas as pd
import pyreadr
import pytest

from dyadwatch import sources
from dyadwatch.claims import engine, model
from dyadwatch.claims.metrics import Context
from dyadwatch.warehouse import Warehouse


def claim_yaml(*claims: tuple) -> str:
    """(id, metric, params, comparator, expected[, tolerance]) tuples → a claim file's text."""
    lines = ["version: 1", "document: {title: test}", "claims:"]
    for c in claims:
        cid, metric, params, comp, expected, *tol = c
        exp = f'"{expected}"' if isinstance(expected, str) else expected
        lines += [
            f"  - id: {cid}",
            "    quote: a claim under test",
            f"    metric: {metric}",
            f"    params: {params}",
            f'    comparator: "{comp}"',
            f"    expected: {exp}",
            "    unit: test",
        ]
        if tol:
            lines.append(f"    tolerance: {tol[0]}")
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True)
def _no_default_warehouse(monkeypatch, tmp_path):
    # A fresh machine: no warehouse at the default path, so the pack is the basis unless a test gives one.
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the default location, empty


@pytest.fixture(scope="module")
def facts_wh(full_wh):
    return full_wh


def _eval(text: str, wh=None):
    cf = model.parse(text)
    engine.validate_file(cf, "<test>")
    ctx = Context(wh=wh)
    return {c.id: engine.evaluate(c, ctx) for c in cf.claims}


def test_three_statuses_from_the_pack():
    out = _eval(
        claim_yaml(
            ("ally-1950", "alliance_obligation", "{dyad: [CHN, RUS], year: 1950, measure: defense}", "=", 1),
            ("ally-2010", "alliance_obligation", "{dyad: [CHN, RUS], year: 2010, measure: defense}", "=", 1),
            ("missing", "unavailable", "{missing: 'the Global Sanctions Database'}", "=", 1),
            ("beyond", "alliance_obligation", "{dyad: [CHN, RUS], year: 2030, measure: defense}", "=", 0),
        )
    )
    assert out["ally-1950"].status == "supported" and out["ally-1950"].value == 1.0
    assert out["ally-1950"].sources == ["atop"] and "pack" in out["ally-1950"].basis
    assert "defense(CHN→RUS, 1950)" in out["ally-1950"].formula
    assert out["ally-2010"].status == "contradicted" and out["ally-2010"].value == 0.0
    assert out["missing"].status == "not checkable" and "Global Sanctions Database" in out["missing"].missing
    # outside ATOP's coverage the value is NULL, never 0: not checkable, not "supported"
    assert out["beyond"].status == "not checkable" and "2030" in out["beyond"].missing


def test_published_facts_are_labelled_and_computed_independently(facts_wh, shared):
    raw = pd.read_csv(shared / "trade/reference_facts.csv")
    val = raw.set_index(["metric", "period"]).value
    out = _eval(
        claim_yaml(
            ("t22", "fact", "{period: '2022', basis: published fact, fact: cn_ru_trade_turnover}", "≥", 190),
            ("t22-high", "fact", "{period: '2022', basis: published fact, fact: cn_ru_trade_turnover}", "≥", 200),
            (
                "growth",
                "fact",
                "{period: '2022', basis: published fact, fact: cn_ru_trade_turnover, "
                "transform: pct_change, base_period: '2021'}",
                "≈",
                29.3,
                0.5,
            ),
            (
                "share",
                "fact_expr",
                "{period: '2022', basis: published fact, scale: 100, "
                "terms: [{fact: cn_ru_trade_turnover}], denominator: [{fact: ru_exports_total}, "
                "{fact: ru_imports_total}]}",
                "≥",
                22,
            ),
            (
                "ytd",
                "fact",
                "{period: '2023-01..2023-08', basis: published fact, fact: cn_ru_trade_turnover}",
                "≥",
                155,
            ),
            ("aug", "fact", "{period: '2023-08', basis: published fact, fact: cny_share_moex_fx_spot}", "≈", 44.7, 0.5),
        ),
        facts_wh,
    )
    assert out["t22"].status == "supported" and out["t22"].value == pytest.approx(val["cn_ru_trade_turnover", "2022"])
    assert out["t22"].basis.startswith("published fact (GACC")  # the publisher is named
    assert out["t22-high"].status == "contradicted"
    expect = (val["cn_ru_trade_turnover", "2022"] / val["cn_ru_trade_turnover", "2021"] - 1) * 100
    assert out["growth"].value == pytest.approx(expect) and out["growth"].status == "supported"
    share = (
        100 * val["cn_ru_trade_turnover", "2022"] / (val["ru_exports_total", "2022"] + val["ru_imports_total", "2022"])
    )
    assert out["share"].value == pytest.approx(share) and out["share"].status == "supported"
    assert "Russian FCS" in out["share"].basis and "GACC" in out["share"].basis
    # "2023Jan-Aug" in the publisher's table is the period 2023-01..2023-08
    assert out["ytd"].value == pytest.approx(val["cn_ru_trade_turnover", "2023Jan-Aug"])
    # a month the publishers did not give: not checkable, naming the months they did
    assert out["aug"].status == "not checkable" and "2023-04" in out["aug"].missing


def test_fact_in_neither_warehouse_nor_pack_is_not_checkable():
    out = _eval(claim_yaml(("t", "fact", "{period: '2022', basis: published fact, fact: kz_lithium_output}", "≥", 1)))
    assert out["t"].status == "not checkable" and "kz_lithium_output" in out["t"].missing


def test_published_fact_from_the_pack_without_a_warehouse():
    out = _eval(
        claim_yaml(("t", "fact", "{period: '2022', basis: published fact, fact: cn_ru_trade_turnover}", "≥", 1))
    )
    assert out["t"].status == "supported" and out["t"].basis.startswith("published fact")


def test_regime_metrics_match_the_raw_file(facts_wh, shared):
    raw = pyreadr.read_r(str(shared / "regimes/ccode_democracy.rda"))["ccode_democracy"]
    poly = raw.set_index(["ccode", "year"]).v2x_polyarchy
    out = _eval(
        claim_yaml(
            ("gap", "regime_gap", "{dyad: [RUS, CHN], year: 2019, measure: polyarchy}", ">", 0),
            ("mng", "democratic_since", "{country: MNG, measure: polity2}", "≤", 1993),
            (
                "ca",
                "regime_score",
                "{countries: [KAZ, KGZ, TJK, TKM, UZB], year: 2019, measure: polyarchy, agg: max}",
                "<",
                0.5,
            ),
        ),
        facts_wh,
    )
    assert out["gap"].value == pytest.approx(poly[365, 2019] - poly[710, 2019])
    assert out["gap"].basis == "computed (warehouse)"
    mng = raw[(raw.ccode == 712) & raw.polity2.notna()].sort_values("year")
    start = int(mng.year.iloc[-1])
    for y, v in zip(mng.year[::-1], mng.polity2[::-1], strict=True):
        if v < 6:
            break
        start = int(y)
    assert out["mng"].value == start and out["mng"].status == "supported"
    ca = max(poly[c, 2019] for c in (705, 703, 702, 701, 704))
    assert out["ca"].value == pytest.approx(ca)


def test_votes_and_verdict_metrics_on_real_votes(full_wh):
    out = _eval(
        claim_yaml(
            (
                "agree",
                "unga_agreement",
                "{dyad: [CHN, RUS], period: '2015..2019', transform: difference, base_period: '1992..1996'}",
                ">",
                0,
            ),
            ("vote-2014", "unga_vote", "{country: CHN, resolution: A/RES/68/262}", "=", "abstain"),
            ("share-2014", "unga_vote_share", "{country: CHN, vote: abstain, resolutions: [A/RES/68/262]}", "=", 1),
            ("vote-2023", "unga_vote", "{country: CHN, resolution: A/RES/77/284}", "=", "yes"),
            ("verdict", "verdict", "{dyad: [CHN, RUS], year: 2015}", "=", "alignment"),
        ),
        full_wh,
    )
    assert out["agree"].status == "supported" and out["agree"].sources
    # the 2014 resolution on Ukraine's territorial integrity (R/68/262 in unvotes): China abstained
    assert out["vote-2014"].status == "supported", out["vote-2014"]
    assert out["share-2014"].status == "supported" and out["share-2014"].value == 1.0
    assert out["vote-2023"].status == "not checkable" and "2019" in out["vote-2023"].missing
    assert out["verdict"].status == "supported" and out["verdict"].value == "alignment"


def test_trade_metric_waits_for_data_and_names_it():
    out = _eval(claim_yaml(("t", "trade", "{dyad: [CHN, RUS], period: '2022', measure: turnover}", "≥", 1)))
    assert out["t"].status == "not checkable" and "ingest" in out["t"].missing


def test_article_claims_offline(capsys):
    rep = engine.check()
    counts = rep.counts()
    assert sum(counts.values()) == len(rep.outcomes) >= 60
    assert counts["supported"] >= 8 and counts["not checkable"] >= 30
    by = {o.id: o for o in rep.outcomes}
    assert by["verdict-alignment"].status == "supported"
    assert by["alliance-1950"].status == "supported"
    for o in rep.outcomes:
        assert o.status in engine.STATUSES
        if o.status == "not checkable":
            assert o.missing, o.id  # always says what is missing
        else:
            assert o.formula and o.sources, o.id


def test_cli_claims_check_json_and_table(capsys):
    from helpers import run_cli

    code, out, _ = run_cli(capsys, "claims", "check", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert set(d["counts"]) == {"supported", "contradicted", "not checkable"}
    assert sum(d["counts"].values()) == len(d["claims"]) >= 60
    assert {"id", "status", "value", "formula", "sources", "basis", "missing"} <= set(d["claims"][0])
    code, out, _ = run_cli(capsys, "claims", "check")
    assert code == 0 and "supported" in out.splitlines()[0] and "not checkable" in out.splitlines()[0]


def test_cli_bad_claim_file_exits_with_message(capsys, tmp_path):
    from helpers import run_cli

    p = tmp_path / "bad.yaml"
    p.write_text(claim_yaml(("x", "fact", "{fact: a, period: '2022'}", "≈", 1)), "utf-8")
    code, _, err = run_cli(capsys, "claims", "check", str(p))
    assert code == 3 and "claim 'x'" in err and "tolerance" in err


@pytest.fixture(scope="module")
def energy_wh(full_wh):
    return full_wh


def test_energy_claims_light_up_and_match_plain_pandas(energy_wh, shared):
    gas = pd.read_csv(shared / "energy/china_pipeline_gas_imports_monthly_2020_2024.csv")
    g22 = gas[gas.period.between(202201, 202212)]
    share = 100 * g22[g22.partner == "Russian Federation"].value_usd_bn.sum() / g22.value_usd_bn.sum()
    crude = pd.read_csv(shared / "energy/china_crude_imports_by_origin_monthly_2020_2023.csv")
    c = crude[crude.period.between(202204, 202308) & crude.qty_mt.notna() & (crude.qty_mt > 0)]
    ru = c[c.partner == "Russian Federation"].set_index("period")
    oth = c[c.partner != "Russian Federation"].groupby("period")[["value_usd_bn", "qty_mt"]].sum()
    gains = ((oth.value_usd_bn / oth.qty_mt - ru.value_usd_bn / ru.qty_mt) * ru.qty_mt).sum()
    out = _eval(
        claim_yaml(
            (
                "gas-share",
                "energy_imports",
                "{importer: CHN, origin: RUS, commodity: pipeline_gas, period: '2022', measure: share_value, "
                "scale: 100}",
                "≥",
                22,
            ),
            (
                "gains",
                "crude_gains",
                "{importer: CHN, origin: RUS, start: '2022-04', end: '2023-08', benchmark: others, scale: 1.0e-9}",
                "≥",
                8.9,
            ),
            ("pos", "pipeline_capacity", "{name: 'China–Russia East Pipeline', agg: max}", "=", 38),
            (
                "turkmen",
                "pipeline_capacity",
                "{name: 'Central Asia–China Gas Pipeline', status: operating, agg: sum}",
                "≈",
                45,
                2.5,
            ),
            ("nord", "pipeline_capacity", "{name: 'Nord Stream'}", "=", 110),
        ),
        energy_wh,
    )
    assert out["gas-share"].value == pytest.approx(share, rel=1e-6) and out["gas-share"].status == "supported"
    assert out["gains"].value == pytest.approx(gains, rel=1e-3)
    assert out["gains"].status == ("supported" if gains >= 8.9 else "contradicted")
    assert out["pos"].status == "supported" and out["pos"].sources == ["gem"]
    assert out["turkmen"].status == "contradicted" and out["turkmen"].value == 55  # lines A+B+C: 15 + 15 + 25
    assert out["nord"].status == "not checkable"  # GEM's Asia tracker has no European pipelines


def test_hs_composition_metric_on_the_comtrade_file(tmp_path, shared):
    path = tmp_path / "c.duckdb"
    with Warehouse(path) as wh:
        wh.ingest(sources.get("comtrade"), [shared / "trade/comtrade_v1_china_imports_from_russia_2019.xlsx"])
    with Warehouse(path, read_only=True) as wh:
        out = _eval(
            claim_yaml(
                (
                    "fuels",
                    "trade_hs",
                    "{reporter: CHN, partner: RUS, flow: M, hs: ['27'], period: '2019', share: true}",
                    ">",
                    0.5,
                ),
                ("crude", "trade_hs", "{reporter: CHN, partner: RUS, flow: M, hs: ['2709'], period: '2019'}", ">", 0),
                ("later", "trade_hs", "{reporter: CHN, partner: RUS, flow: M, hs: ['27'], period: '2022'}", ">", 0),
            ),
            wh,
        )
        # independent: plain SQL over the ingested rows (chapter 27 over all chapters; heading 2709)
        ch = (
            wh.con.execute(
                "SELECT hs_code, sum(value_usd) v FROM trade_flows WHERE reporter='CHN' AND partner='RUS' AND flow='M' "
                "AND period='2019' AND hs_level=2 GROUP BY 1"
            )
            .fetchdf()
            .set_index("hs_code")
            .v
        )
        hd = wh.con.execute(
            "SELECT sum(value_usd) FROM trade_flows WHERE reporter='CHN' AND partner='RUS' AND flow='M' "
            "AND period='2019' AND hs_code='2709'"
        ).fetchone()[0]
    assert out["fuels"].value == pytest.approx(ch["27"] / ch.sum())
    assert out["fuels"].status == "supported"  # mineral fuels were most of China's imports from Russia in 2019
    assert out["crude"].value == pytest.approx(hd) and hd < ch["27"]
    assert out["later"].status == "not checkable" and "2022" in out["later"].missing
