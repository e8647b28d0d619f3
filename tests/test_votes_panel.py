"""All dyads at once, percentiles, neighbours, matrix, subsets, and bad vote files (synthetic .rda)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import sources
from dyadwatch.errors import NoDataError, SourceFormatError
from dyadwatch.indicators import votes as iv
from dyadwatch.indicators import votes_measures as vm
from dyadwatch.indicators import votes_panel as vp
from dyadwatch.sources._files import read_rdata
from dyadwatch.warehouse import Warehouse


@pytest.fixture(scope="module")
def panel(full_wh):
    return vp.all_dyads(full_wh, source="unvotes")


def test_panel_equals_single_dyad_measures(full_wh, panel):
    for a, b in (("CHN", "RUS"), ("USA", "CHN"), ("IND", "PAK"), ("GBR", "FRA")):
        one = iv.measures(full_wh, a, b, measure="all", source="unvotes")
        one = one[one.n > 0].reset_index(drop=True)
        rows = vp.dyad_rows(panel, a, b)
        rows = rows[rows.n > 0].reset_index(drop=True)
        assert rows.year.tolist() == one.year.tolist()
        assert rows.n.tolist() == one.n.tolist()
        for k in vm.MEASURES:
            np.testing.assert_allclose(rows[k].to_numpy(), one[k].to_numpy(), atol=1e-12, equal_nan=True)


def test_panel_is_undirected_and_complete(panel):
    assert (panel.iso3_a < panel.iso3_b).all()
    assert not panel.duplicated(["iso3_a", "iso3_b", "year"]).any()
    y = panel[panel.year == 2019]
    states = set(y.iso3_a) | set(y.iso3_b)
    assert len(y) == len(states) * (len(states) - 1) // 2 and len(states) > 180


def test_percentile_matches_a_plain_count(panel):
    pct = vp.with_percentiles(panel, ["agreement", "kappa"])
    row = vp.dyad_rows(pct, "RUS", "CHN")
    for year in (1995, 2019):
        r = row[row.year == year].iloc[0]
        all_y = panel[(panel.year == year) & panel.kappa.notna()].kappa
        assert r.kappa_pct == pytest.approx(100 * (all_y <= r.kappa).mean())
    assert pct.agreement_pct.between(0, 100).all() or pct.agreement_pct.isna().any()


def test_neighbours(panel):
    nb = vp.neighbours(panel, "CHN", 2019, measure="agreement", top=5, min_n=20)
    assert nb["rank"].tolist() == [1, 2, 3, 4, 5] and "CHN" not in nb.iso3.tolist()
    assert (nb.n >= 20).all() and nb.agreement.is_monotonic_decreasing
    mine = panel[(panel.year == 2019) & ((panel.iso3_a == "CHN") | (panel.iso3_b == "CHN")) & (panel.n >= 20)]
    assert nb.agreement.iloc[0] == mine.agreement.max()
    with pytest.raises(NoDataError, match="No shared"):
        vp.neighbours(panel, "CHN", 1960)


def test_matrix_is_symmetric_and_clustered(panel):
    states = ["CHN", "RUS", "USA", "ISR", "GBR", "FRA", "IND", "CUB"]
    m = vp.matrix(panel, 2019, states=states)
    assert sorted(m.index) == sorted(states) and list(m.index) == list(m.columns)
    np.testing.assert_allclose(m.to_numpy(), m.to_numpy().T)
    assert (np.diag(m.to_numpy()) == 1).all()
    order = list(m.index)
    assert abs(order.index("USA") - order.index("ISR")) == 1  # agreement 0.94 in 2019: the closest pair
    assert abs(order.index("GBR") - order.index("FRA")) == 1


def test_subsets_match_pandas(full_wh, shared):
    v = read_rdata(shared / "unga/un_votes.rda", "test")
    rc = read_rdata(shared / "unga/un_roll_calls.rda", "test")
    iss = read_rdata(shared / "unga/un_roll_call_issues.rda", "test")
    rc["year"] = pd.to_datetime(rc.date).dt.year
    a = v[v.country_code == "CN"][["rcid", "vote"]]
    b = v[v.country_code == "RU"][["rcid", "vote"]]
    m = a.merge(b, on="rcid").merge(rc[["rcid", "year", "importantvote", "descr", "short"]], on="rcid")
    hr = set(iss[iss.short_name == "hr"].rcid)

    def check(df, sub):
        same = sub.vote_x.astype(str) == sub.vote_y.astype(str)
        want = same.groupby(sub.year).mean()
        got = df[df.n > 0].set_index("year").agreement
        assert got.index.tolist() == want.index.tolist()
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=1e-12)

    check(iv.measures(full_wh, "CHN", "RUS", source="unvotes", issue="hr"), m[m.rcid.isin(hr)])
    check(iv.measures(full_wh, "CHN", "RUS", source="unvotes", important=True), m[m.importantvote == 1])
    text = (m.short.fillna("") + " — " + m.descr.fillna("")).str.lower()
    check(iv.measures(full_wh, "CHN", "RUS", source="unvotes", match="Nuclear"), m[text.str.contains("nuclear")])
    with pytest.raises(iv.SubsetError, match="choose from"):
        iv.measures(full_wh, "CHN", "RUS", issue="xx")
    with pytest.raises(iv.SubsetError, match="descriptions"):
        iv.measures(full_wh, "CHN", "RUS", source="voeten", match="nuclear")


def test_issue_breakdown(full_wh):
    df = iv.issue_breakdown(full_wh, "CHN", "RUS", source="unvotes")
    votes, _ = vp.load_frames(full_wh, "unvotes")
    cols = ["rcid", "year", *[f"issue_{i}" for i in iv.ISSUE_AREAS]]
    rc = iv.roll_calls_expr(full_wh, "unvotes").select(*cols).to_pyarrow().to_pandas()
    fast = iv.issue_panel(votes[votes.iso3.isin(["CHN", "RUS"])], rc)  # the pack's all-dyads route
    fast = fast.sort_values(["issue", "period"]).reset_index(drop=True)
    assert fast.n.tolist() == df.n.tolist()
    np.testing.assert_allclose(fast.agreement, df.agreement, atol=1e-12)
    assert set(df.issue) == {"all", *iv.ISSUE_AREAS}
    total = iv.measures(full_wh, "CHN", "RUS", source="unvotes", year_from=2010, year_to=2019)
    row = df[(df.issue == "all") & (df.period == 2010)].iloc[0]
    assert row.n == total.n.sum()


# ---- bad input, on small files written in the publishers' layouts ----


def _voeten_df(rows):
    df = pd.DataFrame(rows, columns=["rcid", "ccode", "vote", "date"])
    df["session"] = 50.0
    df["importantvote"] = 0.0
    df["year"] = 1995.0
    df["unres"] = "R/50/1"
    for i in ("me", "nu", "di", "hr", "co", "ec"):
        df[i] = 0.0
    return df


def _write_voeten(tmp_path, rows):
    import pyreadr

    path = tmp_path / "UNVotesPublished.RData"
    pyreadr.write_rdata(str(path), _voeten_df(rows), df_name="x")
    return path


def test_voeten_bad_vote_code_and_duplicates(tmp_path):
    good = [(1, 2, 1.0, "10/01/1995"), (1, 710, 1.0, "10/01/1995")]
    with pytest.raises(SourceFormatError, match=r"codes \[5(\.0)?\] outside 1 yes.*rows \[3\]"):
        sources.get("voeten").load([_write_voeten(tmp_path, [*good, (1, 365, 5.0, "10/01/1995")])])
    with pytest.raises(SourceFormatError, match="repeat a"):
        sources.get("voeten").load([_write_voeten(tmp_path, [*good, (1, 710, 3.0, "10/01/1995")])])


def test_unvotes_vote_without_roll_call(tmp_path):
    import pyreadr

    votes = pd.DataFrame({"rcid": [1.0, 2.0], "country": ["China", "China"], "country_code": ["CN", "CN"],
                          "vote": ["yes", "no"]})  # fmt: skip
    rc = pd.DataFrame({"rcid": [1.0], "session": [50.0], "importantvote": [0.0], "date": ["1995-10-01"],
                       "unres": ["R/50/1"], "short": ["x"], "descr": ["y"]})  # fmt: skip
    iss = pd.DataFrame({"rcid": [1.0], "short_name": ["hr"]})
    paths = []
    for name, df in (("un_votes", votes), ("un_roll_calls", rc), ("un_roll_call_issues", iss)):
        paths.append(tmp_path / f"{name}.rda")
        pyreadr.write_rdata(str(paths[-1]), df, df_name=name)
    with pytest.raises(SourceFormatError, match=r"roll calls that are not in the roll-call table \(rcid \[2\]\)"):
        sources.get("unvotes").load(paths)


def test_year_with_no_shared_roll_calls_is_null_in_panel_and_dyad(tmp_path):
    rows = [
        (1, 2, 1.0, "10/01/1995"), (1, 710, 3.0, "10/01/1995"), (2, 2, 2.0, "10/02/1995"), (2, 710, 1.0, "10/02/1995"),
        (3, 2, 1.0, "10/01/1996"), (3, 710, 8.0, "10/01/1996"), (4, 2, 9.0, "10/02/1996"), (4, 710, 1.0, "10/02/1996"),
    ]  # fmt: skip
    path = _write_voeten(tmp_path, rows)
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.ingest(sources.get("voeten"), [path])
        one = iv.measures(wh, "USA", "CHN", measure="all")
        p = vp.all_dyads(wh)
    assert one.year.tolist() == [1995, 1996] and one.n.tolist() == [2, 0]
    assert one.iloc[1][list(vm.MEASURES)].isna().all()
    assert one.agreement.iloc[0] == 0.0 and one.s_abs.iloc[0] == pytest.approx(1 - 2 * ((2 + 1) / 2) / 2)
    r = p[p.year == 1996].iloc[0]
    assert r.n == 0 and pd.isna(r.agreement)


@pytest.mark.slow
def test_pack_equals_the_warehouse_computation(full_wh, fresh_machine):
    """The embedded pack's figures (measures, 95% bands, percentiles) are what the warehouse path computes."""
    from dyadwatch import api

    kw = {"measure": "all", "ci": 0.95, "seed": 0, "percentile": True}
    offline = api.votes("CHN", "RUS", db=None, **kw)
    online = api.votes("CHN", "RUS", wh=full_wh, source="unvotes", **kw)
    assert offline.basis == "pack" and online.basis == "warehouse"
    a, b = offline.data, online.data[offline.data.columns]
    pd.testing.assert_series_equal(a.n, b.n)
    for c in a.columns[2:]:
        tol = 0.051 if c.endswith("_pct") else 6e-4 if c.endswith(("_lo", "_hi")) else 6e-5
        np.testing.assert_allclose(a[c], b[c], atol=tol, equal_nan=True, err_msg=c)


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 30), st.integers(0, 2**32 - 1), st.sampled_from([None, 0, 1, 2]))
def test_average_linkage_order_is_scipys(n, seed, decimals):
    """The matrix's own UPGMA gives scipy's leaves_list order, ties (rounded distances) included."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    from dyadwatch.indicators.votes_panel import average_linkage_order

    x = np.random.default_rng(seed).random((n, n))
    x = (x + x.T) / 2
    if decimals is not None:
        x = np.round(x, decimals)  # many exact ties
    np.fill_diagonal(x, 0.0)
    want = [int(i) for i in leaves_list(linkage(squareform(x, checks=False), method="average"))]
    assert average_linkage_order(x) == want
