"""The one door every indicator reads through: a ``Store``.

A store answers ``table(name)`` with an Ibis table, says what it holds (``has``, ``sources_of``), which states
and years it covers (``covers``), and gives derived tables (``derived``: declared in ``derived.DERIVED``) for a set
of states. Two implementations today:

* the DuckDB warehouse (``warehouse.Warehouse``): canonical tables as ingested; derived tables built from them on
  first read by their declared ``build`` and kept for the life of the open store, keyed by the last ingest id;
* the embedded pack (``PackStore``): a read-only in-memory DuckDB whose views read the typed Parquet files of
  ``data/pack/`` — the same derived tables, built by the same ``build`` for the focus states, plus the few
  canonical tables the pack carries whole (published facts, the pipeline registry, ideal points, regimes).

A third (Ibis over Spark or BigQuery) is one more class with the same five methods. Only ``api`` chooses a store.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar, runtime_checkable

from dyadwatch.derived import DERIVED, DerivedSpec
from dyadwatch.errors import NeedsIngestError, NoDataError

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S", bound="Store")
P = ParamSpec("P")

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd


@runtime_checkable
class Store(Protocol):
    """What indicators may ask of the data."""

    @property
    def basis(self) -> str:  # "warehouse" or "pack": said to the reader, never branched on by indicators
        ...

    def table(self, name: str) -> ir.Table: ...

    def has(self, name: str, source: str | None = None) -> bool: ...

    def sources_of(self, name: str) -> list[str]: ...

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool: ...

    def derived(self, name: str, states: Sequence[str] | None = None) -> pd.DataFrame: ...

    def describe(self) -> str: ...

    # Every store has these (``DerivedMixin`` gives them to each concrete store; ``ChainStore`` has its own).
    def basis_of(self, name: str) -> str: ...

    def store_of(self, name: str) -> Store | None: ...

    def cached(self, key: tuple[Any, ...], fn: Callable[[], T], persist: bool = False) -> T: ...

    def cache_identity(self) -> str | None: ...

    def version(self) -> str: ...

    if TYPE_CHECKING:
        # A concrete store's own (``DerivedMixin``); a ``ChainStore`` forwards it to its warehouse (``__getattr__``),
        # so it is for code that reads raw rows, which only a warehouse (or lake) holds. Declared for the type
        # checker only: a chain without a warehouse has no ``pick_source``, and ``isinstance(chain, Store)`` (a
        # runtime protocol check) must stay true for it.
        def pick_source(self, table: str, preference: tuple[str, ...], requested: str | None, hint: str) -> str: ...


class PathStore(Store, Protocol):
    """A store that says where its data is (``path``, named in messages): every store but the bare embedded pack
    (``PackStore``), which indicators reach only through a ``ChainStore``."""

    @property
    def path(self) -> Path | str | None: ...


ENV_DB = "DYADWATCH_DB"


def default_path() -> Path:
    """``$DYADWATCH_DB`` if set, else ``warehouse.duckdb`` in the user's data directory."""
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dyadwatch", appauthor=False)) / "warehouse.duckdb"


def derived_spec(name: str) -> DerivedSpec:
    if name not in DERIVED:
        raise KeyError(f"no derived table {name!r} is declared in derived.DERIVED (a bug in dyadwatch)")
    return DERIVED[name]


def build_function(spec: DerivedSpec) -> Callable[[Any, tuple[str, ...] | None], pd.DataFrame]:
    """The ``build(store, states)`` callable a derived table declares as ``module:function``."""
    module, _, fn = spec.build.partition(":")
    build: Callable[[Any, tuple[str, ...] | None], pd.DataFrame] = getattr(importlib.import_module(module), fn)
    return build


def restrict(df: pd.DataFrame, spec: DerivedSpec, states: Sequence[str] | None) -> pd.DataFrame:
    """Rows of a derived table whose state columns all name one of ``states`` (every row if None)."""
    if states is None or not spec.states:
        return df.reset_index(drop=True)
    keep = set(states)
    mask = None
    for col in spec.states:
        m = df[col].isin(keep)
        mask = m if mask is None else mask & m
    return df[mask].reset_index(drop=True)


def in_years(df: pd.DataFrame, year_from: int | None, year_to: int | None) -> pd.DataFrame:
    """Rows of ``df`` whose ``year`` lies in [year_from, year_to] (an open end where None)."""
    if year_from is not None:
        df = df[df.year >= year_from]
    if year_to is not None:
        df = df[df.year <= year_to]
    return df


