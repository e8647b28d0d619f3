"""UNGA vote-similarity measures from 3×3 joint-vote tables (numerical, not relational).

Every measure here is a function of one sufficient statistic per dyad-year:
the table ``cells[k, l]`` counting the shared roll calls on which state a
voted ``k`` and state b voted ``l`` (0 yes, 1 abstain, 2 no; absent and
non-member already excluded). The relational part (counting the cells) runs
in the warehouse (Ibis) or as matrix products over all dyads
(``votes_panel``); the formulas below are vectorised over any leading axes,
so one call scores one dyad-year or a million.

Formulas (``p = cells / n``; ``ma``/``mb`` the marginal shares of a and b;
``m = (ma + mb) / 2``; votes coded 1 yes, 2 abstain, 3 no):

* ``agreement``  = Σ_k p_kk (Lijphart 1963).
* ``agreement_half`` = Σ_k p_kk + ½·(yes/abstain and abstain/no shares):
  the US State Department convention.
* ``s_abs`` = 1 − 2·Σ p_kl |k−l| / d_max, d_max = 2;
  ``s_sq`` = 1 − 2·Σ p_kl (k−l)² / d_max², d_max² = 4 (Signorino & Ritter 1999).
* ``pi`` = (p_o − Σ m_k²) / (1 − Σ m_k²) (Scott 1955);
  ``kappa`` = (p_o − Σ ma_k mb_k) / (1 − Σ ma_k mb_k) (Cohen 1960).
* ``pi_sq`` = 1 − Σ p_kl d_kl / Σ m_k m_l d_kl and
  ``kappa_sq`` = 1 − Σ p_kl d_kl / Σ ma_k mb_l d_kl, with d_kl = (k−l)²
  (Cohen 1968; Häge 2011).

When the expected disagreement is zero (both states cast one and the same
kind of vote all year) π and κ are 0/0 and stay NULL, as Häge (2011)
discusses; with ``n = 0`` every measure is NULL — missing is not zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dyadwatch.errors import UnknownMeasureError

MEASURES = ("agreement", "agreement_half", "s_abs", "s_sq", "pi", "kappa", "pi_sq", "kappa_sq")

#: One plain sentence per measure, for readers who never met them (used by the report and the CLI help).
PLAIN = {
    "agreement": "Share of votes on which the two states voted the same way (0 = never, 1 = always).",
    "agreement_half": "Like agreement, but one state abstaining while the other votes yes or no counts as half "
    "an agreement (the US State Department's convention).",
    "s_abs": "Signorino–Ritter S: 1 minus the average distance between the two votes on the scale "
    "yes–abstain–no, rescaled to run from −1 (always opposite) to 1 (always identical).",
    "s_sq": "Signorino–Ritter S with squared distances: a yes against a no weighs four times an abstention gap.",
    "pi": "Scott's π: agreement corrected for the agreement two states would reach by chance if both simply "
    "voted yes as often as they do on average; 0 = no better than chance, 1 = perfect.",
    "kappa": "Cohen's κ: like π, but chance is computed from each state's own habits, so a state that "
    "votes yes on everything cannot look aligned with another just by doing the same.",
    "pi_sq": "π with squared-distance weights: near misses (abstain vs yes) count less than opposite votes.",
    "kappa_sq": "κ with squared-distance weights: near misses count less than opposite votes.",
}


_K = np.arange(3, dtype=float)
_D_ABS = np.abs(_K[:, None] - _K[None, :])
_D_SQ = _D_ABS**2
_D_NOM = 1.0 - np.eye(3)
_HALF = np.array([[0, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0]])


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den with NULL (NaN) where den is 0: an undefined chance correction is no data, not 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den > 1e-12, out, np.nan)


def measures_from_cells(cells: np.ndarray) -> dict[str, np.ndarray]:
    """All measures from joint-vote tables ``cells`` of shape (..., 3, 3); returns n and each measure.

    Row index = vote of a, column = vote of b, in the order yes, abstain, no.
    """
    cells = np.asarray(cells, dtype=float)
    n = cells.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = cells / n[..., None, None]
    ma, mb = p.sum(axis=-1), p.sum(axis=-2)
    m = (ma + mb) / 2
    po = np.trace(p, axis1=-2, axis2=-1)

    def dist(d: np.ndarray) -> np.ndarray:  # observed mean distance
        out: np.ndarray = (p * d).sum(axis=(-2, -1))
        return out

    def chance(x: np.ndarray, y: np.ndarray, d: np.ndarray) -> np.ndarray:  # expected distance if independent
        out: np.ndarray = np.einsum("...k,...l,kl->...", x, y, d)
        return out

    out = {
        "n": n.astype(np.int64),
        "agreement": po,
        "agreement_half": po + dist(_HALF),
        "s_abs": 1 - 2 * dist(_D_ABS) / 2.0,
        "s_sq": 1 - 2 * dist(_D_SQ) / 4.0,
        # Unweighted π and κ are the nominal-distance case of 1 - D_o/D_e: (p_o - p_e)/(1 - p_e).
        "pi": 1 - _ratio(dist(_D_NOM), chance(m, m, _D_NOM)),
        "kappa": 1 - _ratio(dist(_D_NOM), chance(ma, mb, _D_NOM)),
        "pi_sq": 1 - _ratio(dist(_D_SQ), chance(m, m, _D_SQ)),
        "kappa_sq": 1 - _ratio(dist(_D_SQ), chance(ma, mb, _D_SQ)),
    }
    empty = n == 0
    for k in MEASURES:
        out[k] = np.where(empty, np.nan, out[k])
    return out


def cells_from_votes(vote_a: np.ndarray, vote_b: np.ndarray) -> np.ndarray:
    """The 3×3 table of paired votes coded 1/2/3 (pairs with any other code are ignored)."""
    a, b = np.asarray(vote_a), np.asarray(vote_b)
    ok = np.isin(a, (1, 2, 3)) & np.isin(b, (1, 2, 3))
    idx = (a[ok] - 1) * 3 + (b[ok] - 1)
    return np.bincount(idx.astype(np.int64), minlength=9).reshape(3, 3)


def parse_measures(measure: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """``"all"``/None → every measure; else validate names (comma-separated string or list)."""
    if measure is None or measure == "all":
        return list(MEASURES)
    names = measure.split(",") if isinstance(measure, str) else list(measure)
    names = [n.strip() for n in names if n.strip()]
    bad = [n for n in names if n not in MEASURES]
    if bad or not names:
        raise UnknownMeasureError(f"Unknown measure(s) {bad}; choose from {', '.join(MEASURES)} or 'all'.")
    return names


def bootstrap(
    cells: np.ndarray, *, ci: float = 0.95, reps: int = 500, seed: int = 0, keys: np.ndarray | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile bootstrap intervals over roll calls for each table in ``cells`` (shape (r, 3, 3)).

    Resampling a dyad-year's n shared roll calls with replacement gives cell counts
    Multinomial(n, observed shares) — the same distribution, drawn in one call. Each
    table gets its own generator seeded by (seed, key) — key is the year by default in
    callers — so an interval does not change when other years are added or removed.
    Returns measure -> (lo, hi) arrays; NULL where n = 0.
    """
    if not 0 < ci < 1:
        raise ValueError(f"--ci must be between 0 and 1 (e.g. 0.95); got {ci}.")
    cells = np.asarray(cells, dtype=np.int64).reshape(-1, 3, 3)
    keys = np.arange(len(cells)) if keys is None else np.asarray(keys)
    lo = {k: np.full(len(cells), np.nan) for k in MEASURES}
    hi = {k: np.full(len(cells), np.nan) for k in MEASURES}
    q = [(1 - ci) / 2, 1 - (1 - ci) / 2]
    for i, (c, key) in enumerate(zip(cells, keys, strict=True)):
        n = int(c.sum())
        if n == 0:
            continue
        rng = np.random.default_rng([int(seed), int(key)])
        draws = rng.multinomial(n, c.ravel() / n, size=reps).reshape(reps, 3, 3)
        ms = measures_from_cells(draws)
        for k in MEASURES:
            vals = ms[k][~np.isnan(ms[k])]
            if len(vals):
                lo[k][i], hi[k][i] = np.quantile(vals, q)
    return {k: (lo[k], hi[k]) for k in MEASURES}


def frame(cells: np.ndarray, index: pd.DataFrame, measures: list[str] | None = None) -> pd.DataFrame:
    """``index`` (one row per table) with ``n`` and the chosen measures appended."""
    ms = measures_from_cells(cells)
    out = index.reset_index(drop=True).copy()
    out["n"] = ms["n"]
    for k in measures or MEASURES:
        out[k] = ms[k]
    return out
