"""UNGA voting similarity for a dyad, per calendar year of the vote's date.

Only roll calls on which both states cast yes (1), abstain (2) or no (3)
count; absences (8) and non-membership (9) are excluded, and ``n`` is the
number of roll calls that remain. A year with roll calls but none shared has
``n = 0`` and NULL measures: missing is not zero.

The relational part — counting the 3×3 joint-vote table per year — is an
Ibis expression; the measures (``votes_measures``) are formulas of that table.
All dyads at once: ``votes_panel``; ideal points: ``idealpoints``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dyadwatch.errors import NeedsIngestError, NoDataError
from dyadwatch.indicators import votes_measures as vm
from dyadwatch.indicators import votes_sources
from dyadwatch.indicators.roll_calls import (  # noqa: F401  (re-exported: the vote family's public names)
    ISSUE_AREAS,
    SOURCE_PREFERENCE,
    SubsetError,
    pick_source,
    roll_calls_expr,
)
from dyadwatch.store import in_years, kept

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.store import Store


def dyad_votes_expr(
    wh: Store, a: str, b: str, source: str, year_from: int | None = None, year_to: int | None = None, **subset: Any
) -> ir.Table:
    """Roll calls on which both a and b cast a yes/abstain/no vote: columns rcid, year, vote_a, vote_b."""
    votes = votes_sources.rows(wh, "votes", source)
    rc = roll_calls_expr(wh, source, year_from, year_to, **subset)
    va = votes.filter((votes.iso3 == a) & votes.vote.isin([1, 2, 3]))
    vb = votes.filter((votes.iso3 == b) & votes.vote.isin([1, 2, 3]))
    pair = va.select(rcid="rcid", vote_a="vote").join(vb.select(rcid="rcid", vote_b="vote"), "rcid")
    return pair.join(rc.select("rcid", "year"), "rcid")


def agreement(
    wh: Store, a: str, b: str, *, source: str | None = None, year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """Per year: ``n`` shared roll calls and ``agreement``, the share with identical votes."""
    source = pick_source(wh, source)
    df = agreement_expr(wh, a, b, source, year_from, year_to).to_pandas()
    df["year"] = df["year"].astype(int)
    df["n"] = df["n"].astype(int)
    return df.reset_index(drop=True)


def agreement_expr(
    wh: Store, a: str, b: str, source: str, year_from: int | None = None, year_to: int | None = None
) -> ir.Table:
    """The expression behind :func:`agreement`, for a source already picked."""
    import ibis

    pair = dyad_votes_expr(wh, a, b, source, year_from, year_to)
    per_year = pair.group_by("year").aggregate(
        n=pair.rcid.count(),
        agreement=(pair.vote_a == pair.vote_b).cast("float64").mean(),
    )
    rc = votes_sources.rows(wh, "roll_calls", source)
    if year_from is not None:
        rc = rc.filter(rc.year >= year_from)
    if year_to is not None:
        rc = rc.filter(rc.year <= year_to)
    years = rc.select("year").distinct()
    out = years.left_join(per_year, "year").select("year", n=ibis.coalesce(per_year.n, 0), agreement=per_year.agreement)
    return out.order_by("year")


def _cells_expr(pair: ir.Table) -> ir.Table:
    """Per year, the nine counts c{k}{l}: shared roll calls with a voting k and b voting l (1 yes .. 3 no)."""
    aggs = {
        f"c{k}{j}": ((pair.vote_a == k) & (pair.vote_b == j)).cast("int64").sum() for k in (1, 2, 3) for j in (1, 2, 3)
    }
    return pair.group_by("year").aggregate(**aggs)


CELL_COLS = [f"c{k}{j}" for k in (1, 2, 3) for j in (1, 2, 3)]


@kept  # a pass over the dyad's votes: the report's sections and the verdict ask for the same
def measures(
    wh: Store,
    a: str,
    b: str,
    *,
    measure: str | list[str] | None = "all",
    source: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    issue: str | None = None,
    important: bool = False,
    match: str | None = None,
    ci: float | None = None,
    seed: int = 0,
    reps: int = 500,
) -> pd.DataFrame:
    """Per year (every year with selected roll calls): ``n`` and the chosen measures for the dyad.

    With ``ci`` (e.g. 0.95), ``<measure>_lo``/``<measure>_hi`` hold seeded percentile-bootstrap
    bounds over roll calls. Years with selected roll calls but none shared: n = 0, NULL measures.
    """
    names = vm.parse_measures(measure)
    source = pick_source(wh, source)
    pair = dyad_votes_expr(wh, a, b, source, year_from, year_to, issue=issue, important=important, match=match)
    cells = _cells_expr(pair).to_pyarrow().to_pandas()
    rc = roll_calls_expr(wh, source, year_from, year_to, issue=issue, important=important, match=match)
    years = rc.select("year").distinct()
    years = years.to_pyarrow().to_pandas()
    df = years.merge(cells, on="year", how="left").fillna({c: 0 for c in CELL_COLS})
    df = df.sort_values("year").reset_index(drop=True)
    tables = df[CELL_COLS].to_numpy(dtype=np.int64).reshape(-1, 3, 3)
    out = vm.frame(tables, df[["year"]].astype(int), names)
    if ci is not None:
        bands = vm.bootstrap(tables, ci=ci, seed=seed, reps=reps, keys=out["year"].to_numpy())
        for k in names:
            at = out.columns.get_loc(k) + 1
            out.insert(at, f"{k}_hi", bands[k][1])
            out.insert(at, f"{k}_lo", bands[k][0])
    return out


@kept  # one pass per issue area
def issue_breakdown(
    wh: Store, a: str, b: str, *, source: str | None = None, period: int = 10, measure: str = "agreement"
) -> pd.DataFrame:
    """Per issue area and period (decades by default): n and ``measure`` for the dyad, plus all roll calls."""
    source = pick_source(wh, source)
    rows = []
    for issue in [None, *ISSUE_AREAS]:
        pair = dyad_votes_expr(wh, a, b, source, issue=issue)
        pair = pair.mutate(year=(pair.year // period) * period)
        cells = _cells_expr(pair).to_pyarrow().to_pandas()
        if cells.empty:
            continue
        ms = vm.measures_from_cells(cells[CELL_COLS].to_numpy(dtype=np.int64).reshape(-1, 3, 3))
        rows.append(
            pd.DataFrame(
                {"issue": issue or "all", "period": cells["year"].astype(int), "n": ms["n"], measure: ms[measure]}
            )
        )
    if not rows:
        raise NoDataError(f"No shared roll calls of {a} and {b} in source {source}.")
    return pd.concat(rows).sort_values(["issue", "period"]).reset_index(drop=True)


def add_percentiles(wh: Store, df: pd.DataFrame, a: str, b: str, *, source: str, **subset: Any) -> pd.DataFrame:
    """``df`` (from ``measures``) with ``<m>_pct``: the dyad's percentile among all dyads each year."""
    from dyadwatch.indicators import votes_panel as vp

    names = [m for m in vm.MEASURES if m in df]
    if any(subset.values()):
        pct = vp.with_percentiles(vp.panel_from_frames(*vp.load_frames(wh, source, **subset), names), names)
    else:  # the whole panel's percentiles, kept: the verdict of every reference dyad reads them
        pct = vp.all_dyads_percentiles(wh, names, source=source)
    pct = vp.dyad_rows(pct, a, b)
    return df.merge(pct[["year", *[f"{m}_pct" for m in names]]], on="year", how="left")