def choose_source(
    have: Sequence[str], preference: tuple[str, ...], requested: str | None, table: str, where: str, hint: str
) -> str:
    """``requested`` if among ``have``, else the first of ``preference`` there, else any; NoDataError naming
    ``where`` and the ingest command (``hint``) when nothing fits."""
    if requested:
        if requested not in have:
            raise NoDataError(
                f"No {table!r} rows from source {requested!r} in {where}; ingested: {list(have) or 'none'}. "
                f"Fix: `dyadwatch ingest {requested} FILE...`."
            )
        return requested
    for s in (*preference, *have):
        if s in have:
            return str(s)
    raise NoDataError(f"No {table!r} data in {where}. Fix: {hint}.")


def memoized(owner: object, key: tuple, fn: Callable[[], T], persist: bool = False) -> T:
    """``fn()`` once per ``key`` for the life of ``owner`` (a store: callers put its version in the key).

    ``persist``: also kept on disk for the next process (``caches.persisted``), under the owner's
    ``cache_identity()`` — for results that take seconds to compute and whose key says all they depend on.
    """
    memo = owner.__dict__.setdefault("_derived_memo", {})
    if key not in memo:
        if persist:
            from dyadwatch import caches

            identity = getattr(owner, "cache_identity", lambda: None)()
            memo[key] = caches.persisted(identity, key, fn)
        else:
            memo[key] = fn()
    value: T = memo[key]
    return value


