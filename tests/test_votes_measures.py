"""Every similarity measure against an independent computation from the raw files, plus properties.

The reference below reads UNVotesPublished.RData / un_votes.rda with pyreadr, pairs the two
states' votes roll call by roll call in pandas, and computes each measure with plain Python
loops from its textbook definition (κ and weighted κ also with scikit-learn's cohen_kappa_score).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from dyadwatch.indicators import votes as iv
from dyadwatch.indicators import votes_measures as vm
from dyadwatch.sources._files import read_rdata


@pytest.fixture(scope="module")
def voeten_raw(shared):
    x = read_rdata(shared / "unga/UNVotesPublished.RData", "test")
    year = pd.to_datetime(x.date, format="%m/%d/%Y", errors="coerce").dt.year.fillna(x.year)
    return x.assign(y=year.astype(int))


def reference(va: list[int], vb: list[int]) -> dict[str, float]:
    """Each measure from its definition, in plain Python (votes 1 yes, 2 abstain, 3 no)."""
    pairs = [(a, b) for a, b in zip(va, vb, strict=True) if a in (1, 2, 3) and b in (1, 2, 3)]
    n = len(pairs)
    if n == 0:
        return {"n": 0}
    same = sum(a == b for a, b in pairs) / n
    half = sum(1.0 if a == b else 0.5 if 2 in (a, b) else 0.0 for a, b in pairs) / n
    s_abs = 1 - 2 * (sum(abs(a - b) for a, b in pairs) / n) / 2
    s_sq = 1 - 2 * (sum((a - b) ** 2 for a, b in pairs) / n) / 4
    pa = {k: sum(a == k for a, _ in pairs) / n for k in (1, 2, 3)}
    pb = {k: sum(b == k for _, b in pairs) / n for k in (1, 2, 3)}
    pool = {k: (pa[k] + pb[k]) / 2 for k in (1, 2, 3)}
    pe_pi = sum(v * v for v in pool.values())
    pe_k = sum(pa[k] * pb[k] for k in (1, 2, 3))
    obs_sq = sum((a - b) ** 2 for a, b in pairs) / n
    exp_sq_pi = sum(pool[k] * pool[j] * (k - j) ** 2 for k in (1, 2, 3) for j in (1, 2, 3))
    exp_sq_k = sum(pa[k] * pb[j] * (k - j) ** 2 for k in (1, 2, 3) for j in (1, 2, 3))
    nan = float("nan")
    return {
        "n": n,
        "agreement": same,
        "agreement_half": half,
        "s_abs": s_abs,
        "s_sq": s_sq,
        "pi": (same - pe_pi) / (1 - pe_pi) if pe_pi < 1 else nan,
        "kappa": (same - pe_k) / (1 - pe_k) if pe_k < 1 else nan,
        "pi_sq": 1 - obs_sq / exp_sq_pi if exp_sq_pi > 0 else nan,
        "kappa_sq": 1 - obs_sq / exp_sq_k if exp_sq_k > 0 else nan,
    }


def _close(got: float, want: float) -> bool:
    if isinstance(want, float) and math.isnan(want):
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got == pytest.approx(want, abs=1e-12)


DYADS = [(710, 365, "CHN", "RUS"), (710, 2, "CHN", "USA"), (750, 770, "IND", "PAK"), (2, 666, "USA", "ISR")]
YEARS = [1950, 1975, 1985, 1995, 2005, 2015]


@pytest.mark.parametrize(("c1", "c2", "i1", "i2"), DYADS)
def test_voeten_every_measure_matches_plain_python(full_wh, voeten_raw, c1, c2, i1, i2):
    ours = iv.measures(full_wh, i1, i2, measure="all", source="voeten").set_index("year")
    x = voeten_raw
    checked = 0
    for year in YEARS:
        a = x[(x.ccode == c1) & (x.y == year)][["rcid", "vote"]]
        b = x[(x.ccode == c2) & (x.y == year)][["rcid", "vote"]]
        m = a.merge(b, on="rcid", suffixes=("_a", "_b"))
        ref = reference(m.vote_a.astype(int).tolist(), m.vote_b.astype(int).tolist())
        row = ours.loc[year]
        assert int(row["n"]) == ref["n"], (i1, i2, year)
        if ref["n"] == 0:
            assert row[list(vm.MEASURES)].isna().all()
            continue
        checked += 1
        for k in vm.MEASURES:
            assert _close(float(row[k]), ref[k]), (i1, i2, year, k, row[k], ref[k])
        both = m[m.vote_a.isin([1, 2, 3]) & m.vote_b.isin([1, 2, 3])]
        if both.vote_a.nunique() > 1 or both.vote_b.nunique() > 1:  # sklearn's κ, an independent implementation
            assert float(row["kappa"]) == pytest.approx(cohen_kappa_score(both.vote_a, both.vote_b), abs=1e-9)
            assert float(row["kappa_sq"]) == pytest.approx(
                cohen_kappa_score(both.vote_a, both.vote_b, weights="quadratic"), abs=1e-9
            )
    assert checked >= 3


def test_unvotes_china_russia_and_usa_match_plain_python(full_wh, shared):
    v = read_rdata(shared / "unga/un_votes.rda", "test")
    rc = read_rdata(shared / "unga/un_roll_calls.rda", "test")
    years = dict(zip(rc.rcid, pd.to_datetime(rc.date).dt.year, strict=True))
    code = {"yes": 1, "abstain": 2, "no": 3}
    for other, iso in (("RU", "RUS"), ("US", "USA")):
        ours = iv.measures(full_wh, "CHN", iso, measure="all", source="unvotes").set_index("year")
        a = v[v.country_code == "CN"][["rcid", "vote"]]
        b = v[v.country_code == other][["rcid", "vote"]]
        m = a.merge(b, on="rcid", suffixes=("_a", "_b"))
        m["year"] = m.rcid.map(years)
        for year in (1980, 2001, 2014, 2019):
            d = m[m.year == year]
            ref = reference(d.vote_a.astype(str).map(code).tolist(), d.vote_b.astype(str).map(code).tolist())
            for k in ("n", *vm.MEASURES):
                assert _close(float(ours.loc[year, k]), ref[k]), (iso, year, k)


def test_year_without_shared_roll_calls_is_null_for_every_measure(full_wh):
    df = iv.measures(full_wh, "CHN", "RUS", measure="all", source="voeten", year_to=1970)
    assert len(df) > 20 and (df.n == 0).all()
    assert df[list(vm.MEASURES)].isna().all().all()


# ---- bootstrap ----


def test_bootstrap_is_seeded_and_independent_of_the_period(full_wh):
    kw = {"measure": "all", "source": "unvotes", "ci": 0.95}
    one = iv.measures(full_wh, "CHN", "RUS", year_from=2000, seed=7, **kw)
    again = iv.measures(full_wh, "CHN", "RUS", year_from=2000, seed=7, **kw)
    other = iv.measures(full_wh, "CHN", "RUS", year_from=2000, seed=8, **kw)
    part = iv.measures(full_wh, "CHN", "RUS", year_from=2010, seed=7, **kw)
    pd.testing.assert_frame_equal(one, again)
    assert not np.allclose(one.kappa_lo, other.kappa_lo)
    pd.testing.assert_frame_equal(one[one.year >= 2010].reset_index(drop=True), part)
    for k in vm.MEASURES:
        assert (one[f"{k}_lo"] <= one[f"{k}_hi"]).all()
        assert ((one[f"{k}_lo"] <= one[k] + 1e-9) & (one[k] <= one[f"{k}_hi"] + 1e-9)).mean() > 0.9


def test_bootstrap_resamples_roll_calls():
    """The multinomial shortcut has the spread of literal resampling of roll calls (checked by simulation)."""
    rng = np.random.default_rng(1)
    a = rng.choice([1, 2, 3], size=80, p=[0.6, 0.2, 0.2])
    b = np.where(rng.random(80) < 0.7, a, rng.choice([1, 2, 3], size=80))
    cells = vm.cells_from_votes(a, b)
    lo, hi = vm.bootstrap(cells[None], ci=0.9, reps=4000, seed=3)["kappa"]
    literal = []
    for _ in range(4000):
        i = rng.integers(0, 80, size=80)
        literal.append(float(vm.measures_from_cells(vm.cells_from_votes(a[i], b[i]))["kappa"]))
    want = np.quantile(literal, [0.05, 0.95])
    assert lo[0] == pytest.approx(want[0], abs=0.03) and hi[0] == pytest.approx(want[1], abs=0.03)


def test_bad_ci_and_measure_names_are_errors(full_wh):
    with pytest.raises(ValueError, match="between 0 and 1"):
        iv.measures(full_wh, "CHN", "RUS", ci=95)
    with pytest.raises(vm.UnknownMeasureError, match="kappa"):
        iv.measures(full_wh, "CHN", "RUS", measure="cohen")


# ---- properties ----

votes3 = st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(votes3)
def test_identical_votes_score_one(v):
    ms = vm.measures_from_cells(vm.cells_from_votes(np.array(v), np.array(v)))
    for k in ("agreement", "agreement_half", "s_abs", "s_sq"):
        assert ms[k] == pytest.approx(1.0)
    for k in ("pi", "kappa", "pi_sq", "kappa_sq"):
        if len(set(v)) > 1:
            assert ms[k] == pytest.approx(1.0)
        else:  # one kind of vote only: chance agreement is 1, the correction 0/0 → NULL
            assert np.isnan(ms[k])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from([1, 2, 3])), min_size=1, max_size=80))
def test_bounds_symmetry_and_order(pairs):
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    ab = vm.measures_from_cells(vm.cells_from_votes(a, b))
    ba = vm.measures_from_cells(vm.cells_from_votes(b, a))
    ref = reference(a.tolist(), b.tolist())
    for k in vm.MEASURES:
        assert _close(float(ab[k]), ref[k])
        assert (np.isnan(ab[k]) and np.isnan(ba[k])) or ab[k] == pytest.approx(ba[k])
    assert 0 <= ab["agreement"] <= ab["agreement_half"] <= 1
    assert -1 - 1e-12 <= ab["s_abs"] <= 1 + 1e-12 and -1 - 1e-12 <= ab["s_sq"] <= 1 + 1e-12
    for k in ("pi", "kappa", "pi_sq", "kappa_sq"):
        assert np.isnan(ab[k]) or ab[k] <= 1 + 1e-12
    # pooled chance agreement is never below the product of the two margins: π ≤ κ
    if not np.isnan(ab["pi"]) and not np.isnan(ab["kappa"]):
        assert ab["pi"] <= ab["kappa"] + 1e-12
    if not np.isnan(ab["pi_sq"]) and not np.isnan(ab["kappa_sq"]):
        assert ab["pi_sq"] <= ab["kappa_sq"] + 1e-12


def test_no_shared_votes_gives_null_not_zero():
    ms = vm.measures_from_cells(np.zeros((2, 3, 3)))
    assert (ms["n"] == 0).all()
    for k in vm.MEASURES:
        assert np.isnan(ms[k]).all()
    # absent (8) and non-member (9) codes are not votes
    assert vm.cells_from_votes(np.array([8, 9, 1]), np.array([1, 1, 9])).sum() == 0