def dyad_derived(
    store: Store,
    a: str,
    b: str,
    *,
    measure: str | list[str] | None = "agreement",
    year_from: int | None = None,
    year_to: int | None = None,
    ci: float | None = None,
    seed: int = 0,
    percentile: bool = False,
    **subset: Any,
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`measures` from the derived ``vote_measures`` table (focus dyads; no subsets; 95% intervals with seed
    0; ``percentile`` as :func:`add_percentiles`); (frame, sources). ``subset``: issue, important and match are
    refused, source is the table's."""
    if any(subset.get(k) for k in ("issue", "important", "match")):
        raise NeedsIngestError(
            "Subsets (--issue, --important, --match) need the roll calls themselves, which the embedded pack "
            "does not hold. Fix: `dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda un_roll_call_issues.rda`."
        )
    if ci is not None and (abs(ci - PACK_CI) > 1e-9 or seed != PACK_SEED):
        raise NeedsIngestError(
            f"The embedded pack holds {PACK_CI:.0%} bootstrap intervals with seed {PACK_SEED} only. "
            "Fix: use --ci 0.95 --seed 0, or ingest the unvotes files to compute others."
        )
    names = vm.parse_measures(measure)
    lo, hi = sorted([a, b])
    p = store.derived("vote_measures", (lo, hi))
    rows = p[(p.iso3_a == lo) & (p.iso3_b == hi)]
    cols = ["year", "n", *names]
    if ci is not None:
        cols += [f"{k}_{e}" for k in names for e in ("lo", "hi")]
    if percentile:
        cols += [f"{k}_pct" for k in names]
    df = rows[cols]
    df = in_years(df, year_from, year_to)
    return df.reset_index(drop=True), sorted(rows["source"].unique().tolist())


# ---- the embedded pack: computed figures for the focus countries (pack.FOCUS) ----

PACK_CI, PACK_SEED, PACK_REPS = 0.95, 0, 500


def build_votes(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    """Focus dyad-years (every roll-call year): n, every measure, its percentile among all dyads that
    year, and 95% bootstrap bounds — the same numbers ``measures(..., ci=0.95, seed=0, reps=300)`` gives."""
    from dyadwatch.indicators import votes_panel as vp

    source = pick_source(wh, "unvotes")
    votes, rc = vp.load_frames(wh, source)
    panel = vp.with_percentiles(vp.panel_from_frames(votes, rc))
    focus = sorted(set(focus))
    index, cells = vp.panel_cells(votes[votes.iso3.isin(focus)], rc)
    grid = pd.DataFrame([(a, b) for i, a in enumerate(focus) for b in focus[i + 1 :]], columns=["iso3_a", "iso3_b"])
    grid = grid.merge(pd.DataFrame({"year": sorted(rc.year.astype(int).unique())}), how="cross")
    pos = grid.merge(index.reset_index(), on=["iso3_a", "iso3_b", "year"], how="left")["index"]
    full = np.zeros((len(grid), 3, 3), dtype=np.int64)
    full[pos.notna().to_numpy()] = cells[pos.dropna().astype(int).to_numpy()]
    df = vm.frame(full, grid)
    bands = vm.bootstrap(full, ci=PACK_CI, seed=PACK_SEED, reps=PACK_REPS, keys=grid["year"].to_numpy())
    for k in vm.MEASURES:
        df[f"{k}_lo"], df[f"{k}_hi"] = bands[k]
    pct = panel[["iso3_a", "iso3_b", "year", *[f"{k}_pct" for k in vm.MEASURES]]]
    df = df.merge(pct, on=["iso3_a", "iso3_b", "year"], how="left")
    df = df[df.groupby(["iso3_a", "iso3_b"])["n"].transform("sum") > 0]
    df.insert(0, "source", source)
    lead = ["source", "iso3_a", "iso3_b", "year", "n"]
    df = df[lead + [c for c in df.columns if c not in lead]]
    # Rounding far below the sampling error (see the bounds) keeps the pack small: measures to 4
    # decimals, bootstrap bounds to 3, percentiles to 0.1 point.
    for c in df.columns[len(lead) :]:
        df[c] = df[c].round(1 if c.endswith("_pct") else 3 if c.endswith(("_lo", "_hi")) else 4)
    return df.astype({"year": int, "n": int}).reset_index(drop=True)


def build_neighbours(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    """Each focus country's ten nearest voting neighbours (all states) in the latest year, by agreement and kappa."""
    from dyadwatch.indicators import votes_panel as vp

    source = pick_source(wh, "unvotes")
    panel = vp.panel_from_frames(*vp.load_frames(wh, source))
    year = int(panel.year.max())
    out = []
    for s in sorted(set(focus)):
        for m in ("agreement", "kappa"):
            try:
                nb = vp.neighbours(panel, s, year, measure=m, top=10)
            except NoDataError:
                continue
            out.append(nb.assign(iso3_focus=s, by=m))
    df = pd.concat(out, ignore_index=True)
    df.insert(0, "source", source)
    cols = ["source", "iso3_focus", "by", "rank", "year", "iso3", "n", *vm.MEASURES]
    return df[cols].round(4)


def issue_panel(votes: pd.DataFrame, roll_calls: pd.DataFrame, period: int = 10) -> pd.DataFrame:
    """All dyads: n and agreement per issue area ("all" = every roll call) and period, from frames."""
    from dyadwatch.indicators import votes_panel as vp

    out = []
    for issue in [None, *ISSUE_AREAS]:
        rc = roll_calls if issue is None else roll_calls[roll_calls[f"issue_{issue}"].fillna(False).astype(bool)]
        rc = rc.assign(year=(rc["year"].astype(int) // period) * period)
        p = vp.panel_from_frames(votes, rc, ["agreement"])
        out.append(p[p.n > 0].assign(issue=issue or "all").rename(columns={"year": "period"}))
    return pd.concat(out, ignore_index=True)


def build_issues(wh: Store, focus: Sequence[str]) -> pd.DataFrame:
    """Focus dyads: agreement by issue area and decade (the report's issue breakdown)."""
    from dyadwatch.indicators import votes_panel as vp

    source = pick_source(wh, "unvotes")
    votes, _ = vp.load_frames(wh, source)
    cols = ["rcid", "year", *[f"issue_{i}" for i in ISSUE_AREAS]]
    rc = roll_calls_expr(wh, source).select(*cols).to_pyarrow().to_pandas()
    df = issue_panel(votes[votes.iso3.isin(list(focus))], rc)
    df.insert(0, "source", source)
    df = df[["source", "iso3_a", "iso3_b", "issue", "period", "n", "agreement"]].round(4)
    return df.sort_values(["iso3_a", "iso3_b", "issue", "period"]).reset_index(drop=True)
