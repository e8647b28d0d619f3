"""Benchmark: the all-dyad UNGA panel (every measure) and the ideal-point estimator.

    .venv/bin/python bench/bench_votes.py [--data ../shared/data] [--repeat 3] [--sample 100] [--markdown]

1. dyadwatch: read UNVotesPublished.RData with the real loader (all its checks) and build every
   undirected dyad-year with all eight measures (``votes_panel``) — load included, median of --repeat runs.
2. Baseline, same run: a straightforward pandas loop — for each dyad of a fixed random sample (seed 0),
   merge the two states' votes, then for each year build the 3×3 table with ``pd.crosstab`` and
   compute the measures — timed per dyad-year and extrapolated to the whole panel.
3. Ideal points for all states 1946–2015 (``idealpoints.estimate_frames``) and their per-year
   correlation with the published Bailey–Strezhnev–Voeten estimates (--markdown prints the table).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from dyadwatch import sources
from dyadwatch.indicators import idealpoints as ip
from dyadwatch.indicators import votes_measures as vm
from dyadwatch.indicators import votes_panel as vp

ROOT = Path(__file__).resolve().parents[1]


def load(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loader's DataWarning about one undated roll call
        t = sources.get("voeten").load([data / "unga/UNVotesPublished.RData"])
    return t["votes"].to_pandas(), t["roll_calls"].to_pandas()


def baseline_dyad(votes: pd.DataFrame, rc_year: pd.Series, a: str, b: str) -> list[dict]:
    """The per-dyad pandas loop the field's scripts use (one dyad, then one year at a time)."""
    va = votes[(votes.iso3 == a) & votes.vote.isin([1, 2, 3])][["rcid", "vote"]]
    vb = votes[(votes.iso3 == b) & votes.vote.isin([1, 2, 3])][["rcid", "vote"]]
    m = va.merge(vb, on="rcid", suffixes=("_a", "_b"))
    m["year"] = m.rcid.map(rc_year)
    out = []
    for year, g in m.groupby("year"):
        tab = pd.crosstab(g.vote_a, g.vote_b).reindex(index=[1, 2, 3], columns=[1, 2, 3], fill_value=0)
        p = tab.to_numpy() / len(g)
        ma, mb = p.sum(1), p.sum(0)
        k = np.arange(3)
        d_sq = (k[:, None] - k[None, :]) ** 2
        po = np.trace(p)
        pool = (ma + mb) / 2
        row = {
            "iso3_a": a, "iso3_b": b, "year": year, "n": len(g), "agreement": po,
            "agreement_half": po + 0.5 * (p[0, 1] + p[1, 0] + p[1, 2] + p[2, 1]),
            "s_abs": 1 - (np.abs(k[:, None] - k[None, :]) * p).sum(), "s_sq": 1 - (d_sq * p).sum() / 2,
        }  # fmt: skip
        pe_pi, pe_k = (pool**2).sum(), (ma * mb).sum()
        row["pi"] = (po - pe_pi) / (1 - pe_pi) if pe_pi < 1 else np.nan
        row["kappa"] = (po - pe_k) / (1 - pe_k) if pe_k < 1 else np.nan
        e_pi, e_k = (np.outer(pool, pool) * d_sq).sum(), (np.outer(ma, mb) * d_sq).sum()
        row["pi_sq"] = 1 - (d_sq * p).sum() / e_pi if e_pi > 0 else np.nan
        row["kappa_sq"] = 1 - (d_sq * p).sum() / e_k if e_k > 0 else np.nan
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=100, help="dyads in the baseline sample")
    ap.add_argument("--markdown", action="store_true", help="print the per-year correlation table as Markdown")
    ap.add_argument("--skip-idealpoints", action="store_true")
    args = ap.parse_args()

    times, load_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        votes, rc = load(args.data)
        t1 = time.perf_counter()
        panel = vp.panel_from_frames(votes, rc)
        times.append(time.perf_counter() - t0)
        load_times.append(t1 - t0)
    t_panel = statistics.median(times)
    n_dy = len(panel)
    print(f"all-dyad panel: {n_dy:,} dyad-years x {len(vm.MEASURES)} measures, {panel.year.min()}-{panel.year.max()}")
    t_load = statistics.median(load_times)
    print(f"  dyadwatch (load + panel), median of {args.repeat}: {t_panel:.2f} s "
          f"(load {t_load:.2f} s, panel {t_panel - t_load:.2f} s)")  # fmt: skip

    rng = np.random.default_rng(0)
    states = np.array(sorted(votes.iso3.unique()))
    pairs = set()
    while len(pairs) < args.sample:
        a, b = sorted(rng.choice(states, 2, replace=False))
        pairs.add((a, b))
    rc_year = pd.Series(rc.year.to_numpy(), index=rc.rcid.to_numpy())
    t0 = time.perf_counter()
    rows = [r for a, b in sorted(pairs) for r in baseline_dyad(votes, rc_year, a, b)]
    t_base = time.perf_counter() - t0
    base = pd.DataFrame(rows)
    per_base = t_base / len(base)
    per_ours = t_panel / n_dy
    print(f"  baseline (pandas per-dyad loop): {len(pairs)} dyads, {len(base):,} dyad-years in {t_base:.2f} s "
          f"= {per_base * 1e3:.3f} ms per dyad-year -> {per_base * n_dy / 60:.1f} min for the whole panel")  # fmt: skip
    print(f"  per dyad-year: dyadwatch {per_ours * 1e6:.2f} us, baseline {per_base * 1e6:.0f} us, "
          f"ratio {per_base / per_ours:,.0f}x (target >= 100x; panel target <= 10 s)")  # fmt: skip
    check = base.merge(panel, on=["iso3_a", "iso3_b", "year"], suffixes=("_b", ""))
    assert len(check) == len(base)
    for k in ("n", *vm.MEASURES):
        np.testing.assert_allclose(check[k], check[f"{k}_b"], atol=1e-12, equal_nan=True)
    print("  baseline and panel agree on every sampled dyad-year and measure")

    if args.skip_idealpoints:
        return
    t0 = time.perf_counter()
    est = ip.estimate_frames(votes, rc, year_from=1946, year_to=2015)
    t_ip = time.perf_counter() - t0
    print(f"ideal points, all states 1946-2015: {len(est):,} state-years, "
          f"{est.year.nunique()} years in {t_ip:.1f} s (target <= 60 s)")  # fmt: skip
    pub = sources.get("idealpoints").load([args.data / "unga/IdealpointsJuly2025.dta"])["ideal_points"].to_pandas()
    corr = ip.correlation_by_year(est, pub)
    print(f"  correlation with the published ideal points: median {corr.pearson.median():.3f}, "
          f"min {corr.pearson.min():.3f} ({int(corr.loc[corr.pearson.idxmin(), 'year'])}), "
          f"years >= 0.95: {(corr.pearson >= 0.95).sum()} of {len(corr)}")  # fmt: skip
    if args.markdown:
        print("\n| year | states | Pearson r | Spearman ρ |\n|---:|---:|---:|---:|")
        for r in corr.itertuples():
            print(f"| {r.year} | {r.states} | {r.pearson:.3f} | {r.spearman:.3f} |")


if __name__ == "__main__":
    main()
