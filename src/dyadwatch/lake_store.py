"""The lake read as a ``Store``: an in-memory DuckDB whose views scan the live Parquet parts.

What the lake holds (``has``, ``sources_of``) and its ``version`` come from the ingest log, never from a scan:
on a billion events a scan is a full pass. The views list the live files when the store opens, so a reader
sees one committed state for its whole life, whatever ingests commit meanwhile (parts are never modified,
and an ingest removes only parts no entry ever named).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dyadwatch import lake
from dyadwatch.errors import NoDataError
from dyadwatch.store import DerivedMixin
from dyadwatch.tables import TABLES

if TYPE_CHECKING:
    import ibis.expr.types as ir


class LakeStore(DerivedMixin):
    """A lake folder opened for reading. ``basis`` is "warehouse": it is the user's own data."""

    basis = "warehouse"

    def __init__(self, root: str | Path, memory_limit: str | None = None):
        self.path = Path(root)
        if not lake.is_lake(self.path):
            raise lake.LakeError(f"{self.path}: not a dyadwatch lake (no _log folder). Fix: check the path.")
        self._entries = lake.current(self.path)
        self._version = str(lake.last_id(self.path))
        self.con = duckdb.connect(":memory:")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self._names = []
        for name in lake.tables(self.path):
            if name not in TABLES:
                continue
            found = lake.files(self.path, name)
            if not found:
                continue
            cols = ", ".join(f'"{c}"' for c in TABLES[name].schema.names)
            lst = "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in found) + "]"
            self.con.execute(f'CREATE VIEW "{name}" AS SELECT {cols} FROM read_parquet({lst})')
            self._names.append(name)
        self._ibis: Any = None
        self.unique_event_ids = self._ids_unique()

    def _ids_unique(self) -> bool:
        """True when every live events part was written by the streamed ingest of one source.

        That ingest keeps each event id once across all the source's live parts, so the events indicators may
        skip their per-subset dedupe (one scan instead of four). Parts copied by ``lake.export`` from a
        warehouse (which can hold an id twice after overlapping ingests), or a second source, rule it out.
        """
        holders = [e for e in self._entries.values() if e.live.get("events")]
        if len(holders) != 1:
            return False
        streamed = {p for i in holders[0].inputs for p in i.get("parts", [])}
        return set(holders[0].live["events"]) <= streamed

    def __enter__(self) -> LakeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    @property
    def ibis(self) -> Any:
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str) -> ir.Table:
        if name not in self._names:
            raise NoDataError(
                f"The lake {self.path} has no {name!r} table. Fix: `dyadwatch ingest SOURCE FILE... --lake "
                f"{self.path}` (`dyadwatch sources` lists which sources provide it)."
            )
        return self.ibis.table(name)

    def tables(self) -> list[str]:
        return list(self._names)

    def _rows(self, name: str, source: str) -> int:
        e = self._entries.get(source)
        if e is None or not e.live.get(name):
            return 0
        return int(e.rows.get(name, 1))  # an entry without counts (older writers) holds parts: some rows

    def has(self, name: str, source: str | None = None) -> bool:
        if name not in self._names:
            return False
        return any(self._rows(name, s) > 0 for s in ([source] if source else self._entries))

    def sources_of(self, name: str) -> list[str]:
        return [s for s in sorted(self._entries) if name in self._names and self._rows(name, s) > 0]

    def covers(self, states: Iterable[str], years: Iterable[int] | None = None) -> bool:
        return True  # as the warehouse: a lake holds whatever states its files hold

    def version(self) -> str:
        return self._version

    def describe(self) -> str:
        return f"the lake {self.path}"

    def pick_source(self, table: str, preference: tuple[str, ...], requested: str | None, hint: str) -> str:
        """As ``Warehouse.pick_source``: ``requested`` if held, else the first of ``preference``, else any."""
        have = self.sources_of(table)
        if requested:
            if requested not in have:
                raise NoDataError(f"No {table!r} rows from source {requested!r} in {self.path}; have: {have}.")
            return requested
        for s in (*preference, *have):
            if s in have:
                return s
        raise NoDataError(f"No {table!r} data in {self.path}. Fix: {hint}.")
