"""The conflict sources on the real files: row counts, codes, -9 as NULL, known facts, bad input."""

from __future__ import annotations

import bz2
import gzip
import lzma
import warnings

import pandas as pd
import pyreadr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflict_data import conflict_warehouse
from dyadwatch import sources
from dyadwatch.errors import SourceFormatError
from dyadwatch.warehouse import Warehouse


@pytest.fixture(scope="module")
def cw(tmp_path_factory, shared):
    wh = conflict_warehouse(tmp_path_factory, shared)
    yield wh
    wh.close()


def q(wh, sql):
    return wh.con.execute(sql).df()


def test_frames_have_the_published_row_counts(cw, shared):
    n = q(cw, "SELECT system, count(*) n FROM dyad_frames GROUP BY 1").set_index("system").n
    raw_cow = pyreadr.read_r(str(shared / "conflict/cow_ddy.rda"))["cow_ddy"]
    raw_gw = pyreadr.read_r(str(shared / "conflict/gw_ddy.rda"))["gw_ddy"]
    assert n["cow"] == len(raw_cow) == 2_214_930
    assert n["gw"] == len(raw_gw) == 2_599_466
    micro = q(cw, "SELECT sum(microstate_a) s FROM dyad_frames WHERE system = 'gw'").s[0]
    assert micro == raw_gw.microstate1.sum() > 0


def test_generated_cow_frame_equals_the_published_one(cw, shared):
    from dyadwatch.panel.frames import generate_cow_ddy

    gen = generate_cow_ddy(cw.table("state_system").to_pandas(), extend_to=2024)  # as peacesciencer built it
    raw = pyreadr.read_r(str(shared / "conflict/cow_ddy.rda"))["cow_ddy"]
    raw = raw.rename(columns={"ccode1": "code_a", "ccode2": "code_b"}).astype(int)
    raw = raw.sort_values(["code_a", "code_b", "year"], ignore_index=True)
    pd.testing.assert_frame_equal(gen.astype(int), raw[["code_a", "code_b", "year"]])


def test_states_and_majors(cw):
    st = q(cw, "SELECT * FROM state_system")
    assert (st.kind == "member").sum() == 243 and (st.kind == "major").sum() == 14
    ussr = st[(st.code == 365) & (st.kind == "major")]
    assert ussr.iso3.unique().tolist() == ["RUS"] and sorted(ussr.start.dt.year) == [1816, 1922]
    chn = st[(st.code == 710) & (st.kind == "major")].iloc[0]
    assert pd.Timestamp(chn.start).year == 1950 and chn["name"] == "China"


def test_the_1969_border_clash_in_gml_and_cow(cw):
    m = q(cw, "SELECT * FROM mids WHERE source = 'gml_mid' AND cow_a = 710 AND cow_b = 365 AND year IN (1968, 1969) "
              "ORDER BY year")  # fmt: skip
    # GML dispute 349 begins in December 1968 and is ongoing in 1969 with use of force; its fatality is -9.
    assert m.dispnum.tolist() == [349, 349] and m.onset.tolist() == [1, 0] and m.ongoing.tolist() == [1, 1]
    assert m.hostlev.tolist() == [4, 4] and m.fatality.isna().all() and m.stmon.iloc[0] == 12
    assert (m.iso3_a.iloc[0], m.iso3_b.iloc[0]) == ("CHN", "RUS")
    c = q(cw, "SELECT * FROM mids WHERE source = 'cow_mid' AND cow_a = 710 AND cow_b = 365 AND year = 1969")
    assert c.onset[0] == 1 and c.fatality[0] >= 1 and c.dispnum[0] == 349  # COW MID5 dates it 1969, fatal
    # Both directions are listed, with the sides swapped.
    back = q(cw, "SELECT * FROM mids WHERE source = 'cow_mid' AND cow_a = 365 AND cow_b = 710 AND year = 1969")
    assert back.hiact_a[0] == c.hiact_b[0] and back.sidea_a[0] == c.sidea_b[0]


