"""The Python API behind the CLI: results with their basis (warehouse or embedded pack) and sources.

``votes`` and ``alliances`` use the warehouse when it holds the data and the
embedded pack otherwise, and say which in ``Result.basis``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dyadwatch import countries, pack
from dyadwatch.warehouse import Warehouse, default_path


@dataclass
class Result:
    data: pd.DataFrame
    basis: str  # "warehouse" or "pack"
    sources: list[str]
    notes: list[str] = field(default_factory=list)

    def basis_note(self) -> str:
        if self.basis == "pack":
            return (
                "Basis: dyadwatch's embedded pack (figures computed from "
                + ", ".join(self.sources)
                + "); ingest the files to use your own warehouse."
            )
        return f"Basis: your warehouse (source {', '.join(self.sources)})."


def open_warehouse(db: str | Path | None = None) -> Warehouse | None:
    """The warehouse read-only, or None when the file does not exist yet."""
    path = Path(db) if db else default_path()
    return Warehouse(path, read_only=True) if path.exists() else None


def _dyad(a: str, b: str) -> tuple[countries.Country, countries.Country]:
    return countries.resolve(a), countries.resolve(b)


def votes(
    a: str,
    b: str,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wh: Warehouse | None = None,
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

    ca, cb = _dyad(a, b)
    notes = [n for n in (countries.un_seat_note(c.iso3, year_from) for c in (ca, cb)) if n]

    def run(own: Warehouse | None) -> Result:
        if own is not None and own.sources_of("votes"):
            src = iv.pick_source(own, source)
            df = iv.measures(
                own, ca.iso3, cb.iso3, measure=measure, source=src, year_from=year_from, year_to=year_to,
                issue=issue, important=important, match=match, ci=ci, seed=seed,
            )  # fmt: skip
            if percentile:
                df = iv.add_percentiles(own, df, ca.iso3, cb.iso3, source=src, issue=issue, important=important,
                                        match=match)  # fmt: skip
            return Result(df, "warehouse", [src], notes)
        pack.require_focus(ca.iso3, cb.iso3)
        df, src = iv.from_pack(ca.iso3, cb.iso3, measure=measure, issue=issue, important=important, match=match,
                               ci=ci, seed=seed, percentile=percentile)  # fmt: skip
        return Result(_years(df, year_from, year_to), "pack", src, notes)

    return _with_wh(db, wh, run)


def alliances(
    a: str,
    b: str,
    *,
    db: str | Path | None = None,
    source: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wh: Warehouse | None = None,
) -> Result:
    """Alliance obligations of a towards b per year (defense, offense, neutral, nonagg, consul, entente)."""
    from dyadwatch.indicators import alliances as ia

    ca, cb = _dyad(a, b)

    def run(own: Warehouse | None) -> Result:
        if own is not None and own.sources_of("alliance_dyad_year"):
            df = ia.obligations(own, ca.iso3, cb.iso3, source=source, year_from=year_from, year_to=year_to)
            return Result(df, "warehouse", sorted(df["source"].unique().tolist()))
        pack.require_focus(ca.iso3, cb.iso3)
        src = source or ia.SOURCE_PREFERENCE[0]
        cov_row = pack.load("alliance_coverage").set_index("source").loc[src]
        cov = {"lo": int(cov_row.lo), "hi": int(cov_row.hi), "measured": str(cov_row.measured).split()}
        p = pack.load("alliances")
        rows = p[(p.source == src) & (p.iso3_a == ca.iso3) & (p.iso3_b == cb.iso3)]
        df = ia.fill_years(rows, cov, year_from, year_to)
        df["source"] = src
        return Result(df, "pack", [src])

    return _with_wh(db, wh, run)


def _years(df: pd.DataFrame, year_from: int | None, year_to: int | None) -> pd.DataFrame:
    if year_from is not None:
        df = df[df.year >= year_from]
    if year_to is not None:
        df = df[df.year <= year_to]
    return df.reset_index(drop=True)


def _with_wh(db, wh, fn):
    """Run ``fn(warehouse or None)`` with the caller's warehouse, else the default one opened read-only."""
    own = wh or open_warehouse(db)
    try:
        return fn(own)
    finally:
        if own is not None and wh is None:
            own.close()


def trade(
    a: str,
    b: str,
    *,
    db: str | Path | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    wh: Warehouse | None = None,
) -> Result:
    """The dyad's trade per period (USD; see ``indicators.trade.trade``): the warehouse's flows when it holds
    trade data, else COW trade v4 (to 2014) from the embedded pack for focus dyads."""
    from dyadwatch.indicators import trade_pack as tp

    ca, cb = _dyad(a, b)
    df, basis = _with_wh(db, wh, lambda w: tp.load_trade(w, ca.iso3, cb.iso3, year_from=year_from, year_to=year_to))
    srcs = sorted({s for v in df.source.dropna() for s in str(v).split(",")})
    return Result(df, basis, srcs)


def energy_crude(
    importer: str,
    origin: str,
    *,
    db: str | Path | None = None,
    benchmarks: tuple[str, ...] = (),
    freq: str = "M",
    wh: Warehouse | None = None,
) -> Result:
    """One origin's crude in the importer's imports per month (freq M) or full year (A): shares, unit value,
    discounts (see ``indicators.energy.crude``); from the warehouse, else the embedded pack."""
    from dyadwatch.indicators import trade_pack as tp

    ci, co = _dyad(importer, origin)
    bms = tuple(countries.resolve(x).iso3 for x in benchmarks)

    def run(w):
        df, basis = tp.load_crude(w, ci.iso3, co.iso3, benchmarks=bms, freq=freq)
        return Result(df, basis, ["china_crude"] if basis == "pack" else sorted(w.sources_of("energy_flows")))

    return _with_wh(db, wh, run)


def facts(entities: list[str], *, db: str | Path | None = None, wh: Warehouse | None = None) -> Result:
    """Published facts about any of ``entities`` (as their publishers give them), from the warehouse or the pack."""
    from dyadwatch.indicators import trade_pack as tp

    iso = [countries.resolve(e).iso3 for e in entities]
    df, basis = _with_wh(db, wh, lambda w: tp.facts_for(w, iso))
    return Result(df, basis, ["facts"])


# ------------------------------------------------------------------ panels (issue 10)


def panel(
    kind: str = "dyad-year",
    *,
    add: list[str] | tuple[str, ...] = (),
    out: str | Path | None = None,
    db: str | Path | None = None,
    wh: Warehouse | None = None,
    **options,
):
    """A peace-science panel (``dyadwatch.panel.build`` options: directed, system, year_from, year_to, states,
    relevant, sources, vote_basis). Returns a DataFrame, or with ``out`` writes the file (format by extension)
    with its codebook, BibTeX and manifest and returns ``panel.Written`` (path, rows, coverage, notes)."""
    from dyadwatch import panel as pn
    from dyadwatch.errors import NoDataError

    if out is not None:
        from dyadwatch.panel.writers import check_path

        check_path(out)  # refuse a wrong extension before any work

    def run(own: Warehouse | None):
        if own is None:
            raise NoDataError(
                "Panels are built from the warehouse; it does not exist yet. Fix: `dyadwatch ingest ddy "
                "cow_ddy.rda` (and the sources of each block, `dyadwatch sources`)."
            )
        p = pn.build(own, kind, add=list(add), **options)
        return pn.write(p, out, own) if out is not None else p.to_pandas()

    return _with_wh(db, wh, run)
