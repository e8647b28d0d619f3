"""Every undirected dyad-year at once: joint-vote tables by matrix products, then every measure.

For one year, let Y, A, N be the states × roll-calls indicator matrices of
yes, abstain and no votes. The joint-vote count of (a votes k, b votes l)
for *all* pairs is the matrix product ``I_k @ I_l.T``, so nine small dense
products per year replace a self-join of ~100 million vote pairs. The
formulas then run vectorised over all dyad-years (``votes_measures``).
This is numerical work on vote matrices, not a relational expression, so it
lives here and reads its input from the warehouse (or a loader's tables).

Context built on the panel: a dyad's percentile among all dyads that year,
a state's nearest voting neighbours, and a clustered similarity matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dyadwatch.errors import NeedsIngestError, NoDataError
from dyadwatch.indicators.votes_measures import MEASURES, measures_from_cells

if TYPE_CHECKING:
    from dyadwatch.store import Store


def year_cells(codes: np.ndarray, state_idx: np.ndarray, rc_idx: np.ndarray, n_states: int, n_rc: int) -> np.ndarray:
    """The (S, S, 3, 3) joint-vote tables of one year from coded votes (0 yes, 1 abstain, 2 no)."""
    ind = np.zeros((3, n_states, n_rc), dtype=np.float32)  # float32 is exact for counts < 2**24
    ind[codes, state_idx, rc_idx] = 1.0
    cells: np.ndarray = np.einsum("ksr,ltr->stkl", ind, ind, optimize=True)
    return cells


def panel_cells(votes: pd.DataFrame, roll_calls: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """All undirected dyad-years (iso3_a < iso3_b, year) and their (r, 3, 3) joint-vote tables.

    ``roll_calls`` maps rcid to the period it counts in (column ``year``; a decade works too);
    votes on roll calls not listed are left out, which is how subsets apply. A dyad-year is listed
    when both states cast at least one yes/abstain/no vote in it; ``n`` may still be 0.
    """
    v = votes[["rcid", "iso3", "vote"]]
    v = v[v["vote"].isin([1, 2, 3])]
    year_of = pd.Series(roll_calls["year"].to_numpy(), index=roll_calls["rcid"].to_numpy())
    yr = year_of.reindex(v["rcid"].to_numpy()).to_numpy()
    keep = ~pd.isna(yr)
    v = v[keep]
    yr = yr[keep].astype(np.int64)
    states, sidx = np.unique(v["iso3"].to_numpy().astype(str), return_inverse=True)
    _, ridx = np.unique(v["rcid"].to_numpy(), return_inverse=True)
    code = v["vote"].to_numpy().astype(np.int64) - 1
    order = np.argsort(yr, kind="stable")
    yr, sidx, ridx, code = yr[order], sidx[order], ridx[order], code[order]
    bounds = np.flatnonzero(np.diff(yr)) + 1
    parts_a, parts_b, parts_y, parts_c = [], [], [], []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(yr)], strict=True):
        if lo == hi:
            continue
        s_u, s_loc = np.unique(sidx[lo:hi], return_inverse=True)
        _, r_loc = np.unique(ridx[lo:hi], return_inverse=True)
        cells = year_cells(code[lo:hi], s_loc, r_loc, len(s_u), r_loc.max() + 1)
        ia, ib = np.triu_indices(len(s_u), k=1)  # states are sorted, so iso3_a < iso3_b
        parts_a.append(s_u[ia])
        parts_b.append(s_u[ib])
        parts_y.append(np.full(len(ia), yr[lo]))
        parts_c.append(cells[ia, ib])
    if not parts_a:
        raise NoDataError("No yes/abstain/no votes in the selected roll calls.")
    index = pd.DataFrame(
        {
            "iso3_a": states[np.concatenate(parts_a)],
            "iso3_b": states[np.concatenate(parts_b)],
            "year": np.concatenate(parts_y).astype(np.int32),
        }
    )
    return index, np.concatenate(parts_c).astype(np.int64)


def panel_from_frames(votes: pd.DataFrame, roll_calls: pd.DataFrame, measures: list[str] | None = None) -> pd.DataFrame:
    """All undirected dyad-years with ``n`` and every measure (see ``panel_cells``); n = 0 → NULL measures."""
    index, cells = panel_cells(votes, roll_calls)
    ms = measures_from_cells(cells)
    index["n"] = ms["n"]
    for k in measures or MEASURES:
        index[k] = ms[k]
    return index


def load_frames(wh: Store, source: str, **subset: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Votes (rcid, iso3, vote) and selected roll calls (rcid, year) of one source, as pandas."""
    from dyadwatch.indicators.roll_calls import roll_calls_expr
    from dyadwatch.indicators.votes_sources import rows

    rc = roll_calls_expr(wh, source, **subset).select("rcid", "year").to_pyarrow().to_pandas()
    votes = rows(wh, "votes", source)
    v = votes.filter(votes.vote.isin([1, 2, 3])).select("rcid", "iso3", "vote")
    return v.to_pyarrow().to_pandas(), rc


