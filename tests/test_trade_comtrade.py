"""Comtrade (v1 Russian-header Excel, API CSV layout), the China tables, mirror basis, BACI."""

from __future__ import annotations

import pandas as pd
import pytest

from dyadwatch.errors import SourceFormatError
from dyadwatch.indicators import trade, trade_composition
from dyadwatch.sources import baci, comtrade
from dyadwatch.warehouse import Warehouse

V1 = "trade/comtrade_v1_china_imports_from_russia_2019.xlsx"
TABLES = [
    "trade/comtrade_china_trade_balance_2014_2025.xlsx",
    "trade/comtrade_china_import_partners_2014_2025.xlsx",
    "trade/comtrade_china_export_partners_mirror_2014_2025.xlsx",
]


@pytest.fixture(scope="module")
def cwh(full_wh):
    return full_wh


def test_2019_chapter_composition_against_pandas(cwh, shared):
    raw = pd.read_excel(shared / V1, dtype={"Код товара": str})
    ch = raw[raw["Код товара"].str.fullmatch(r"\d{2}")]
    expected = ch.set_index("Код товара")["Номинальная стоимость, $"]
    expected = expected / expected.sum()
    got = trade_composition.composition(cwh, "CHN", "RUS", "2019", level="chapter", flow="M").set_index("code")
    pd.testing.assert_series_equal(got.share.sort_index(), expected.sort_index().astype(float), check_names=False)
    assert got.index[0] == "27" and got.share.iloc[0] > 0.6  # mineral fuels dominate
    assert got.basis.eq("reported").all()
    assert "Mineral fuels" in got.description.iloc[0]
    sec = trade_composition.composition(cwh, "CHN", "RUS", "2019", level="section", flow="M")
    assert sec.share.sum() == pytest.approx(1.0)
    hs6 = raw[raw["Код товара"].str.fullmatch(r"\d{6}")]["Номинальная стоимость, $"]
    s = hs6 / hs6.sum()
    c = trade_composition.concentration(cwh, "CHN", "RUS", "2019", flow="M")
    assert c["hhi"] == pytest.approx(float((s**2).sum()))


def test_mirror_basis_and_gap(cwh, shared):
    df = trade.bilateral(cwh, "CHN", "RUS", "2019", rank=False).iloc[0]
    part = pd.read_excel(shared / TABLES[1])
    rus_x = part[(part.refYear == 2019) & (part.reporterDesc == "Russian Federation")].partner_sum.iloc[0]
    raw = pd.read_excel(shared / V1, dtype={"Код товара": str})
    chn_m = raw[raw["Код товара"] == "TOTAL"]["Номинальная стоимость, $"].iloc[0]
    assert df.imports_a_from_b == pytest.approx(chn_m)  # China's own report wins
    assert df.basis_imports == "reported"
    assert df.imports_gap == pytest.approx(rus_x * (1 + trade.CIF_MARGIN) / chn_m - 1)
    assert df.basis_exports == "mirror"  # China's exports to Russia: Russia's imports, CIF → FOB
    mirror = pd.read_excel(shared / TABLES[2])
    rus_m = mirror[(mirror.refYear == 2019) & (mirror.reporterDesc == "Russian Federation")].partner_sum.iloc[0]
    assert df.exports_a_to_b == pytest.approx(rus_m / (1 + trade.CIF_MARGIN))
    bal = pd.read_excel(shared / TABLES[0]).set_index("period")
    assert df.share_of_a_trade == pytest.approx(df.turnover / (bal.loc[2019, "M"] + bal.loc[2019, "X"]))
    # Russia's totals are in no shared file: the share is NULL, not 0.
    assert pd.isna(df.share_of_b_trade)


def test_russia_silent_since_2022(cwh):
    df = trade.bilateral(cwh, "CHN", "RUS", rank=False)
    assert df.period.max() == "2021"  # nothing after: the files cannot support 2022+ for this dyad
    kz = trade.bilateral(cwh, "CHN", "KAZ", "2022")
    assert kz.basis.iloc[0] == "mirror" and kz["rank"].iloc[0] > 1


API_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,"
    "partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,"
    "mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,"
    "isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate\n"
)


