"""Ideal points: the published source, the estimator's gradient and recovery, validation against BSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad

from dyadwatch import sources
from dyadwatch.errors import NoDataError, SourceFormatError
from dyadwatch.indicators import idealpoints as ip
from dyadwatch.warehouse import Warehouse

DTA = "unga/IdealpointsJuly2025.dta"


@pytest.fixture(scope="module")
def ip_wh(full_wh):
    return full_wh


def test_published_source_reads_the_real_file(ip_wh, shared):
    df = ip.published(ip_wh)
    raw = pd.read_stata(shared / DTA)
    usa = df[(df.iso3 == "USA") & (df.year == 2019)].iloc[0]
    want = raw[(raw.ccode == 2) & (raw.year == 2019)].iloc[0]
    assert usa.ideal_point == pytest.approx(want.idealpointall, abs=1e-6)
    assert usa.ideal_point_lo == pytest.approx(want.q5all, abs=1e-6)
    assert not df.duplicated(["iso3", "year"]).any()
    assert len(df) == len(raw) - 1  # the one empty duplicate (ccode 260 next to 255 in 1990) is dropped
    assert df[df.year == 2024].ideal_point.isna().all()  # no all-votes estimate for 2024: NULL, not 0


def _dta(tmp_path, df: pd.DataFrame):
    path = tmp_path / "ip.dta"
    df.to_stata(path, write_index=False, version=118)
    return path


def test_bad_idealpoint_files(tmp_path, shared):
    html = tmp_path / "page.dta"
    html.write_bytes(b"<!DOCTYPE html><html><body>Login</body></html>")
    with pytest.raises(SourceFormatError, match="HTML"):
        sources.get("idealpoints").load([html])
    truncated = tmp_path / "cut.dta"
    truncated.write_bytes((shared / DTA).read_bytes()[:5000])
    with pytest.raises(SourceFormatError, match="truncated"):
        sources.get("idealpoints").load([truncated])
    wrong = _dta(tmp_path, pd.DataFrame({"ccode": [2], "year": [2000.0]}))
    with pytest.raises(SourceFormatError, match="missing column"):
        sources.get("idealpoints").load([wrong])
    row = {"ccode": 2, "year": 2000.0, "idealpointall": 1.0, "q5all": 0.5, "q95all": 1.5, "nvotesall": 10.0}
    dup = _dta(tmp_path, pd.DataFrame([row, row]))
    with pytest.raises(SourceFormatError, match="two estimates for one state-year"):
        sources.get("idealpoints").load([dup])


rows = st.lists(
    st.tuples(
        st.sampled_from([2, 200, 365, 710, 750]),
        st.integers(1946, 2024),
        st.floats(-3, 3, allow_nan=False),
        st.floats(0, 1, allow_nan=False),
    ),
    min_size=1,
    max_size=20,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_loader_round_trip_property(tmp_path, data):
    df = pd.DataFrame(
        [
            {"ccode": c, "year": float(y), "idealpointall": x, "q5all": x - w, "q95all": x + w, "nvotesall": 50.0}
            for c, y, x, w in data
        ]
    )
    out = sources.get("idealpoints").load([_dta(tmp_path, df)])["ideal_points"].to_pandas()
    assert len(out) == len(df)
    np.testing.assert_allclose(out.ideal_point, df.idealpointall, rtol=1e-6, atol=1e-12)
    assert (out.ideal_point_lo <= out.ideal_point_hi).all()
    assert set(out.iso3) <= {"USA", "GBR", "RUS", "CHN", "IND"}


# ---- the estimator ----


def _simulate(seed=0, n_states=40, n_rc=80):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n_states)
    beta = rng.normal(scale=1.5, size=n_rc)
    alpha = rng.normal(scale=0.5, size=n_rc)
    gap = np.exp(rng.normal(scale=0.3, size=n_rc))
    s, r = np.meshgrid(np.arange(n_states), np.arange(n_rc), indexing="ij")
    s, r = s.ravel(), r.ravel()
    keep = rng.random(len(s)) < 0.9  # some missing votes
    s, r = s[keep], r[keep]
    eta = beta[r] * theta[s]
    p_le0 = 1 / (1 + np.exp(-(alpha[r] - eta)))
    p_le1 = 1 / (1 + np.exp(-(alpha[r] + gap[r] - eta)))
    u = rng.random(len(s))
    y = np.where(u < p_le0, 0, np.where(u < p_le1, 1, 2))
    return theta, s, r, y, n_states, n_rc


def test_objective_gradient_is_exact():
    _, s, r, y, ns, nr = _simulate(1, 15, 20)
    fun = ip.objective(s, r, y, ns, nr)
    x = np.random.default_rng(2).normal(scale=0.5, size=ns + 3 * nr)
    err = check_grad(lambda v: fun(v)[0], lambda v: fun(v)[1], x)
    assert err < 1e-4 * np.linalg.norm(fun(x)[1])


def test_estimator_recovers_simulated_ideal_points():
    theta, s, r, y, ns, nr = _simulate()
    est, res = ip.fit_year(s, r, y, ns, nr)
    assert res.success
    assert abs(np.corrcoef(est, theta)[0, 1]) > 0.95


def test_estimator_matches_published_ideal_points(full_wh, ip_wh):
    est = ip.estimate(full_wh, source="voeten", year_from=1985, year_to=1985)
    est = pd.concat([est, ip.estimate(full_wh, source="voeten", year_from=2012, year_to=2012)])
    assert est.source.unique().tolist() == ["voeten"]
    pub = ip.published(ip_wh)
    corr = ip.correlation_by_year(est, pub).set_index("year")
    assert corr.loc[1985, "states"] > 150 and corr.loc[2012, "states"] > 180
    assert (corr.pearson > 0.95).all(), corr
    y = est[est.year == 2012].set_index("iso3").ideal_point
    assert y["USA"] > 0 and y["USA"] > y["CHN"] and y["ISR"] > y["RUS"]  # oriented like the published scale
    assert y.mean() == pytest.approx(0, abs=1e-9) and y.std(ddof=0) == pytest.approx(1)


def test_distance_and_missing():
    df = pd.DataFrame({"iso3": ["CHN", "RUS", "CHN"], "year": [2000, 2000, 2001], "ideal_point": [-1.0, -0.5, -0.8]})
    d = ip.distance(df, "CHN", "RUS")
    assert d.distance.iloc[0] == pytest.approx(0.5) and np.isnan(d.distance.iloc[1])


def test_published_needs_ingest(tmp_path):
    with Warehouse(tmp_path / "votes-only.duckdb") as wh, pytest.raises(NoDataError, match="ingest idealpoints"):
        ip.published(wh)