def all_dyads(
    wh: Store, *, source: str | None = None, measures: list[str] | None = None, **subset: Any
) -> pd.DataFrame:
    """Every undirected dyad-year with n and every measure, from the warehouse; subsets as in ``votes.measures``."""
    from dyadwatch.indicators.roll_calls import pick_source

    source = pick_source(wh, source)

    def build(measures: list[str] | None) -> pd.DataFrame:
        votes, rc = load_frames(wh, source, **subset)
        out = panel_from_frames(votes, rc, measures)
        out.insert(0, "source", source)
        return out

    if any(subset.values()):
        return build(measures)
    # The whole panel once per store and ingest: a report's verdict, votes section and reference dyads all
    # read it (every measure costs little more than one: the joint-vote tables are the work).
    full: pd.DataFrame = wh.cached(("all_dyads", source), lambda: build(None), persist=True)
    return full[["source", "iso3_a", "iso3_b", "year", "n", *(measures or MEASURES)]]


def all_dyads_percentiles(wh: Store, measures: list[str], *, source: str | None = None) -> pd.DataFrame:
    """``all_dyads`` with ``<measure>_pct`` (``with_percentiles``): once per store content and measures (the
    verdict of every reference dyad and the report's votes section read it), kept for the next process."""
    from dyadwatch.indicators.roll_calls import pick_source

    src = pick_source(wh, source)
    out: pd.DataFrame = wh.cached(
        ("vote_percentiles", src, tuple(measures)),
        lambda: with_percentiles(all_dyads(wh, source=src, measures=measures), measures),
        persist=True,
    )
    return out


def with_percentiles(panel: pd.DataFrame, measures: list[str] | None = None) -> pd.DataFrame:
    """Add ``<measure>_pct``: the share (0–100) of that year's dyads with a value ≤ this dyad's.

    Dyads with NULL values are neither ranked nor counted.
    """
    out = panel.copy()
    g = out.groupby("year")
    for k in measures or [m for m in MEASURES if m in out]:
        out[f"{k}_pct"] = g[k].rank(method="max", pct=True) * 100
    return out