def _api_row(rep=156, flow="M", par=643, cmd="27", value=100.0, cls="H6", period="202301", freq="M", mot=0):
    return (
        f"C,{freq},20230101,2023,1,{period},{rep},CHN,China,{flow},Import,{par},RUS,Russian Federation,0,W00,World,"
        f"{cls},HS,true,{cmd},desc,2,false,C00,TOTAL CPC,0,{mot},TOTAL MOT,8,kg,1,false,-1,N/A,0,false,1,false,0,"
        f"false,{value},,{value},0,true,true\n"
    )


def test_api_layout_monthly_ytd(tmp_path, wh_path):
    p = tmp_path / "api.csv"
    rows = [_api_row(period=f"2023{m:02d}", value=10.0 * m) for m in range(1, 9)]
    rows += [_api_row(period=f"2022{m:02d}", value=5.0 * m) for m in range(1, 9)]
    rows += [_api_row(flow="X", period=f"2023{m:02d}", value=1.0) for m in range(1, 9)]
    rows += [_api_row(flow="X", period=f"2022{m:02d}", value=1.0) for m in range(1, 9)]
    rows += [_api_row(period="202301", mot=1000, value=999.0)]  # a transport-mode breakdown: left out
    p.write_text(API_HEADER + "".join(rows))
    with Warehouse(wh_path) as wh:
        res = wh.ingest(comtrade, [p])
        assert any("breakdown" in n for n in res.notes)
        df = trade.trade(wh, "CHN", "RUS", "2023-01..2023-08").iloc[0]
    assert df.period == "2023-01..2023-08"
    assert df.imports_a_from_b == pytest.approx(10.0 * sum(range(1, 9)))
    assert df.turnover == pytest.approx(360 + 8)
    assert df.growth == pytest.approx((360 + 8) / (180 + 8) - 1)


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([_api_row(value=-5)], "negative"),
        ([_api_row(), _api_row()], "duplicated flows"),
        ([_api_row(rep=12345)], "unknown reporter"),
        ([_api_row(cmd="270")], "wrong length"),
        ([_api_row(cmd="27"), _api_row(cmd="2709", cls="H5")], "mixed HS vintages"),
    ],
)
def test_api_bad_input(tmp_path, wh_path, rows, match):
    p = tmp_path / "bad.csv"
    p.write_text(API_HEADER + "".join(rows))
    with Warehouse(wh_path) as wh:
        with pytest.raises(SourceFormatError, match=match):
            wh.ingest(comtrade, [p])
        assert not wh.has("trade_flows")  # nothing half-ingested


def test_other_layout_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("t,i,j,k,v,q\n2022,251,699,10121,1.5,2\n")
    with pytest.raises(SourceFormatError, match="baci"):
        comtrade.load([p])


def test_codes():
    assert comtrade.code_to_iso3(251) == "FRA" and comtrade.code_to_iso3(699) == "IND"
    assert comtrade.code_to_iso3(842) == "USA" and comtrade.code_to_iso3(643) == "RUS"
    assert comtrade.code_to_iso3(899) is None
    assert comtrade.name_to_iso3("Other Asia, nes") == "TWN"


BACI_ROWS = "t,i,j,k,v,q\n2022,251,699,10121,1.5,2\n2022,699,251,10121,0.5,1\n2022,842,251,270900,10,3\n"


