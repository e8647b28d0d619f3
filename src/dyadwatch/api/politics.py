"""Votes, alliances, ideal points, regimes and power: from the user's data when it holds them, else the pack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from dyadwatch import countries, validate_args
from dyadwatch.api.core import Result, _dyad, _years_of, answer, run

if TYPE_CHECKING:
    import pandas as pd

    from dyadwatch.store import ChainStore, Store


def votes(
    a: str,
    b: str,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wh: Store | None = None,
    measure: str | list[str] | None = "agreement",
    issue: str | None = None,
    important: bool = False,
    match: str | None = None,
    ci: float | None = None,
    seed: int = 0,
    percentile: bool = False,
) -> Result:
    """UNGA voting similarity per year for the dyad: columns year, n and the chosen measures
    (``measure="all"`` for every one; see ``indicators.votes_measures``), ``<m>_lo``/``<m>_hi``
    with ``ci``, ``<m>_pct`` (percentile among all dyads that year) with ``percentile``."""
    from dyadwatch.indicators import votes as iv

    ca, cb = _dyad(a, b, year_from, year_to)
    notes = [n for n in (countries.un_seat_note(c.iso3, year_from) for c in (ca, cb)) if n]

    subset: dict[str, Any] = dict(issue=issue, important=important, match=match)
    kw: dict[str, Any] = dict(measure=measure, source=source, **subset)

    def own(s: ChainStore, percentile: bool = False, **more: Any) -> tuple[pd.DataFrame, list[str]]:
        w = cast("Store", s.store_of("votes"))  # the roll calls' store (a warehouse, a lake): held, by answer
        src = iv.pick_source(w, source)
        df = iv.measures(w, ca.iso3, cb.iso3, measure=measure, source=src, **subset, **more)
        return (iv.add_percentiles(w, df, ca.iso3, cb.iso3, source=src, **subset) if percentile else df), [src]

    def measures(store: ChainStore, **more: Any) -> tuple[tuple[pd.DataFrame, list[str]], str]:
        return answer(
            store, "votes", lambda s: own(s, **more), lambda s: iv.dyad_derived(s, ca.iso3, cb.iso3, **kw, **more)
        )

    def go(store: ChainStore) -> Result:
        (df, src), basis = measures(
            store, year_from=year_from, year_to=year_to, ci=ci, seed=seed, percentile=percentile
        )
        if df.empty and (year_from is not None or year_to is not None):
            full = measures(store)[0][0]
            what = f"UNGA votes shared by {ca.iso3} and {cb.iso3} ({', '.join(src) or 'no source'})"
            validate_args.window_has_rows(df, what, year_from, year_to, _years_of(full))
        return Result(df, basis, src, notes)

    return run(db, wh, go)


def alliances(
    a: str,
    b: str,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wh: Store | None = None,
) -> Result:
    """Alliance obligations of a towards b per year (defense, offense, neutral, nonagg, consul, entente)."""
    from dyadwatch.indicators import alliances as ia

    ca, cb = _dyad(a, b, year_from, year_to)

    def go(store: ChainStore) -> Result:
        df, basis = ia.dyad(store, ca.iso3, cb.iso3, source=source, year_from=year_from, year_to=year_to)
        if df.empty:
            full = ia.dyad(store, ca.iso3, cb.iso3, source=source)[0]
            what = f"alliance data for {ca.iso3} and {cb.iso3} ({', '.join(sorted(set(full['source'])))})"
            validate_args.window_has_rows(df, what, year_from, year_to, _years_of(full))
        return Result(df, basis, sorted(df["source"].unique().tolist()))

    return run(db, wh, go)


def neighbours(
    state: str,
    year: int | None = None,
    *,
    measure: str = "agreement",
    top: int = 10,
    min_n: int = 10,
    source: str | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """The states that voted most like ``state`` in a year (default: the latest)."""
    from dyadwatch.indicators import votes_panel as vp

    c = countries.resolve_input(state)

    kw: dict[str, Any] = dict(measure=measure, top=top, min_n=min_n, source=source)

    def go(store: ChainStore) -> Result:
        (df, src), basis = answer(
            store, "votes", lambda s: vp.neighbours_of(s, c.iso3, year, **kw),
            lambda s: vp.neighbours_derived(s, c.iso3, year, **kw),
        )  # fmt: skip
        return Result(df, basis, src)

    return run(db, wh, go)


def matrix(
    year: int | None = None,
    *,
    measure: str = "agreement",
    states: list[str] | None = None,
    source: str | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """The clustered similarity matrix of all (or the given) states in ``year`` (default: the latest; pack: focus
    states only); ``coverage["year"]`` says which."""
    from dyadwatch.indicators import votes_panel as vp

    iso = [countries.resolve_input(s).iso3 for s in states] if states else None

    kw: dict[str, Any] = dict(measure=measure, states=iso, source=source)

    def go(store: ChainStore) -> Result:
        (df, y, src, notes), basis = answer(
            store, "votes", lambda s: vp.matrix_of(s, year, **kw), lambda s: vp.matrix_derived(s, year, **kw)
        )
        return Result(df, basis, src, notes, {"year": y})

    return run(db, wh, go)


def idealpoints(
    *,
    estimate: bool = False,
    states: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source: str | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """UNGA ideal points per state and year: published (Bailey–Strezhnev–Voeten) or estimated from the votes."""
    from dyadwatch.indicators import idealpoints as ip

    iso = [countries.resolve_input(s).iso3 for s in states] if states else None

    kw: dict[str, Any] = dict(states=iso, year_from=year_from, year_to=year_to)

    def go(store: ChainStore) -> Result:
        if estimate:  # the raw votes or nothing
            got, basis = answer(store, "votes", lambda s: ip.estimated(s, source=source, **kw), ip.no_votes)
        else:
            got, basis = answer(
                store, "ideal_points", lambda s: ip.published_points(s, **kw), lambda s: ip.points_derived(s, **kw)
            )
        df, src, notes = got
        return Result(df, basis, src, notes)

    return run(db, wh, go)


def vote_issues(a: str, b: str, *, db: str | Path | None = None, wh: Store | None = None) -> Result:
    """Agreement per issue area and decade (``indicators.votes.issue_breakdown``)."""
    from dyadwatch.indicators import votes as iv

    ca, cb = _dyad(a, b)
    lo, hi = sorted([ca.iso3, cb.iso3])

    def own(s: ChainStore) -> tuple[pd.DataFrame, list[str]]:
        src = iv.pick_source(s, None)
        return iv.issue_breakdown(s, ca.iso3, cb.iso3, source=src), [src]

    def derived(s: ChainStore) -> tuple[pd.DataFrame, list[str]]:
        p = s.derived("votes_issues", (lo, hi))
        p = p[(p.iso3_a == lo) & (p.iso3_b == hi)]
        return p, sorted(set(p.source))

    def go(store: ChainStore) -> Result:
        (df, src), basis = answer(store, "votes", own, derived)
        return Result(df, basis, src)

    return run(db, wh, go)


def regimes(
    states: list[str],
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """Regime scores per state-year (iso3, year, polyarchy, polity2, uds; ``indicators.regimes``)."""
    from dyadwatch.indicators import regimes as rg

    iso = [countries.resolve_input(s).iso3 for s in states]

    def go(store: ChainStore) -> Result:
        df, basis = answer(
            store, "regimes", lambda s: rg.scores(s, iso, year_from, year_to),
            lambda s: rg.scores_derived(s, iso, year_from, year_to),
        )  # fmt: skip
        return Result(df, basis, store.sources_of("regimes" if basis != "pack" else "regime_scores"))

    return run(db, wh, go)


def power(a: str, b: str, *, db: str | Path | None = None, wh: Store | None = None) -> Result:
    """Per year: both sides' CINC and GDP and their ratios (``indicators.conflict.dyad_power``)."""
    from dyadwatch.indicators import conflict as cf

    ca, cb = _dyad(a, b)

    def go(store: ChainStore) -> Result:
        df, basis = answer(
            store, "power", lambda s: cf.power_years(s, [ca.iso3, cb.iso3]),
            lambda s: s.derived("conflict_power", (ca.iso3, cb.iso3)),
        )  # fmt: skip
        tables = ("capabilities", "economy_state_year") if basis != "pack" else ("conflict_power",)
        return Result(
            cf.dyad_power(df, ca.iso3, cb.iso3), basis, sorted({x for t in tables for x in store.sources_of(t)})
        )

    return run(db, wh, go)


def dispute_coverage(*, db: str | Path | None = None, wh: Store | None = None) -> Result:
    """Per dispute source: first and last year it covers (the same for every dyad)."""
    from dyadwatch.indicators import conflict as cf

    def go(store: ChainStore) -> Result:
        # Asked once per dyad (the verdict of each reference dyad): once per store and ingest.
        df, basis = store.cached(
            ("mid_coverage",), lambda: answer(store, "mids", lambda s: cf.coverage(s, "mids"), cf.mid_coverage_derived)
        )
        return Result(df.copy(), basis, sorted(df.source))

    return run(db, wh, go)
