"""UNGA ideal points: the published Bailey–Strezhnev–Voeten estimates and dyadwatch's own estimator.

Numerical work, not relational: it lives here, reading its input from the warehouse.

The estimator is a one-dimensional ordered-logit item-response model fitted
separately for each calendar year, for every state that voted that year.
For state i and roll call j, with votes ordered yes < abstain < no,

    P(y_ij ≤ yes)     = σ(α_j − β_j θ_i)
    P(y_ij ≤ abstain) = σ(α_j + exp(δ_j) − β_j θ_i)

(σ the logistic function; exp(δ_j) keeps the two cut points ordered). The
fit maximises the log-likelihood plus weak normal priors (θ ~ N(0, 1),
β ~ N(0, 2²), α ~ N(0, 5²), δ ~ N(0, 2²)) — the priors keep lopsided
roll calls finite — with scipy's L-BFGS-B and analytic gradients accumulated
over the sparse (state, roll call) vote list. Start: the first principal
component of the vote matrix. Identification: θ is standardised each year
(mean 0, sd 1) and oriented so that the United States is positive, as in the
published scale. Unanimous roll calls carry no information and are dropped.

Unlike Bailey, Strezhnev and Voeten (2017) the years are not bridged by
repeated resolutions, so levels are comparable within a year, not across
years; the published estimates are the ones to use for trends. docs/votes.md
reports the per-year correlation of the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dyadwatch.errors import NeedsIngestError, NoDataError
from dyadwatch.store import in_years, kept

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from dyadwatch.store import PathStore, Store

PRIOR_SD = {"theta": 1.0, "beta": 2.0, "alpha": 5.0, "delta": 2.0}
ANCHORS = ("USA", "GBR", "FRA", "CAN")  # orientation: the first present gets a positive ideal point


def objective(
    state: np.ndarray, rc: np.ndarray, y: np.ndarray, n_states: int, n_rc: int
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """The negative log-posterior of one year and its analytic gradient, as one function of the parameter
    vector x = [θ (states), β, α, δ (roll calls)].

    The likelihood and its gradient are computed per vote category on the votes of that category
    only (yes needs the lower cut point, no the upper, abstain both), then scattered back to the
    states and roll calls with ``np.bincount`` — a sparse matrix–vector product.
    """
    ps = PRIOR_SD
    parts = [(state[y == k], rc[y == k]) for k in (0, 1, 2)]
    prior_w = np.concatenate(
        [np.full(n_states, 1 / ps["theta"] ** 2)] + [np.full(n_rc, 1 / ps[k] ** 2) for k in ("beta", "alpha", "delta")]
    )

    from scipy.special import expit, log_expit  # here, not at the top: the report and the CLI never fit

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        theta, beta, alpha = x[:n_states], x[n_states : n_states + n_rc], x[n_states + n_rc : n_states + 2 * n_rc]
        gap = np.exp(x[-n_rc:])
        ll = 0.0
        d_eta_s = np.zeros(n_states)  # d ll / d theta
        d_eta_r = np.zeros(n_rc)  # d ll / d beta
        d_alpha = np.zeros(n_rc)
        d_gap = np.zeros(n_rc)
        for k, (si, ri) in enumerate(parts):
            if not len(si):
                continue
            u0 = alpha[ri] - beta[ri] * theta[si]
            if k == 0:  # yes: log σ(u0)
                ll += log_expit(u0).sum()
                da, dg = expit(-u0), None
            elif k == 2:  # no: log σ(-u1)
                u1 = u0 + gap[ri]
                ll += log_expit(-u1).sum()
                da = -expit(u1)
                dg = da
            else:  # abstain: log(σ(u1) - σ(u0)) = log σ(u1) + log σ(-u0) + log(1 - exp(-gap))
                g = gap[ri]
                u1 = u0 + g
                ll += (log_expit(u1) + log_expit(-u0) + np.log(-np.expm1(-g))).sum()
                s_neg_u1 = expit(-u1)
                da = s_neg_u1 - expit(u0)
                with np.errstate(divide="ignore", over="ignore"):
                    dg = s_neg_u1 + 1.0 / np.expm1(g)
            # d eta = -d alpha; eta = beta_j * theta_i
            d_eta_s -= np.bincount(si, da * beta[ri], minlength=n_states)
            d_eta_r -= np.bincount(ri, da * theta[si], minlength=n_rc)
            d_alpha += np.bincount(ri, da, minlength=n_rc)
            if dg is not None:
                d_gap += np.bincount(ri, dg, minlength=n_rc)
        grad = -np.concatenate([d_eta_s, d_eta_r, d_alpha, d_gap * gap]) + prior_w * x
        return -ll + 0.5 * (prior_w * x * x).sum(), grad

    return fun


def fit_year(
    state: np.ndarray, rc: np.ndarray, y: np.ndarray, n_states: int, n_rc: int, maxiter: int = 2000
) -> tuple[np.ndarray, Any]:
    """MAP fit of one year: ``state``/``rc`` index arrays, ``y`` in {0 yes, 1 abstain, 2 no}; returns θ."""
    from scipy.optimize import minimize

    fun = objective(state, rc, y, n_states, n_rc)
    # L-BFGS-B's small dense updates (and the small SVD) are ~8x slower when OpenBLAS spreads them
    # over threads.
    with _one_blas_thread():
        theta0 = _pca_start(state, rc, y, n_states, n_rc)
        x0 = np.concatenate([theta0, np.zeros(3 * n_rc)])
        res = minimize(fun, x0, jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
    return res.x[:n_states], res


def _one_blas_thread() -> AbstractContextManager[object]:
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:  # pragma: no cover - only slower
        import contextlib

        return contextlib.nullcontext()
    limited: AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limited


def _pca_start(state: np.ndarray, rc: np.ndarray, y: np.ndarray, n_states: int, n_rc: int) -> np.ndarray:
    """First principal component of the centred vote matrix (missing votes at the roll call's mean)."""
    m = np.full((n_states, n_rc), np.nan)
    m[state, rc] = y
    m = m - np.nanmean(m, axis=0)
    m = np.nan_to_num(m)
    u, s, _ = np.linalg.svd(m, full_matrices=False)
    t = u[:, 0] * s[0]
    start: np.ndarray = (t - t.mean()) / (t.std() or 1.0)
    return start


def estimate_frames(
    votes: pd.DataFrame, roll_calls: pd.DataFrame, *, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """Ideal points per (iso3, year) from canonical ``votes`` and ``roll_calls`` frames.

    Columns iso3, year, ideal_point, n_votes (the yes/abstain/no votes the estimate rests on).
    """
    rc = roll_calls[["rcid", "year"]]
    rc = in_years(rc, year_from, year_to)
    v = votes[votes.vote.isin([1, 2, 3])][["rcid", "iso3", "vote"]].merge(rc, on="rcid")
    if v.empty:
        raise NoDataError("No yes/abstain/no votes in the selected years.")
    v = v.assign(y=v.vote.astype(np.int64) - 1)
    # unanimous roll calls say nothing about who stands where
    spread = v.groupby("rcid").y.transform("nunique")
    v = v[spread > 1]
    out = []
    for year, g in v.groupby("year", sort=True):
        states, sidx = np.unique(g.iso3.to_numpy().astype(str), return_inverse=True)
        _, ridx = np.unique(g.rcid.to_numpy(), return_inverse=True)
        theta, _ = fit_year(sidx, ridx, g.y.to_numpy(), len(states), int(ridx.max()) + 1)
        theta = (theta - theta.mean()) / (theta.std() or 1.0)
        anchor = next((a for a in ANCHORS if a in states), None)
        if anchor is not None and theta[np.searchsorted(states, anchor)] < 0:
            theta = -theta
        out.append(
            pd.DataFrame({"iso3": states, "year": int(year), "ideal_point": theta, "n_votes": np.bincount(sidx)})
        )
    return pd.concat(out, ignore_index=True)


def estimate(
    wh: Store, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """dyadwatch's ideal points from the warehouse's votes (default source: voeten, else unvotes)."""
    from dyadwatch.indicators import votes as iv
    from dyadwatch.indicators.votes_panel import load_frames

    have = wh.sources_of("votes")
    src = iv.pick_source(wh, source or ("voeten" if "voeten" in have else None))
    votes, rc = load_frames(wh, src, year_from=year_from, year_to=year_to)
    return estimate_frames(votes, rc).assign(source=src)


@kept
def published(wh: PathStore, *, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """The ingested published ideal points: iso3, year, ideal_point, ideal_point_lo/_hi (90%), n_votes."""
    if "idealpoints" not in wh.sources_of("ideal_points"):
        raise NoDataError(
            f"No published ideal points in {wh.path}. Fix: `dyadwatch ingest idealpoints IdealpointsJuly2025.dta`."
        )
    t = wh.table("ideal_points")
    t = t.filter(t.source == "idealpoints")
    if year_from is not None:
        t = t.filter(t.year >= year_from)
    if year_to is not None:
        t = t.filter(t.year <= year_to)
    cols = ["iso3", "year", "ideal_point", "ideal_point_lo", "ideal_point_hi", "n_votes"]
    df = t.select(*cols).order_by(["iso3", "year"]).to_pyarrow().to_pandas()
    return df.astype({"year": int})


def correlation_by_year(est: pd.DataFrame, pub: pd.DataFrame) -> pd.DataFrame:
    """Per year: states in both, Pearson and Spearman correlation of our and the published ideal points."""
    m = est[["iso3", "year", "ideal_point"]].merge(
        pub[["iso3", "year", "ideal_point"]].dropna(), on=["iso3", "year"], suffixes=("_ours", "_published")
    )
    rows = []
    for year, g in m.groupby("year"):
        rows.append(
            {
                "year": int(year),
                "states": len(g),
                "pearson": g.ideal_point_ours.corr(g.ideal_point_published),
                "spearman": g.ideal_point_ours.corr(g.ideal_point_published, method="spearman"),
            }
        )
    return pd.DataFrame(rows)


def distance(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Per year: the ideal points of a and b and their absolute distance (NULL where either is missing)."""
    pa_ = df[df.iso3 == a].set_index("year").ideal_point.rename(f"ideal_point_{a}")
    pb_ = df[df.iso3 == b].set_index("year").ideal_point.rename(f"ideal_point_{b}")
    out = pd.concat([pa_, pb_], axis=1).sort_index()
    out["distance"] = (out.iloc[:, 0] - out.iloc[:, 1]).abs()
    return out.rename_axis("year").reset_index()


def estimated(
    store: PathStore,
    *,
    states: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: str | None = None,
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Ideal points estimated from the raw votes (:func:`estimate`); (frame, sources, notes)."""
    df = estimate(store, source=source, year_from=year_from, year_to=year_to)
    src = sorted(df.pop("source").unique().tolist())
    df = df[df.iso3.isin(states)] if states else df
    note = "Own estimate: one-dimensional ordered logit per year; comparable within a year, not across years."
    return df.reset_index(drop=True), src, [note]


def published_points(
    store: PathStore, *, states: list[str] | None = None, year_from: int | None = None, year_to: int | None = None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The published ideal points (the store's ``ideal_points``); (frame, sources, notes)."""
    df = published(store, year_from=year_from, year_to=year_to)
    df = df[df.iso3.isin(states)] if states else df
    return df.reset_index(drop=True), ["idealpoints"], []


def points_derived(
    store: PathStore, *, states: list[str] | None = None, year_from: int | None = None, year_to: int | None = None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """:func:`published_points` from the derived ``idealpoints`` table (the focus states)."""
    df = store.derived("idealpoints", states)
    df = in_years(df, year_from, year_to)
    return df.drop(columns=["source"]).reset_index(drop=True), ["idealpoints"], []


def no_votes(store: PathStore, **_: object) -> tuple[pd.DataFrame, list[str], list[str]]:
    raise NeedsIngestError(
        "--estimate fits the model to the raw votes, which the embedded pack does not hold. "
        "Fix: `dyadwatch ingest voeten UNVotesPublished.RData` (or the unvotes files)."
    )


def build_pack(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    df = published(wh)
    df = df[df.iso3.isin(list(focus))].copy()
    df.insert(0, "source", "idealpoints")
    return df.round(4).reset_index(drop=True)