def test_mid_unknowns_are_null_never_minus_nine(cw, shared):
    raw = pyreadr.read_r(str(shared / "conflict/gml_mid_ddydisps.rda"))["gml_mid_ddydisps"]
    m = q(cw, "SELECT * FROM mids WHERE source = 'gml_mid'")
    assert len(m) == len(raw) == 9284
    assert m.fatality.isna().sum() == (raw.fatality == -9).sum() == 366
    assert (m.select_dtypes("number") == -9).sum().sum() == 0
    d = q(cw, "SELECT source, count(*) n, min(year) lo, max(year) hi FROM mids GROUP BY 1").set_index("source")
    assert d.loc["cow_mid"].hi == 2014 and d.loc["gml_mid"].hi == 2010 and d.loc["gml_dirdisp"].n == 10276
    assert q(cw, "SELECT count(*) n FROM mids WHERE source = 'gml_dirdisp' AND revstate_a IS NOT NULL").n[0] > 0


def test_rivalries_and_their_types(cw):
    r = q(cw, "SELECT * FROM rivalries WHERE source = 'td_rivalry' AND name = 'China-Russia 2'").iloc[0]
    assert (r.start, r.end, r.spatial, r.positional, r.ideological, r.interventionary) == (1958, 1989, 1, 1, 1, 0)
    t = q(cw, "SELECT * FROM rivalries WHERE source = 'tss_rivalry' AND cow_a = 750 AND cow_b = 770").iloc[0]
    assert (t.start, t.end, t.principal) == (1947, 2020, 1)
    venice = q(cw, "SELECT * FROM rivalries WHERE cow_a = 324 OR cow_b = 324")
    assert len(venice) > 0 and venice.iso3_a.isna().any() | venice.iso3_b.isna().any()


def test_capabilities_gdp_and_igos(cw, shared):
    raw = pyreadr.read_r(str(shared / "conflict/cow_nmc.rda"))["cow_nmc"]
    c = q(cw, "SELECT * FROM capabilities")
    assert len(c) == len(raw) and c.milex.isna().sum() == raw.milex.isna().sum() + (raw.milex == -9).sum() > 0
    chn = c[(c.cow == 710) & (c.year == 2010)].cinc.iloc[0]
    assert chn == pytest.approx(raw[(raw.ccode == 710) & (raw.year == 2010)].cinc.iloc[0])
    g = q(cw, "SELECT * FROM economy_state_year WHERE cow = 2 AND year = 2000").iloc[0]
    assert 20 < g.ln_gdp < 40  # a natural log, as published
    i = q(cw, "SELECT igos FROM igo_dyad_year WHERE cow_a = 365 AND cow_b = 710 AND year = 2014").igos[0]
    raw_i = pyreadr.read_r(str(shared / "conflict/cow_igo_ndy.rda"))["cow_igo_ndy"]
    assert i == raw_i[(raw_i.ccode1 == 365) & (raw_i.ccode2 == 710) & (raw_i.year == 2014)].dyadigos.iloc[0]


def test_versions_agree_with_peacesciencers_record(cw):
    v = q(cw, "SELECT * FROM data_versions").drop_duplicates("bibtexkey").set_index("bibtexkey").version
    assert v["gibleretal2016amid"] == sources.get("gml_mid").META.version == "2.2.1"
    assert v["cowstates2016"] == sources.get("cow_states").META.version == "2016"
    assert v["thompsondreyer2012hir"] == "2012" and sources.get("td_rivalry").META.version.startswith("2012")
    assert v["pevehouseetal2020tow"] == "3" and sources.get("cow_igo").META.version.startswith("3")
    assert v["palmeretal2021mid5"] == "5" and sources.get("cow_mid").META.version.startswith("5")
    for name in ("cow_states", "gml_mid", "cow_mid", "td_rivalry", "cow_nmc", "sdp_gdp", "cow_igo"):
        assert sources.get(name).META.bibtex_entry().startswith("@")