def test_baci_loader_and_indices(tmp_path, wh_path):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    p.write_text(BACI_ROWS)
    with Warehouse(wh_path) as wh:
        wh.ingest(baci, [p])
        f = wh.table("trade_flows").to_pandas()
        dyads, rca = trade_composition.all_dyad_indices(wh, "2022")
    assert set(f.reporter) == {"FRA", "IND", "USA"} and f.hs_code.str.len().eq(6).all()
    assert f.value_usd.sum() == pytest.approx(12_000.0) and f.hs_version.eq("HS2017").all()
    d = dyads.set_index(["i", "j"]).sort_index()
    # FRA→IND 1.5 and IND→FRA 0.5 of one product: GL = (2 - 1) / 2.
    assert d.loc[("FRA", "IND"), "grubel_lloyd"] == pytest.approx(0.5)
    # TII = (x_ij / X_i) / (M_j / X_w): FRA→IND = (1.5/1.5) / (1.5/12).
    assert d.loc[("FRA", "IND"), "tii"] == pytest.approx(8.0)
    fi = d.loc[("FRA", "IND")]
    assert fi.share_of_a_trade == pytest.approx(2000 / 12_000) and fi.share_of_b_trade == pytest.approx(1.0)
    assert fi.asymmetry == pytest.approx(6.0) and fi["rank"] == 2 and d.loc[("FRA", "USA"), "rank"] == 1
    assert d.loc[("USA", "FRA"), "grubel_lloyd"] == pytest.approx(0.0)
    r = rca.set_index(["i", "k"]).sort_index().rca
    assert r[("USA", "270900")] == pytest.approx((10 / 10) / (10 / 12))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("t,i,j,k,v,q\n2022,251,699,10121,-1,2\n", "negative"),
        ("t,i,j,k,v,q\n2022,251,699,121,1,2\n", "wrong length"),
        ("t,i,j,k,v,q\n2022,251,699,10121,1,2\n2022,251,699,010121,1,2\n", "duplicated"),
        ("t,i,j,k,v,q\n2022,9999,699,10121,1,2\n", "9999"),
        ("year,exporter,importer\n2022,1,2\n", "not BACI"),
    ],
)
def test_baci_bad_input(tmp_path, text, match):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    p.write_text(text)
    with pytest.raises(SourceFormatError, match=match):
        baci.load([p])


def test_baci_generator_layout(tmp_path):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("gen", Path(__file__).parents[1] / "bench/baci_generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = gen.generate(tmp_path / "BACI_HS17_Y2022_V202401b.csv", flows=3000, n_countries=20)
    assert out.read_text().splitlines()[0] == "t,i,j,k,v,q"
    t = baci.load([out])["trade_flows"]
    assert 0 < t.num_rows <= 3000


def test_bilateral_from_baci_estimated(tmp_path, wh_path):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    p.write_text(BACI_ROWS + "2021,251,699,10121,1.0,2\n2021,699,251,10121,1.0,1\n")
    with Warehouse(wh_path) as wh:
        wh.ingest(baci, [p])
        df = trade.trade(wh, "FRA", "IND", "2022").iloc[0]
        usa = trade.bilateral(wh, "FRA", "USA", "2022").iloc[0]
    assert df.basis == "estimated"
    assert df.exports_a_to_b == pytest.approx(1500.0) and df.imports_a_from_b == pytest.approx(500.0)
    assert df.growth == pytest.approx(2000 / 2000 - 1)
    # FRA's total in BACI 2022: exports 1.5 + imports 0.5 + 10 (from USA) thousand USD.
    assert df.share_of_a_trade == pytest.approx(2000 / 12_000)
    assert df.share_of_b_trade == pytest.approx(1.0)
    assert df["rank"] == 2 and usa["rank"] == 1


V1_EN_HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,"
    "Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,"
    "Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,"
    "Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),"
    "CIF Trade Value (US$),FOB Trade Value (US$),Flag\n"
)


def _v1_row(flow_code=2, reporter=398, partner=156, cmd="2709", value=10.0):
    flow = {1: "Import", 2: "Export", 3: "Re-Export"}[flow_code]
    return (
        f"H4,2015,2015,2015,4,0,{flow_code},{flow},{reporter},Kazakhstan,KAZ,{partner},China,CHN,,,,,,,,{cmd},"
        f"Crude,8,kg,1,,,,1,,{value},,,0\n"
    )


def test_v1_english_csv(tmp_path, wh_path):
    p = tmp_path / "comtrade_v1.csv"
    p.write_text(V1_EN_HEADER + _v1_row() + _v1_row(cmd="2711", value=5.0) + _v1_row(flow_code=3, value=99.0))
    with Warehouse(wh_path) as wh:
        res = wh.ingest(comtrade, [p])
        assert any("re-exports" in n for n in res.notes)
        f = wh.table("trade_flows").to_pandas()
        comp = trade_composition.composition(wh, "KAZ", "CHN", "2015", level="hs4")
    assert set(f.flow) == {"X"} and f.hs_version.eq("HS2012").all() and f.valuation.eq("FOB").all()
    assert comp.share.tolist() == pytest.approx([10 / 15, 5 / 15])
    # China has no report here: its imports from Kazakhstan are Kazakhstan's exports (mirror), × (1 + CIF margin).
    with Warehouse(wh_path, read_only=True) as wh:
        m = trade_composition.composition(wh, "CHN", "KAZ", "2015", level="chapter", flow="M")
    assert m.basis.iloc[0] == "mirror" and m.value_usd.iloc[0] == pytest.approx(15 * (1 + trade.CIF_MARGIN))


