"""``lake:///path``: DuckDB views over a lake's live Parquet files (nothing is loaded; DuckDB scans on demand)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dyadwatch.engines._lakebase import LakeBacked
from dyadwatch.tables import TABLES

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from dyadwatch.engines import EngineURL


class LakeStore(LakeBacked):
    """A lake read by an in-memory DuckDB: each table a view over exactly the files the log names live."""

    basis = "lake"

    def __init__(self, root: str | Path, memory_limit: str | None = None):
        import duckdb

        super().__init__(root)
        self.con = duckdb.connect(":memory:")
        if memory_limit:  # a lake may be far larger than memory: DuckDB spills past this
            self.con.execute("SET memory_limit = ?", [memory_limit])
        self.refresh()
        self._ibis: Any = None

    @property
    def ibis(self) -> Any:
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def refresh(self) -> None:
        """Read the log and (re)make one view per live table over exactly its live files."""
        super().refresh()
        if not hasattr(self, "con"):
            return  # the base class reads the log before the connection exists; __init__ calls again
        for name in self.tables():
            listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in self.files(name))
            if not listing:
                continue
            # Exactly the canonical columns, in their order, whatever a writer added.
            cols = ", ".join(f'"{c}"' for c in TABLES[name].names) if name in TABLES else "*"
            self.con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT {cols} FROM read_parquet([{listing}])')

    def table(self, name: str) -> ir.Table:
        if not self.files(name):
            raise self._missing(name)
        return self.ibis.table(name)

    def close(self) -> None:
        self.con.close()


def open_lake(url: EngineURL) -> LakeStore:
    return LakeStore(url.local_path())