def kept(fn: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """An indicator whose result depends only on the store's content and its arguments: computed once per store
    content and arguments, and kept on disk for the next process (``memoized``, ``caches.persisted``).

    For the results a report asks for from several sections (a dyad's trade, its vote measures, its speech
    similarity), each a full pass over a large table on a warehouse. Frames are copied out: callers may change
    what they get. Arguments must have a stable ``repr`` (states, years, names); anything else is computed anew.
    Not for a function whose path depends on a store setting (``events.dyad_events`` and ``use_aggregates``):
    the key would not see it, and a comparison of the two paths would compare one result with itself.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(store: S, /, *args: P.args, **kw: P.kwargs) -> R:
        try:
            key = (name, _plain(args), _plain(tuple(sorted(kw.items()))))
        except TypeError:  # an argument that is not plain data (a frame, a function): computed each time
            return fn(store, *args, **kw)
        out: R = store.cached(key, lambda: fn(store, *args, **kw), persist=True)
        copy = getattr(out, "copy", None)  # a frame (or list) the caller may change
        return copy() if callable(copy) else out  # type: ignore[no-any-return]

    return wrapper


def _plain(x: Any) -> Any:
    """``x`` as a hashable key with a faithful ``repr``: plain values, sequences of them (as tuples), frozen
    dataclasses of them; anything else (a frame, whose ``repr`` is a truncated view) raises TypeError."""
    if x is None or isinstance(x, str | int | float | bool):
        return x
    if isinstance(x, tuple | list):
        return tuple(_plain(v) for v in x)
    if isinstance(x, set | frozenset):
        return tuple(sorted((_plain(v) for v in x), key=repr))
    params = getattr(x, "__dataclass_params__", None)
    if params is not None and params.frozen:
        return (type(x).__qualname__, *(_plain(v) for v in x.__dict__.values()))
    raise TypeError(f"not a plain key: {type(x).__name__}")


class DerivedMixin:
    """``derived`` for any store: read the table if the store holds it, else build it from canonical tables."""

    _derived_memo: dict[tuple, Any]

    def derived(self, name: str, states: Sequence[str] | None = None) -> pd.DataFrame:
        spec = derived_spec(name)
        states_key = tuple(sorted(set(states))) if states is not None and spec.states else None
        if self.has(name):  # type: ignore[attr-defined]
            return restrict(self.table(name).to_pandas(), spec, states_key)  # type: ignore[attr-defined]
        missing = [t for t in spec.needs if not self.has(t)]  # type: ignore[attr-defined]
        if missing:
            raise NeedsIngestError(
                f"{self.describe()} holds no {', '.join(missing)} data, which {spec.name!r} is computed from. "  # type: ignore[attr-defined]
                f"Fix: {spec.hint}."
            )
        build = build_function(spec)
        key = (name, states_key, self.version())
        # Kept on disk: a warehouse's derived tables are seconds to build, and the same until the next ingest.
        return memoized(self, key, lambda: restrict(build(self, states_key), spec, states_key), persist=True).copy()

    def pick_source(self, table: str, preference: tuple[str, ...], requested: str | None, hint: str) -> str:
        """The source to read ``table`` from: ``requested`` if held, else the first of ``preference`` held, else
        any. ``hint`` is the ingest command that would provide the data."""
        return choose_source(self.sources_of(table), preference, requested, table, self.describe(), hint)  # type: ignore[attr-defined]

    def basis_of(self, name: str) -> str:
        """The basis of what this store answers for ``name``: its own (a chain says which store answered)."""
        return str(getattr(self, "basis", "none"))

    def store_of(self, name: str) -> Any:
        return self

    def cached(self, key: tuple, fn: Callable[[], T], persist: bool = False) -> T:
        """``fn()`` once per key and content version of this store (a new ingest invalidates it); ``persist``:
        also for later processes (``memoized``)."""
        return memoized(self, ("cached", key, self.version()), fn, persist)

    def version(self) -> str:
        """Changes whenever the content changes (the last ingest); keys caches such as ETags and derived tables."""
        return "0"

    def cache_identity(self) -> str | None:
        """A digest of this store's whole content, the same in every process, or None (results not kept on
        disk): what ``caches.persisted`` files results under."""
        return None


class PackStore(DerivedMixin):
    """The embedded pack: typed Parquet files opened read-only through an in-memory DuckDB."""

    basis = "pack"

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else pack_dir()
        self.manifest = manifest(self.folder)
        self._names = sorted(self.manifest.get("tables", {}))
        self.focus: tuple[str, ...] = tuple(self.manifest.get("focus", ()))
        self._con: Any = None
        self._ibis = None

    @property
    def con(self) -> Any:
        """The in-memory DuckDB over the pack's Parquet, opened on first use: derived tables are read with
        pyarrow, so a command answered from them (assess, claims, the report) never loads DuckDB."""
        if self._con is None:
            import duckdb

            con = duckdb.connect(":memory:")
            for name in self._names:
                path = self.folder / f"{name}.parquet"
                con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{_sql_path(path)}')")
            self._con = con
        return self._con

    def __enter__(self) -> PackStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con, self._ibis = None, None

    @property
    def ibis(self) -> Any:
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str) -> ir.Table:
        if name not in self._names:
            raise NoDataError(f"The embedded pack has no table {name!r}.")
        return self.ibis.table(name)

    def frame(self, name: str) -> pd.DataFrame:
        """A whole pack table as pandas (the pack is small)."""
        return _frame(self.folder, name)

    def has(self, name: str, source: str | None = None) -> bool:
        if name not in self._names:
            return False
        return source is None or source in self.sources_of(name)

    def sources_of(self, name: str) -> list[str]:
        if name not in self._names:
            return []
        return list(self.manifest["tables"][name].get("sources", []))

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool:
        return set(states) <= set(self.focus)

    def require(self, *states: str) -> None:
        missing = [c for c in states if c not in self.focus]
        if missing:
            raise NeedsIngestError(
                f"The embedded pack covers only the focus countries ({', '.join(self.focus)}); not "
                f"{', '.join(missing)}. Fix: ingest the real files, e.g. `dyadwatch ingest unvotes un_votes.rda "
                "un_roll_calls.rda un_roll_call_issues.rda` and `dyadwatch ingest atop atop_alliance.rda`."
            )

    def derived(self, name: str, states: Sequence[str] | None = None) -> pd.DataFrame:
        spec = derived_spec(name)
        if states is not None and spec.states:
            self.require(*states)
        if not self.has(name):
            return super().derived(name, states)
        # One filter per table and states for the life of the process: a report asks for the same few dyads'
        # rows dozens of times (the verdict of each reference dyad reads eight tables).
        held = tuple(sorted(set(states))) if states is not None and spec.states else None
        return memoized(self, ("pack", name, held), lambda: restrict(_frame(self.folder, name), spec, held)).copy()

    def version(self) -> str:
        return str(self.manifest.get("digest", "pack"))

    def cache_identity(self) -> str | None:
        digest = self.manifest.get("digest")
        return f"pack:{digest}" if digest else None

    def describe(self) -> str:
        return "dyadwatch's embedded pack"

    def citations(self, source_names: Iterable[str]) -> str:
        inputs = self.manifest.get("inputs", {})
        return "; ".join(f"{n} ({inputs[n]['citation']})" if n in inputs else n for n in sorted(set(source_names)))


@cache
def pack_store() -> PackStore:
    """The embedded pack, opened once per process (it is read-only)."""
    return PackStore()


@cache
def _frame(folder: Path, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return pq.read_table(folder / f"{name}.parquet").to_pandas()


def pack_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("dyadwatch.data").joinpath("pack")))


@cache
def manifest(folder: Path | None = None) -> dict:
    path = Path(folder or pack_dir()) / "manifest.json"
    if not path.exists():
        raise NoDataError("The embedded pack is missing from this installation; reinstall dyadwatch.")
    data: dict = json.loads(path.read_text("utf-8"))
    return data


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


class ChainStore:
    """The store ``api`` hands out: the user's warehouse first, then the embedded pack.

    Each table comes from the first store that holds it, and each derived table from the first store that holds
    it or holds what it is built from; ``basis_of`` says which answered, so every result can say its basis.
    This is the one rule that chooses between the user's data and the embedded default.
    """

    def __init__(self, *stores: Store, path: Path | None = None):
        self.stores = [s for s in stores if s is not None]
        wh = self.warehouse
        # Where the user's warehouse is (or would be): messages name it, and `ingest` would create it there.
        self.path = getattr(wh, "path", None) or path

    @property
    def basis(self) -> str:
        return self.stores[0].basis

    def _first(self, name: str, source: str | None = None) -> Store | None:
        return next((s for s in self.stores if s.has(name, source)), None)

    def _builder(self, name: str) -> Store | None:
        spec = derived_spec(name)
        for s in self.stores:
            if s.has(name) or all(s.has(t) for t in spec.needs):
                return s
        return None

    def table(self, name: str) -> ir.Table:
        s = self._first(name)
        if s is None:
            raise NeedsIngestError(
                f"No {name!r} data in {self.describe()}. `dyadwatch sources` lists what provides it."
            )
        return s.table(name)

    def has(self, name: str, source: str | None = None) -> bool:
        return self._first(name, source) is not None

    def sources_of(self, name: str) -> list[str]:
        s = self._first(name)
        return s.sources_of(name) if s is not None else []

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool:
        return any(s.covers(states, years) for s in self.stores)

    def basis_of(self, name: str) -> str:
        """Which store answers ``name`` (a canonical or derived table): "warehouse", "pack" or "none"."""
        s = self._builder(name) if name in DERIVED else self._first(name)
        return s.basis if s is not None else "none"

    def store_of(self, name: str) -> Store | None:
        return self._builder(name) if name in DERIVED else self._first(name)

    def derived(self, name: str, states: Sequence[str] | None = None) -> pd.DataFrame:
        s = self._builder(name)
        if s is None:
            spec = derived_spec(name)
            raise NeedsIngestError(f"No data for {name!r} in {self.describe()}. Fix: {spec.hint}.")
        return s.derived(name, states)

    def __getattr__(self, name: str) -> Any:
        # Warehouse-only helpers (path, pick_source, ingests) reach the warehouse of the chain, if there is one.
        if name.startswith("_") or name in ("stores", "path"):
            raise AttributeError(name)
        for s in self.stores:
            if not isinstance(s, PackStore) and hasattr(s, name):
                return getattr(s, name)
        raise AttributeError(f"{name!r}: no warehouse is open (only {self.describe()})")

    @property
    def warehouse(self) -> Any:
        """The user's warehouse, if one is open (for operations that need raw rows)."""
        return next((s for s in self.stores if s.basis != "pack"), None)

    @property
    def focus(self) -> tuple[str, ...]:
        """The states the embedded pack covers."""
        return self.pack.focus if self.pack is not None else ()

    @property
    def pack(self) -> PackStore | None:
        return next((s for s in self.stores if isinstance(s, PackStore)), None)

    def version(self) -> str:
        return "+".join(getattr(s, "version", lambda: "0")() for s in self.stores)

    def cached(self, key: tuple, fn: Callable[[], T], persist: bool = False) -> T:
        """``fn()`` once per key and content version of the chain (any store's new ingest invalidates it)."""
        return memoized(self, (key, self.version()), fn, persist)

    def cache_identity(self) -> str | None:
        ids = [s.cache_identity() for s in self.stores]
        return "+".join(i for i in ids if i is not None) if ids and None not in ids else None

    def describe(self) -> str:
        return " or ".join(s.describe() for s in self.stores) or "no store"

    def close(self) -> None:
        """Close the warehouse; the pack is shared by the process and stays open."""
        for s in self.stores:
            if not isinstance(s, PackStore):
                s.close()  # type: ignore[attr-defined]

    def __enter__(self) -> ChainStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
