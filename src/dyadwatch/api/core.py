"""The store a request reads, the one choice between the user's data and the embedded pack, and ``Result``.

``open_store`` opens the user's warehouse (when the file exists) chained before dyadwatch's embedded pack
(``store.ChainStore``: each table from the first store that holds it). ``answer`` is the one place that
chooses, for a request, between computing from the user's canonical tables and reading the derived tables
(the pack's). Every API function resolves countries, opens the store (or takes the caller's), calls one
indicator function (or ``answer`` with two) and says the basis — warehouse or pack — of what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dyadwatch import countries, validate_args
from dyadwatch.store import ChainStore, Store, pack_store

if TYPE_CHECKING:
    import pandas as pd

    from dyadwatch.warehouse import Warehouse

T = TypeVar("T")


@dataclass
class Result:
    """What every API function returns: the data, its basis, its sources, its coverage and notes."""

    data: pd.DataFrame
    basis: str  # "warehouse", "lake", "spark", "bigquery" (the user's data) or "pack"
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
        own = {"lake": "lake", "spark": "lake on Spark", "bigquery": "BigQuery dataset"}.get(self.basis, "warehouse")
        return f"Basis: your {own} (source {', '.join(self.sources)})."


def open_store(db: str | Path | None = None, engine: str | None = None) -> ChainStore:
    """The store every reader uses: the warehouse at ``db`` (default location if None) when it exists, read-only,
    chained before the embedded pack. A ``db`` that is a lake folder (``lake.py``) is read through its views.

    An ``engine`` URL (or ``$DYADWATCH_ENGINE``, which ``--engine`` sets) chooses another engine instead of the
    warehouse (``engines.open_engine``: a lake on DuckDB or Spark, Spark Connect): that engine's store is
    chained before the pack, and ``db`` is not read.

    Only the default location may be absent (a fresh machine: the pack answers). A ``db`` the caller gave that
    does not exist is an error, as ``sqlite3`` in read-only mode or ``pandas.read_parquet`` would say: a
    mistyped path must never silently give the pack's figures.
    """
    import os

    from dyadwatch import engines
    from dyadwatch.errors import WarehouseNotFoundError
    from dyadwatch.store import ENV_DB, default_path

    engine = engine or engines.from_env()
    if engine:
        chosen = engines.open_engine(engine)
        return ChainStore(chosen, pack_store(), path=getattr(chosen, "path", None))

    given = db or os.environ.get(ENV_DB)  # DYADWATCH_DB is as explicit a choice as --db
    if given and not Path(given).expanduser().exists():
        raise WarehouseNotFoundError(
            f"No warehouse at {given} (given by --db or DYADWATCH_DB). Fix: check the path, create it with "
            f"`dyadwatch ingest SOURCE FILE --db {given}`, or leave --db and DYADWATCH_DB out to use the default "
            "warehouse (or the embedded pack when there is none)."
        )
    path = Path(db).expanduser() if db else default_path()
    if not path.exists():  # a fresh machine: the pack alone (and neither DuckDB nor the warehouse module loaded)
        return ChainStore(pack_store(), path=path)
    from dyadwatch import lake

    if path.is_dir() and lake.is_lake(path):  # --db names a lake folder: the same readers, over its Parquet
        from dyadwatch.engines.lakeviews import LakeStore

        return ChainStore(LakeStore(path), pack_store(), path=path)
    from dyadwatch.warehouse import Warehouse

    return ChainStore(Warehouse(path, read_only=True), pack_store(), path=path)


def open_warehouse(db: str | Path | None = None) -> Warehouse | None:
    """The user's warehouse alone, read-only, or None when the file does not exist: for what only a warehouse
    can answer (what changed since an ingest, the vote sources per year, vetoes)."""
    from dyadwatch.warehouse import Warehouse, default_path

    path = Path(db) if db else default_path()
    return Warehouse(path, read_only=True) if path.exists() else None


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


# What a request is computed from when the user's data holds it (else the derived tables answer): the pack
# holds derived tables only, so a store that holds one of these is the user's.
INPUTS: dict[str, Callable[[Store], bool]] = {
    "trade": lambda s: s.has("trade_flows") or s.has("trade_dyad_year", "cow_trade"),
    "crude_oil": lambda s: _holds_commodity(s, "crude_oil"),
    "pipeline_gas": lambda s: _holds_commodity(s, "pipeline_gas"),
    "pipelines": lambda s: s.has("pipelines"),
    "speeches": lambda s: s.has("speeches"),
    "votes": lambda s: s.has("votes"),
    "alliances": lambda s: s.has("alliance_dyad_year"),
    "ideal_points": lambda s: "idealpoints" in s.sources_of("ideal_points"),
    "regimes": lambda s: s.has("regimes"),
    "power": lambda s: s.has("capabilities") or s.has("economy_state_year"),
    "mids": lambda s: s.has("mids"),
}


def _holds_commodity(s: Store, commodity: str) -> bool:
    if not s.has("energy_flows"):
        return False

    def count() -> bool:
        t = s.table("energy_flows")
        return bool(t.filter(t.commodity == commodity).count().to_pandas())

    # Asked by every energy request (a report's section, its verdict and claims ask a dozen times): a query once
    # per store content.
    return s.cached(("holds_commodity", commodity), count)


def basis_for(store: ChainStore, inputs: str) -> str:
    """The basis ``answer`` gives a request computed from ``inputs`` (a key of ``INPUTS``): that of the first
    of the user's stores that holds them, else "pack"."""
    held = INPUTS[inputs]
    return next((s.basis for s in store.stores if s.basis != "pack" and held(s)), "pack")


