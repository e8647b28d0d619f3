"""The DuckDB warehouse: canonical tables plus a record of every ingest.

An ingest is one transaction. It lands whole, or (on any error, or if the
process is killed) the file is exactly as it was: DuckDB's write-ahead log
never replays an uncommitted transaction.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dyadwatch import schema
from dyadwatch.errors import DyadwatchError, NoDataError, WarehouseBusyError, WarehouseFileError
from dyadwatch.store import ENV_DB, DerivedMixin, default_path  # noqa: F401  (ENV_DB: where callers look)

if TYPE_CHECKING:
    from dyadwatch.ingest import IngestResult, sha256

__all__ = ["IngestResult", "Warehouse", "default_path", "sha256"]


def __getattr__(name: str) -> Any:
    # ingest.py (the loaders' frames: pandas) loads when something is ingested, not when a warehouse is read
    if name in ("IngestResult", "sha256"):
        from dyadwatch import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


LOCK_WAIT_ENV = "DYADWATCH_LOCK_WAIT"  # seconds to wait for another process's write lock (default 60)


def _check_file(path: Path) -> None:
    """A folder or a file that is not DuckDB's gets its own message (never the "another dyadwatch" hint)."""
    if path.is_dir():
        raise WarehouseFileError(
            f"{path} is a folder, not a warehouse file. Fix: give a file path, e.g. --db {path / 'warehouse.duckdb'}."
        )
    if path.is_file() and path.stat().st_size > 0:
        with open(path, "rb") as f:
            head = f.read(12)
        if head[8:12] != b"DUCK":  # DuckDB's magic bytes follow the 8-byte checksum
            raise WarehouseFileError(
                f"{path} is not a DuckDB database (it does not start with DuckDB's header). Fix: give the warehouse "
                "file dyadwatch created, or a new path for a new warehouse."
            )


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file; while another process writes it, wait (bounded, saying so on stderr) and retry."""
    _check_file(path)
    limit = float(os.environ.get(LOCK_WAIT_ENV, "60"))
    start, told = time.monotonic(), False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" not in msg.lower():
                raise DyadwatchError(f"Cannot open the warehouse {path}: {msg}") from e
            holder = re.search(r"PID (\d+)", msg)
            who = f"process {holder.group(1)}" if holder else "another process"
            waited = time.monotonic() - start
            if waited >= limit:
                raise WarehouseBusyError(
                    f"The warehouse {path} is being written by {who} (an ingest?); waited {waited:.0f} s. Fix: "
                    f"wait for it to finish and run this again, set {LOCK_WAIT_ENV}=SECONDS to wait longer, "
                    "or choose another file with --db."
                ) from e
            if not told:
                print(f"Waiting for {who} to finish writing {path} (up to {limit:.0f} s)…", file=sys.stderr)
                told = True
            time.sleep(min(0.5, max(0.05, limit - waited)))


def _canonical() -> dict:
    from dyadwatch.tables import TABLES

    return TABLES


class Warehouse(DerivedMixin):
    """A DuckDB file holding the canonical tables: a ``Store``. Use as a context manager."""

    basis = "warehouse"

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else default_path()
        # Read-only, the file cannot change while open (DuckDB's lock keeps writers out): its version and
        # identity are read once. Open for writing, they are read each time (an ingest changes them).
        self._fixed: dict[str, str | None] | None = {} if read_only else None
        # A file this open creates and no ingest fills is removed again on a failed exit: a mistyped or bad
        # first ingest must not leave an empty warehouse that later commands would take for the user's data.
        self._created = not read_only and not self.path.exists()
        self._made_dir = self._created and not self.path.parent.exists()
        if read_only and not self.path.exists():
            self.con = duckdb.connect(":memory:")
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.con = connect(self.path, read_only=read_only)
            except (duckdb.IOException, OSError) as e:
                if "lock" in str(e).lower():
                    raise DyadwatchError(
                        f"Cannot open the warehouse {self.path}: another dyadwatch is writing to it ({e}). "
                        "Fix: wait for it to finish, or choose another file with --db."
                    ) from e
                from dyadwatch.ingest import write_error

                raise write_error(e, self.path) from e
            try:
                schema.ensure(self.con, self.path, read_only)
            except duckdb.IOException as e:
                from dyadwatch.ingest import write_error

                self.con.close()
                raise write_error(e, self.path) from e
            except BaseException:
                self.con.close()
                raise
        self._ibis = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        try:
            empty = self._created and exc_type is not None and not self.ingests()
        except duckdb.Error:  # a broken connection (disk full): keep the file rather than guess
            empty = False
        self.close()
        if empty:
            for p in (self.path, self.path.with_name(self.path.name + ".wal")):
                p.unlink(missing_ok=True)
            if self._made_dir and not any(self.path.parent.iterdir()):
                self.path.parent.rmdir()

    def close(self) -> None:
        self.con.close()

    @property
    def ibis(self):
        """An Ibis backend over this warehouse's connection."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str):
        """The Ibis table expression of a canonical table; NoDataError if never ingested."""
        if not self.has(name):
            raise NoDataError(
                f"The warehouse {self.path} has no {name!r} table yet. Ingest a source that "
                f"provides it (`dyadwatch sources` lists them), e.g. `dyadwatch ingest voeten FILE`."
            )
        return self.ibis.table(name)

    def describe(self) -> str:
        return f"the warehouse {self.path}"

    def _stamp(self, what: str, read: Callable[[], str | None]) -> str | None:
        if self._fixed is None:
            return read()
        if what not in self._fixed:
            self._fixed[what] = read()
        return self._fixed[what]

    def version(self) -> str:
        """The id of the last ingest: derived tables and caches built before it are stale after it."""

        def read() -> str:
            if "ingests" not in self.tables():
                return "0"
            return str(self.con.execute("SELECT coalesce(max(id), 0) FROM ingests").fetchall()[0][0])  # one row

        return str(self._stamp("version", read))

    def cache_identity(self) -> str | None:
        """A digest of the ingest log (ids, sources, files' sha256, rows, times): every change of content is an
        ingest, so two warehouses with the same log hold the same rows, and a new ingest is a new identity."""

        def read() -> str | None:
            if "ingests" not in self.tables():
                return None
            rows = self.con.execute(
                "SELECT id, source, sha256, rows, CAST(ingested_at AS VARCHAR) FROM ingests ORDER BY id"
            ).fetchall()
            return f"warehouse:{schema.version_of(self.con)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()

        return self._stamp("identity", read)

    def covers(self, states, years=None) -> bool:
        """True: a warehouse holds whatever states its files hold (indicators say "no data" per state)."""
        return True

    def tables(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()]

    def has(self, name: str, source: str | None = None) -> bool:
        if name not in self.tables() or (source and name not in _canonical()):
            return False
        q = f'SELECT 1 FROM "{name}"' + (" WHERE source = ?" if source else "") + " LIMIT 1"
        return bool(self.con.execute(q, [source] if source else []).fetchall())

    def sources_of(self, name: str) -> list[str]:
        from dyadwatch.tables import TABLES

        if name not in TABLES or name not in self.tables():  # bookkeeping tables (ingests, …) have no sources
            return []
        return [r[0] for r in self.con.execute(f'SELECT DISTINCT source FROM "{name}" ORDER BY 1').fetchall()]

    def ingests(self) -> list[dict]:
        if "ingests" not in self.tables():
            return []
        cur = self.con.execute("SELECT * FROM ingests ORDER BY id")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def ingest(
        self,
        source,
        paths: Sequence[Path],
        *,
        force: bool = False,
        options: dict | None = None,
        progress=None,
        allow_shrink: bool = False,
        replace: bool = False,
    ) -> IngestResult:
        """Load ``paths`` with ``source``, atomically, as the source's mode says (see ``ingest.py``)."""
        from dyadwatch import ingest

        return ingest.ingest(
            self,
            source,
            paths,
            force=force,
            options=options,
            progress=progress,
            allow_shrink=allow_shrink,
            replace=replace,
        )

    def holds(self, source, paths: Sequence[Path], options: dict | None = None) -> bool:
        """Whether the source's current content here is exactly these files (see ``ingest.holds``)."""
        from dyadwatch import ingest as ing

        return ing.holds(self, source, paths, options)

    def current_files(self) -> list[dict]:
        """The files the warehouse's rows come from now (see ``ingest.py``)."""
        if "ingest_files" not in self.tables():
            return []
        from dyadwatch import ingest

        return ingest.current_files(self.con)