@pytest.mark.parametrize(
    "name, file",
    [("gml_mid", "conflict/gml_mid_ddydisps.rda"), ("td_rivalry", "conflict/td_rivalries.rda"),
     ("cow_nmc", "conflict/cow_nmc.rda"), ("cow_igo", "conflict/cow_igo_ndy.rda")],
)  # fmt: skip
def test_a_truncated_file_is_one_clear_error_and_leaves_the_warehouse_as_it_was(tmp_path, shared, name, file):
    bad = tmp_path / (shared / file).name
    data = (shared / file).read_bytes()
    codec = gzip if data[:2] == b"\x1f\x8b" else bz2 if data[:2] == b"BZ" else lzma  # R saves with any of three
    bad.write_bytes(codec.compress(codec.decompress(data)[:3000]))  # an R file cut short, still compressed
    with Warehouse(tmp_path / "w.duckdb") as wh:
        before = wh.tables()
        with pytest.raises(SourceFormatError, match=str(bad.name)):
            wh.ingest(sources.get(name), [bad])
        assert wh.tables() == before and wh.ingests() == []


def test_the_wrong_file_names_the_object_it_expected(tmp_path, shared):
    with pytest.raises(SourceFormatError, match="expected an R object named 'td_rivalries'"):
        sources.get("td_rivalry").load([shared / "conflict/tss_rivalries.rda"])


def test_a_bad_value_names_row_and_column(tmp_path, shared):
    df = pyreadr.read_r(str(shared / "conflict/cow_nmc.rda"))["cow_nmc"]
    df.loc[41, "cinc"] = 1.7
    bad = tmp_path / "cow_nmc.rda"
    pyreadr.write_rdata(str(bad), df, df_name="cow_nmc", compress="gzip")
    with pytest.raises(SourceFormatError, match=r"row 42: CINC above 1"):
        sources.get("cow_nmc").load([bad])
    df = pyreadr.read_r(str(shared / "conflict/gml_mid_ddydisps.rda"))["gml_mid_ddydisps"]
    df.loc[9, "hostlev"] = 7
    bad = tmp_path / "gml_mid_ddydisps.rda"
    pyreadr.write_rdata(str(bad), df, df_name="gml_mid_ddydisps", compress="gzip")
    with pytest.raises(SourceFormatError, match=r"row 10, column 'hostlev' = 7"):
        sources.get("gml_mid").load([bad])


def test_entities_outside_the_cow_list_are_a_data_warning(shared):
    from dyadwatch.sources._files import DataWarning

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t = sources.get("sdp_gdp").load([shared / "regimes/cow_sdp_gdp.rda"])["economy_state_year"]
    assert any(issubclass(x.category, DataWarning) and "563" in str(x.message) for x in w)
    df = t.to_pandas()
    assert df[df.cow == 563].iso3.isna().all() and len(df) == 27753


@pytest.fixture(scope="module")
def raw_and_loaded(cw, shared):
    raw = {
        "nmc": pyreadr.read_r(str(shared / "conflict/cow_nmc.rda"))["cow_nmc"],
        "mid": pyreadr.read_r(str(shared / "conflict/cow_mid_ddydisps.rda"))["cow_mid_ddydisps"],
    }
    loaded = {
        "nmc": q(cw, "SELECT * FROM capabilities").set_index(["cow", "year"]),
        "mid": q(cw, "SELECT * FROM mids WHERE source = 'cow_mid'").set_index(["cow_a", "cow_b", "year"]),
    }
    return raw, loaded


@settings(max_examples=200, deadline=None)
@given(i=st.integers(0, 17_120), j=st.integers(0, 10_233))
def test_loaded_rows_equal_the_raw_rows_with_minus_nine_as_null(raw_and_loaded, i, j):
    raw, loaded = raw_and_loaded
    r = raw["nmc"].iloc[i]
    got = loaded["nmc"].loc[(int(r.ccode), int(r.year))]
    for col in ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc"):
        assert (pd.isna(got[col]) and (pd.isna(r[col]) or r[col] == -9)) or got[col] == pytest.approx(r[col])
    m = raw["mid"].iloc[j]
    g = loaded["mid"].loc[(int(m.ccode1), int(m.ccode2), int(m.year))]
    for mine, theirs in (("onset", "cowmidonset"), ("hostlev", "hostlev"), ("fatality_a", "fatality1"),
                         ("hiact_b", "hiact2"), ("sidea_a", "sidea1"), ("fatality", "fatality")):  # fmt: skip
        assert (pd.isna(g[mine]) and (pd.isna(m[theirs]) or m[theirs] == -9)) or g[mine] == m[theirs]
