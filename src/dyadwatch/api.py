"""The Python API behind the CLI, the report and the dashboard: one ``Result`` shape from one store.

``open_store`` is the only place that chooses where data comes from: the user's warehouse (when the file
exists) chained before dyadwatch's embedded pack (``store.ChainStore``: each table from the first store that
holds it). Every function here resolves countries, opens the store (or takes the caller's), calls one
indicator function and says the basis — warehouse or pack — of what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from dyadwatch import countries, validate_args
from dyadwatch.store import ChainStore, Store, pack_store

T = TypeVar("T")


@dataclass
class Result:
    """What every API function returns: the data, its basis, its sources, its coverage and notes."""

    data: pd.DataFrame
    basis: str  # "warehouse" or "pack"
    sources: list[str]
    notes: list[str] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)

    def basis_note(self) -> str:
        if self.basis == "pack":
            return (
                "Basis: dyadwatch's embedded pack (figures computed from "
                + ", ".join(self.sources)
                + "); ingest the files to use your own warehouse."
            )
        return f"Basis: your warehouse (source {', '.join(self.sources)})."


def open_store(db: str | Path | None = None) -> ChainStore:
    """The store every reader uses: the warehouse at ``db`` (default location if None) when it exists, read-only,
    chained before the embedded pack.

    Only the default location may be absent (a fresh machine: the pack answers). A ``db`` the caller gave that
    does not exist is an error, as ``sqlite3`` in read-only mode or ``pandas.read_parquet`` would say: a
    mistyped path must never silently give the pack's figures.
    """
    import os

    from dyadwatch.errors import WarehouseNotFoundError
    from dyadwatch.warehouse import ENV_DB, Warehouse, default_path

    given = db or os.environ.get(ENV_DB)  # DYADWATCH_DB is as explicit a choice as --db
    if given and not Path(given).expanduser().exists():
        raise WarehouseNotFoundError(
            f"No warehouse at {given} (given by --db or DYADWATCH_DB). Fix: check the path, create it with "
            f"`dyadwatch ingest SOURCE FILE --db {given}`, or leave --db and DYADWATCH_DB out to use the default "
            "warehouse (or the embedded pack when there is none)."
        )
    path = Path(db).expanduser() if db else default_path()
    wh = Warehouse(path, read_only=True) if path.exists() else None
    return ChainStore(*([wh] if wh is not None else []), pack_store(), path=path)


def as_store(wh: Store | None) -> ChainStore:
    """A caller's own store (a warehouse, the pack, or a chain) as a chain ending in the pack."""
    if wh is None:
        from dyadwatch.warehouse import default_path

        return ChainStore(pack_store(), path=default_path())
    if isinstance(wh, ChainStore):
        return wh
    return ChainStore(wh, pack_store()) if wh.basis != "pack" else ChainStore(wh)


@contextmanager
def using(db: str | Path | None = None, wh: Store | None = None) -> Iterator[ChainStore]:
    """The caller's store if given, else the default one, closed afterwards."""
    if wh is not None:
        yield as_store(wh)
        return
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def run(db: str | Path | None, wh: Store | None, fn: Callable[[ChainStore], T]) -> T:
    with using(db, wh) as store:
        return fn(store)


def _dyad(
    a: str, b: str, year_from: int | None = None, year_to: int | None = None
) -> tuple[countries.Country, countries.Country]:
    """Both states resolved, checked to be two, and the year window checked, before any work."""
    ca, cb = countries.resolve(a), countries.resolve(b)
    validate_args.dyad(ca.iso3, cb.iso3, a, b)
    validate_args.years(year_from, year_to)
    return ca, cb


def _years_of(df: pd.DataFrame) -> tuple[int, int] | None:
    col = df["year"] if "year" in df else df["period"].astype(str).str[:4].astype(int) if "period" in df else None
    return (int(col.min()), int(col.max())) if col is not None and len(col) else None


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

    def go(store: ChainStore) -> Result:
        kw = dict(measure=measure, source=source, issue=issue, important=important, match=match)
        df, basis, src = iv.dyad(
            store, ca.iso3, cb.iso3, year_from=year_from, year_to=year_to, ci=ci, seed=seed, percentile=percentile,
            **kw,
        )  # fmt: skip
        if df.empty and (year_from is not None or year_to is not None):
            full = iv.dyad(store, ca.iso3, cb.iso3, **kw)[0]
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


def trade(
    a: str,
    b: str,
    *,
    db: str | Path | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wh: Store | None = None,
) -> Result:
    """The dyad's trade per period (USD; see ``indicators.trade.trade``): the warehouse's flows when it holds
    trade data, else COW trade v4 (to 2014) from the embedded pack for focus dyads."""
    from dyadwatch.indicators import trade_pack as tp

    ca, cb = _dyad(a, b, year_from, year_to)
    df, basis = run(db, wh, lambda s: tp.load_trade(s, ca.iso3, cb.iso3, year_from=year_from, year_to=year_to))
    srcs = sorted({s for v in df.source.dropna() for s in str(v).split(",")})
    return Result(df, basis, srcs)


def energy_crude(
    importer: str,
    origin: str,
    *,
    db: str | Path | None = None,
    benchmarks: tuple[str, ...] = (),
    freq: str = "M",
    wh: Store | None = None,
) -> Result:
    """One origin's crude in the importer's imports per month (freq M) or full year (A): shares, unit value,
    discounts (see ``indicators.energy.crude``); from the warehouse, else the embedded pack."""
    from dyadwatch.indicators import trade_pack as tp

    ci, co = _dyad(importer, origin)
    bms = tuple(countries.resolve(x).iso3 for x in benchmarks)

    def go(store: ChainStore) -> Result:
        df, basis = tp.load_crude(store, ci.iso3, co.iso3, benchmarks=bms, freq=freq)
        srcs = ["china_crude"] if basis == "pack" else sorted(store.sources_of("energy_flows"))
        return Result(df, basis, srcs)

    return run(db, wh, go)


def facts(entities: list[str], *, db: str | Path | None = None, wh: Store | None = None) -> Result:
    """Published facts about any of ``entities`` (as their publishers give them), from the warehouse or the pack."""
    from dyadwatch.indicators import trade_pack as tp

    iso = [countries.resolve(e).iso3 for e in entities]
    df, basis = run(db, wh, lambda s: tp.facts_for(s, iso))
    return Result(df, basis, ["facts"])


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

    c = countries.resolve(state)

    def go(store: ChainStore) -> Result:
        df, basis, src = vp.neighbours_of(store, c.iso3, year, measure=measure, top=top, min_n=min_n, source=source)
        return Result(df, basis, src)

    return run(db, wh, go)


def matrix(
    year: int,
    *,
    measure: str = "agreement",
    states: list[str] | None = None,
    source: str | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """The clustered similarity matrix of all (or the given) states in ``year`` (pack: focus states only)."""
    from dyadwatch.indicators import votes_panel as vp

    iso = [countries.resolve(s).iso3 for s in states] if states else None

    def go(store: ChainStore) -> Result:
        df, basis, src, notes = vp.matrix_of(store, year, measure=measure, states=iso, source=source)
        return Result(df, basis, src, notes)

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

    iso = [countries.resolve(s).iso3 for s in states] if states else None

    def go(store: ChainStore) -> Result:
        df, basis, src, notes = ip.points(
            store, estimate=estimate, states=iso, year_from=year_from, year_to=year_to, source=source
        )
        return Result(df, basis, src, notes)

    return run(db, wh, go)