def dyad_rows(panel: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The rows of one undirected dyad, whichever way round it is named."""
    lo, hi = sorted([a, b])
    return panel[(panel.iso3_a == lo) & (panel.iso3_b == hi)].reset_index(drop=True)


def neighbours(
    panel: pd.DataFrame, state: str, year: int, *, measure: str = "agreement", top: int = 10, min_n: int = 10
) -> pd.DataFrame:
    """The states voting most like ``state`` in ``year``, by ``measure`` (ties broken by n, then name).

    Dyads with fewer than ``min_n`` shared roll calls are left out: their scores are mostly noise.
    """
    p = panel[(panel.year == year) & ((panel.iso3_a == state) | (panel.iso3_b == state))]
    if p.empty:
        years = sorted(panel.loc[(panel.iso3_a == state) | (panel.iso3_b == state), "year"].unique().tolist())
        hint = f"years with votes of {state}: {years[0]}–{years[-1]}" if years else f"no votes of {state} at all"
        raise NoDataError(f"No shared UNGA roll calls for {state} in {year} ({hint}).")
    other = np.where(p.iso3_a == state, p.iso3_b, p.iso3_a)
    cols = ["n", *[m for m in MEASURES if m in p]]
    out = p[cols].assign(iso3=other)
    out = out[(out.n >= min_n) & out[measure].notna()]
    out = out.sort_values([measure, "n", "iso3"], ascending=[False, False, True]).head(top)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.insert(1, "year", year)
    return out[["rank", "year", "iso3", *cols]].reset_index(drop=True)


def matrix(
    panel: pd.DataFrame, year: int, *, measure: str = "agreement", states: list[str] | None = None, min_n: int = 1
) -> pd.DataFrame:
    """Square similarity matrix for ``year`` (index and columns iso3), ordered by hierarchical clustering.

    Distance is ``max − value`` (average linkage, the order of scipy.cluster.hierarchy's ``leaves_list``); a
    pair with no shared roll calls gets the largest distance for clustering and stays NULL in the output.
    The diagonal is each state's similarity with itself (1 for every measure here).
    """
    p = panel[(panel.year == year) & (panel.n >= min_n)]
    if states:
        p = p[p.iso3_a.isin(states) & p.iso3_b.isin(states)]
    if p.empty:
        raise NoDataError(f"No dyads with shared UNGA roll calls in {year}.")
    names = sorted(set(p.iso3_a) | set(p.iso3_b))
    idx = {s: i for i, s in enumerate(names)}
    m = np.full((len(names), len(names)), np.nan)
    ia, ib = p.iso3_a.map(idx).to_numpy(), p.iso3_b.map(idx).to_numpy()
    m[ia, ib] = m[ib, ia] = p[measure].to_numpy()
    np.fill_diagonal(m, 1.0)
    if len(names) > 2:
        finite = m[np.isfinite(m)]
        top = max(1.0, float(finite.max()))
        dist = np.where(np.isfinite(m), top - m, top - min(-1.0, float(finite.min())))
        np.fill_diagonal(dist, 0.0)
        order = average_linkage_order(dist)
    else:
        order = list(range(len(names)))
    ordered = [names[i] for i in order]
    return pd.DataFrame(m, index=names, columns=names).loc[ordered, ordered]


def average_linkage_order(dist: np.ndarray) -> list[int]:
    """The leaf order of an average-linkage (UPGMA) tree of a square distance matrix, exactly as scipy gives it.

    Same result as scipy's ``leaves_list(linkage(squareform(dist), "average"))`` — ties included, which vote
    agreement (ratios of small counts) has many of — without its second of imports (scipy.cluster,
    scipy.spatial) in every report: the same nearest-neighbour-chain merges, in the same order, with the same
    distance update ``(n_x d_xi + n_y d_yi) / (n_x + n_y)``; then merges sorted stably by distance, clusters
    numbered by union-find (n + row, smaller label left) and the tree read in pre-order, left first.
    A property test checks it against scipy.
    """
    n = len(dist)
    if n < 2:
        return list(range(n))
    d = np.array(dist, dtype=float)
    np.fill_diagonal(d, np.inf)
    size = np.ones(n, dtype=np.int64)
    merges: list[tuple[int, int, float]] = []
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain = [int(np.flatnonzero(size > 0)[0])]
        while True:
            x = chain[-1]
            # The previous element of the chain wins a tie, so that the chain cannot cycle.
            y, best = (chain[-2], d[x, chain[-2]]) if len(chain) > 1 else (-1, np.inf)
            row = np.where(size > 0, d[x], np.inf)
            row[x] = np.inf
            i = int(row.argmin())
            if row[i] < best:
                y, best = i, row[i]
            if len(chain) > 1 and y == chain[-2]:
                break
            chain.append(y)
        chain = chain[:-2]
        x, y = min(x, y), max(x, y)
        nx, ny = size[x], size[y]
        merges.append((x, y, float(best)))
        size[x], size[y] = 0, nx + ny  # the merged cluster lives on in y
        live = size > 0
        live[y] = False
        upd = (nx * d[x] + ny * d[y]) / (nx + ny)
        d[y, live] = d[live, y] = upd[live]
        d[x, :] = d[:, x] = np.inf
    parent = list(range(2 * n - 1))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    children: dict[int, tuple[int, int]] = {}
    for k, (x, y, _) in enumerate(sorted(merges, key=lambda m: m[2])):  # sorted() is stable, like mergesort
        rx, ry = root(x), root(y)
        children[n + k] = (min(rx, ry), max(rx, ry))
        parent[rx] = parent[ry] = n + k
    order: list[int] = []
    todo = [2 * n - 2]
    while todo:
        c = todo.pop()
        if c < n:
            order.append(c)
        else:
            todo.extend(reversed(children[c]))
    return order


# ---- one state against all, and the matrix: from the roll calls, else the derived focus tables ----


def neighbours_of(
    store: Store,
    iso3: str,
    year: int | None = None,
    *,
    measure: str = "agreement",
    top: int = 10,
    min_n: int = 10,
    source: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """``neighbours`` of a state among all states (default year: the latest), from the roll calls; (frame,
    sources)."""
    from dyadwatch.indicators.roll_calls import pick_source

    src = pick_source(store, source)
    panel = all_dyads(store, source=src, year_from=year, year_to=year) if year else all_dyads(store, source=src)
    y = year or int(panel.year.max())
    return neighbours(panel, iso3, y, measure=measure, top=top, min_n=min_n), [src]


def neighbours_derived(
    store: Store, iso3: str, year: int | None = None, *, measure: str = "agreement", top: int = 10, **_: Any
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`neighbours_of` from the derived ``votes_neighbours`` table (the latest year, its measures)."""
    p = store.derived("votes_neighbours", (iso3,))
    full = store.derived("votes_neighbours")
    have = sorted(full.by.unique())
    latest = int(full.year.max())
    if measure not in have or (year is not None and year != latest):
        raise NeedsIngestError(
            f"The embedded pack holds the neighbours of the latest year ({latest}) by {' or '.join(have)} only. "
            "Fix: ingest the unvotes files (`dyadwatch ingest unvotes ...`) for other years and measures."
        )
    rows = p[(p.iso3_focus == iso3) & (p.by == measure)].head(top)
    cols = ["rank", "year", "iso3", "n", *MEASURES]
    return rows[cols].reset_index(drop=True), sorted(rows.source.unique())


def matrix_of(
    store: Store,
    year: int | None,
    *,
    measure: str = "agreement",
    states: list[str] | None = None,
    source: str | None = None,
) -> tuple[pd.DataFrame, int, list[str], list[str]]:
    """The clustered similarity ``matrix`` for a year (None: the latest) from the roll calls; (frame, year,
    sources, notes)."""
    from dyadwatch.indicators.roll_calls import pick_source

    src = pick_source(store, source)
    panel = all_dyads(store, source=src, year_from=year, year_to=year) if year else all_dyads(store, source=src)
    y = year or int(panel.year.max())
    return matrix(panel, y, measure=measure, states=states), y, [src], []


def matrix_derived(
    store: Store, year: int | None, *, measure: str = "agreement", states: list[str] | None = None, **_: Any
) -> tuple[pd.DataFrame, int, list[str], list[str]]:
    """:func:`matrix_of` from the derived ``vote_measures`` table: the focus states only."""
    p = store.derived("vote_measures", states)
    y = year or int(p.year.max())
    note = "The embedded pack covers the focus countries only; ingest the vote files for all states."
    return matrix(p, y, measure=measure, states=states), y, sorted(p.source.unique()), [note]
