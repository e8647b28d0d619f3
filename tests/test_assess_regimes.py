"""The democracy source (ccode_democracy.rda) and the regime indicator behind "both autocracies, but different"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import api, pack, sources
from dyadwatch.api import as_store
from dyadwatch.errors import SourceFormatError
from dyadwatch.indicators import regimes
from dyadwatch.store import pack_store
from dyadwatch.warehouse import Warehouse

SRC = sources.get("democracy")


@pytest.fixture(scope="module")
def regimes_wh(full_wh):
    return full_wh


def test_real_file_matches_plain_pandas(regimes_wh, shared):
    raw = pyreadr.read_r(str(shared / "regimes/ccode_democracy.rda"))["ccode_democracy"]
    got = regimes.scores(regimes_wh, ["CHN", "RUS", "MNG"])
    assert len(regimes_wh.table("regimes").to_pandas()) == len(raw)
    for iso3, cow in (("CHN", 710), ("RUS", 365), ("MNG", 712)):
        r = raw[raw.ccode == cow].sort_values("year").reset_index(drop=True)
        g = got[got.iso3 == iso3].reset_index(drop=True)
        assert g.year.tolist() == r.year.astype(int).tolist()
        np.testing.assert_allclose(g.polyarchy, r.v2x_polyarchy, equal_nan=True)
        np.testing.assert_allclose(g.polity2, r.polity2, equal_nan=True)
        np.testing.assert_allclose(g.uds, r.xm_qudsest, equal_nan=True)
    # missing stays NULL: Polity2 ends in 2017, it is not 0 after
    chn = got[(got.iso3 == "CHN") & (got.year == 2019)].iloc[0]
    assert pd.isna(chn.polity2) and chn.polyarchy > 0


def test_both_autocracies_but_different(regimes_wh):
    df = regimes.scores(regimes_wh, ["CHN", "RUS"], 2017, 2017)
    d = regimes.dyad(df, "CHN", "RUS").iloc[0]
    assert regimes.regime_type(d.polity2_a) == "autocracy"  # China −7
    assert regimes.regime_type(d.polity2_b) == "anocracy"  # Russia 4: not a democracy either, but not China
    assert d.polyarchy_a < 0.5 and d.polyarchy_b < 0.5 and d.polyarchy_gap > 0.1


def test_pack_table_equals_a_rebuild(regimes_wh):
    """The committed pack's regime table is what the PackTable builds from the real file."""
    built = regimes.build_pack(regimes_wh, pack.FOCUS).reset_index(drop=True)
    committed = pack_store().frame("regime_scores")
    pd.testing.assert_frame_equal(
        built[["iso3", "year"]].astype(str), committed[["iso3", "year"]].astype(str), check_dtype=False
    )
    np.testing.assert_allclose(built.polyarchy, committed.polyarchy, equal_nan=True, rtol=1e-9)
    assert SRC.META.redistributable  # pack inputs must be redistributable


def test_load_scores_falls_back_to_the_pack():
    res = api.regimes(["CHN", "RUS"], wh=as_store(None))
    df, basis = res.data, res.basis
    assert basis == "pack" and set(df.iso3) == {"CHN", "RUS"} and df.year.max() >= 2019


def _rda(path, df: pd.DataFrame) -> None:
    pyreadr.write_rdata(str(path), df, df_name="ccode_democracy")


GOOD = pd.DataFrame(
    {"ccode": [710.0, 710.0, 365.0], "year": [2000.0, 2001.0, 2000.0], "v2x_polyarchy": [0.1, 0.1, 0.4],
     "polity2": [-7.0, -7.0, 6.0], "xm_qudsest": [-0.5, -0.5, 0.3]}
)  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda d: d.drop(columns="polity2"), "missing column(s) ['polity2']"),
        (lambda d: d.assign(polity2=[-7.0, 12.0, 6.0]), "row 2, column 'polity2' = 12.0 is outside"),
        (lambda d: d.assign(year=[2000.0, 2000.0, 2000.0]), "repeats (row 2)"),
        (lambda d: d.assign(ccode=[710.0, 710.5, 365.0]), "column 'ccode' must hold whole numbers; row 2"),
        (lambda d: d.assign(ccode=[710.0, 710.0, 99999.0]), "COW codes dyadwatch does not know: [99999]"),
    ],
)
def test_bad_files_name_row_column_and_fix(tmp_path, mutate, words):
    p = tmp_path / "ccode_democracy.rda"
    _rda(p, mutate(GOOD.copy()))
    with pytest.raises(SourceFormatError) as e:
        SRC.load([p])
    assert str(p) in str(e.value) and words in str(e.value)


def test_wrong_files_rejected(tmp_path, wh_path):
    lfs = tmp_path / "ccode_democracy.rda"
    lfs.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n")
    with pytest.raises(SourceFormatError, match="Git LFS pointer"):
        SRC.load([lfs])
    with pytest.raises(SourceFormatError, match="exactly one path"):
        SRC.load([lfs, lfs])
    # nothing half-ingested: a failing load leaves the warehouse without the table
    with Warehouse(wh_path) as wh, pytest.raises(SourceFormatError):
        wh.ingest(SRC, [lfs])
    with Warehouse(wh_path, read_only=True) as wh:
        assert not wh.has("regimes")


rows = st.lists(
    st.tuples(
        st.sampled_from([2, 200, 365, 710, 712]),
        st.integers(1900, 2020),
        st.one_of(st.none(), st.floats(0, 1)),
        st.one_of(st.none(), st.integers(-10, 10).map(float)),
        st.one_of(st.none(), st.floats(-3, 3)),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=40, deadline=None)
@given(rows)
def test_loader_property_keeps_values_and_nulls(tmp_path_factory, data):
    df = pd.DataFrame(data, columns=["ccode", "year", "v2x_polyarchy", "polity2", "xm_qudsest"]).astype(float)
    p = tmp_path_factory.mktemp("h") / "ccode_democracy.rda"
    _rda(p, df)
    out = SRC.load([p])["regimes"].to_pandas()
    assert len(out) == len(df)
    for raw, col in (("v2x_polyarchy", "polyarchy"), ("polity2", "polity2"), ("xm_qudsest", "uds")):
        assert out[col].isna().tolist() == df[raw].isna().tolist()  # NULL stays NULL, never 0
        np.testing.assert_allclose(out[col].dropna(), df[raw].dropna())
    assert set(out.iso3) <= {"USA", "GBR", "RUS", "CHN", "MNG"}


@given(st.lists(st.integers(-10, 10), min_size=1, max_size=40))
def test_democratic_since_is_the_start_of_the_final_run(scores):
    df = pd.DataFrame({"iso3": "XXX", "year": range(1980, 1980 + len(scores)), "polity2": scores})
    start = regimes.democratic_since(df, "XXX", "polity2")
    if scores[-1] < 6:
        assert start is None
    else:
        i = start - 1980
        assert all(s >= 6 for s in scores[i:])
        assert i == 0 or scores[i - 1] < 6