def test_complementarity_and_hhi(tmp_path, wh_path):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    # IND imports only product A (chapter 01); FRA exports A and B (chapter 27) half/half → TCI = 50.
    p.write_text("t,i,j,k,v,q\n2022,251,699,10121,1,1\n2022,251,842,270900,1,1\n2022,842,699,10121,3,1\n")
    with Warehouse(wh_path) as wh:
        wh.ingest(baci, [p])
        assert trade_composition.complementarity(wh, "IND", "FRA", "2022") == pytest.approx(50.0)
        assert trade_composition.complementarity(wh, "IND", "USA", "2022") == pytest.approx(100.0)
    h, hn = trade_composition.hhi(pd.Series([1.0, 1.0, 2.0]))
    assert h == pytest.approx(0.25 + 0.0625 * 2) and hn == pytest.approx((h - 1 / 3) / (1 - 1 / 3))


def test_code_list_teaches_unknown_codes(tmp_path, wh_path, shared):
    p = tmp_path / "api.csv"
    p.write_text(API_HEADER + _api_row(par=9001))
    with pytest.raises(SourceFormatError, match="unknown partner"):
        comtrade.load([p])
    codes = tmp_path / "partner_codes.csv"
    codes.write_text(
        ",id,text,PartnerCode,PartnerDesc,partnerNote,PartnerCodeIsoAlpha2,PartnerCodeIsoAlpha3,entryEffectiveDate,"
        "isGroup,entryExpiredDate\n0,9001,Kosovo test,9001,Kosovo test,x,XK,XKX,1900-01-01T00:00:00,False,\n"
        "1,9002,Some group,9002,Some group,x,,EUR,1900-01-01T00:00:00,True,\n"
    )
    with Warehouse(wh_path) as wh:
        wh.ingest(comtrade, [p, codes])
        f = wh.table("trade_flows").to_pandas()
        c = wh.table("trade_codes").to_pandas().set_index("code")
    assert f.partner.tolist() == ["XKX"]
    assert pd.isna(c.loc["9002", "iso3"])
    # The shared v2 lists: World (W00) and groups are not states; Russia is RUS.
    t = comtrade.load([shared / "trade/comtrade_partner_codes.csv"])["trade_codes"].to_pandas().set_index("code")
    assert t.loc["643", "iso3"] == "RUS" and pd.isna(t.loc["0", "iso3"]) and pd.isna(t.loc["899", "iso3"])


def test_hs_sections_agree_with_the_shared_hs_list(shared):
    """The chapter → section table against Comtrade's HS list (99, 'not specified', is outside the sections)."""
    hs = pd.read_csv(shared / "trade/harmonized_system.csv", dtype=str)
    ch = hs[(hs.level == "2") & (hs.hscode != "99")]
    assert len(ch) > 90
    assert all(trade_composition.section_of(c) == s for c, s in zip(ch.hscode, ch.section, strict=True))


def test_composition_from_baci(tmp_path, wh_path):
    p = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
    p.write_text("t,i,j,k,v,q\n2022,251,699,10121,1,1\n2022,251,699,270900,3,1\n2022,699,251,270900,2,1\n")
    with Warehouse(wh_path) as wh:
        wh.ingest(baci, [p])
        x = trade_composition.composition(wh, "FRA", "IND", "2022", level="chapter")
        m = trade_composition.composition(wh, "FRA", "IND", "2022", level="hs6", flow="M")
    assert x.set_index("code").share.to_dict() == pytest.approx({"27": 0.75, "01": 0.25})
    assert x.basis.eq("estimated").all() and m.code.tolist() == ["270900"] and m.value_usd.iloc[0] == 2000.0


def test_same_flow_in_two_files_is_an_error(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(API_HEADER + _api_row())
    b.write_text(API_HEADER + _api_row())
    with pytest.raises(SourceFormatError, match=r"a\.csv, b\.csv"):
        comtrade.load([a, b])