def answer(
    store: ChainStore, inputs: str, own: Callable[[ChainStore], T], derived: Callable[[ChainStore], T]
) -> tuple[T, str]:
    """The one choice between the user's data and dyadwatch's embedded pack, for a request.

    ``own`` computes the answer from canonical tables; it runs when one of the user's stores holds the
    request's ``inputs`` (``basis_for``), and the basis is that store's ("warehouse", "lake" …). Otherwise
    ``derived`` reads the derived tables (the pack's: focus states only), basis "pack". What only raw rows
    can answer (keyword-in-context lines, another benchmark) raises ``NeedsIngestError`` there.
    """
    basis = basis_for(store, inputs)
    return (derived(store) if basis == "pack" else own(store)), basis


def pack_note(source_names: list[str]) -> str:
    """The sentence shown beside figures from the pack: which sources, with their citations."""
    return (
        "Basis: dyadwatch's embedded pack — figures computed from "
        + pack_store().citations(source_names)
        + ". No warehouse holds these data; ingest the files (`dyadwatch ingest …`) to use your own."
    )


def _dyad(
    a: str, b: str, year_from: int | None = None, year_to: int | None = None
) -> tuple[countries.Country, countries.Country]:
    """Both states resolved, checked to be two, and the year window checked, before any work."""
    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    validate_args.dyad(ca.iso3, cb.iso3, a, b)
    validate_args.years(year_from, year_to)
    return ca, cb


def _years_of(df: pd.DataFrame) -> tuple[int, int] | None:
    col = df["year"] if "year" in df else df["period"].astype(str).str[:4].astype(int) if "period" in df else None
    return (int(col.min()), int(col.max())) if col is not None and len(col) else None


def events(
    a: str,
    b: str,
    *,
    period: str = "month",
    weight: str = "mentions",
    direction: str = "both",
    root_only: bool = False,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """Coded events between a and b per period (GDELT/CAMEO): count, Goldstein mean, QuadClass shares, net
    cooperation; ``notes`` lists the change points of net cooperation (none for daily periods)."""
    import datetime as dt

    from dyadwatch.indicators import events as ie

    ca, cb = _dyad(a, b)
    d0 = dt.date(year_from, 1, 1) if year_from else None
    d1 = dt.date(year_to, 12, 31) if year_to else None

    def go(store: ChainStore) -> Result:
        df = ie.dyad_events(
            store, ca.iso3, cb.iso3, period=period, weight=weight, direction=direction, root_only=root_only,
            date_from=d0, date_to=d1,
        )  # fmt: skip
        cps = ie.dyad_change_points(df) if period != "day" else []
        srcs = store.sources_of("events")
        notes = [
            f"Source: {', '.join(srcs)}; Goldstein weighted by {weight}.",
            f"Change points in net cooperation: {', '.join(cps) if cps else 'none detected'}.",
        ]
        return Result(df, store.basis_of("events"), srcs, notes)

    return run(db, wh, go)


def arms(
    a: str,
    b: str,
    *,
    by: str = "year",
    top: int = 10,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """Arms delivered from a to b (SIPRI TIV, millions): per delivery year (``by="year"``), per year and weapon
    category (``"category"``) or the ``top`` weapon systems (``"systems"``)."""
    from dyadwatch.indicators import arms as ia

    ca, cb = _dyad(a, b)
    span = {"year_from": year_from, "year_to": year_to}

    def go(store: ChainStore) -> Result:
        if by == "year":
            df = ia.transfers(store, ca.iso3, cb.iso3, **span)
        elif by == "category":
            df = ia.by_category(store, ca.iso3, cb.iso3, **span)
        else:
            df = ia.top_systems(store, ca.iso3, cb.iso3, n=top, **span)
        note = "Source: SIPRI Arms Transfers Database (© SIPRI). TIV measures military capability, not price."
        return Result(df, store.basis_of("arms_transfers"), store.sources_of("arms_transfers"), [note])

    return run(db, wh, go)


def composition(
    a: str,
    b: str,
    period: str,
    *,
    level: str = "chapter",
    flow: str = "X",
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """What a sells to (flow X) or buys from (M) b in ``period`` by HS level, with shares; ``coverage`` holds
    the concentration (HHI and its normalised value)."""
    from dyadwatch.indicators import trade_composition as tc

    ca, cb = _dyad(a, b)

    def go(store: ChainStore) -> Result:
        df = tc.composition(store, ca.iso3, cb.iso3, period, level=level, flow=flow.upper())
        h, hn = tc.hhi(df.value_usd)
        return Result(df, store.basis_of("trade_flows"), store.sources_of("trade_flows"), [],
                      {"hhi": h, "hhi_normalised": hn, "codes": len(df)})  # fmt: skip

    return run(db, wh, go)


def panel(
    kind: str = "dyad-year",
    *,
    add: list[str] | tuple[str, ...] = (),
    out: str | Path | None = None,
    db: str | Path | None = None,
    wh: Warehouse | None = None,
    **options: Any,
) -> Any:
    """A peace-science panel (``dyadwatch.panel.build`` options: directed, system, year_from, year_to, states,
    relevant, sources, vote_basis). Returns a DataFrame, or with ``out`` writes the file (format by extension)
    with its codebook, BibTeX and manifest and returns ``panel.Written`` (path, rows, coverage, notes)."""
    from dyadwatch import panel as pn
    from dyadwatch.errors import NoDataError

    if out is not None:
        from dyadwatch.panel.writers import check_path

        check_path(out)  # refuse a wrong extension before any work

    own = wh if wh is not None else open_warehouse(db)
    if own is None:
        raise NoDataError(
            "Panels are built from the warehouse; it does not exist yet. Fix: `dyadwatch ingest ddy "
            "cow_ddy.rda` (and the sources of each block, `dyadwatch sources`)."
        )
    try:
        p = pn.build(own, kind, add=list(add), **options)
        return pn.write(p, out, own) if out is not None else p.to_pandas()
    finally:
        if wh is None:
            own.close()
