"""The DuckDB warehouse: canonical tables plus a record of every ingest.

An ingest is one transaction. It lands whole, or (on any error, or if the
process is killed) the file is exactly as it was: DuckDB's write-ahead log
never replays an uncommitted transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from dyadwatch.errors import DyadwatchError, NoDataError, SourceFormatError, WarehouseBusyError, WarehouseFileError
from dyadwatch.sources._files import DataWarning
from dyadwatch.store import DerivedMixin
from dyadwatch.tables import TABLES, TableSpec

ENV_DB = "DYADWATCH_DB"


def default_path() -> Path:
    """``$DYADWATCH_DB`` if set, else ``warehouse.duckdb`` in the user's data directory."""
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dyadwatch", appauthor=False)) / "warehouse.duckdb"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class IngestResult:
    source: str
    files: list[str]
    rows: dict[str, int]
    seconds: float
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


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


class Warehouse(DerivedMixin):
    """A DuckDB file holding the canonical tables: a ``Store``. Use as a context manager."""

    basis = "warehouse"

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else default_path()
        if read_only and not self.path.exists():
            self.con = duckdb.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.con = connect(self.path, read_only=read_only)
            if not read_only:
                self._ensure_ingests()
        self._ibis = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

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

    def version(self) -> str:
        """The id of the last ingest: derived tables and caches built before it are stale after it."""
        if "ingests" not in self.tables():
            return "0"
        return str(self.con.execute("SELECT coalesce(max(id), 0) FROM ingests").fetchone()[0])

    def covers(self, states, years=None) -> bool:
        """True: a warehouse holds whatever states its files hold (indicators say "no data" per state)."""
        return True

    def _ensure_ingests(self) -> None:
        self.con.execute(
            """CREATE TABLE IF NOT EXISTS ingests (
                 id INTEGER, source VARCHAR, version VARCHAR, files VARCHAR,
                 sha256 VARCHAR, rows VARCHAR, ingested_at TIMESTAMP, seconds DOUBLE, notes VARCHAR)"""
        )

    def tables(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()]

    def has(self, name: str, source: str | None = None) -> bool:
        if name not in self.tables():
            return False
        q = f'SELECT 1 FROM "{name}"' + (" WHERE source = ?" if source else "") + " LIMIT 1"
        return bool(self.con.execute(q, [source] if source else []).fetchall())

    def sources_of(self, name: str) -> list[str]:
        if name not in self.tables():
            return []
        return [r[0] for r in self.con.execute(f'SELECT DISTINCT source FROM "{name}" ORDER BY 1').fetchall()]

    def pick_source(self, table: str, preference: tuple[str, ...], requested: str | None, hint: str) -> str:
        """The source to read ``table`` from: ``requested`` if ingested, else the first of ``preference``
        that is, else any. ``hint`` is the ingest command that would provide the data."""
        have = self.sources_of(table)
        if requested:
            if requested not in have:
                raise NoDataError(
                    f"No {table!r} rows from source {requested!r} in {self.path}; ingested: {have or 'none'}. "
                    f"Fix: `dyadwatch ingest {requested} FILE...`."
                )
            return requested
        for s in (*preference, *have):
            if s in have:
                return s
        raise NoDataError(f"No {table!r} data in {self.path}. Fix: {hint}.")

    def ingests(self) -> list[dict]:
        if "ingests" not in self.tables():
            return []
        cur = self.con.execute("SELECT * FROM ingests ORDER BY id")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def _create(self, spec: TableSpec) -> None:
        cols = ", ".join(f'"{f.name}" {_duck_type(f.type)}' for f in spec.schema)
        self.con.execute(f'CREATE TABLE IF NOT EXISTS "{spec.name}" ({cols})')

    def ingest(
        self,
        source,
        paths: Sequence[Path],
        *,
        force: bool = False,
        options: dict | None = None,
        progress=None,
    ) -> IngestResult:
        """Load ``paths`` with ``source`` and replace that source's rows, atomically.

        Re-ingesting files already ingested (same sha256s) is a no-op unless
        ``force``. ``options`` go to the loader as keyword arguments (e.g. the
        country of a statement); ``progress`` is an optional callable(step: str).
        """
        t0 = time.perf_counter()
        paths = [Path(p) for p in paths]
        if hasattr(source, "expand_paths"):  # corpus sources accept folders (e.g. UNGDC's YEAR/ tree)
            paths = [Path(p) for p in source.expand_paths(paths)]
        for p in paths:
            if not p.exists():
                raise SourceFormatError(f"{p}: no such file. Check the path (see `dyadwatch sources`).")
            if p.is_dir():  # a single-file source given a folder (corpus sources expanded theirs above)
                inside = ", ".join(sorted(c.name for c in p.iterdir() if c.is_file())[:5]) or "no files"
                raise SourceFormatError(
                    f"{p}: a folder, but source {source.META.name!r} reads files ({source.META.files}). "
                    f"Fix: name the file itself, e.g. `dyadwatch ingest {source.META.name} {p}/FILE` "
                    f"(the folder holds: {inside})."
                )
        meta = source.META
        digests = [sha256(p) for p in paths]
        key = json.dumps(sorted(digests) + ([options] if options else []), sort_keys=True)
        if not force and any(i["source"] == meta.name and i["sha256"] == key for i in self.ingests()):
            return IngestResult(meta.name, [str(p) for p in paths], {}, 0.0, skipped=True)
        if progress:
            progress(f"reading {', '.join(p.name for p in paths)}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            loaded: dict[str, pa.Table] = source.load(paths, **(options or {}))
        notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
        tables = {name: _conform(name, tbl, meta.name) for name, tbl in loaded.items()}
        if progress:
            progress("writing to the warehouse")
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            rows = {}
            for name, tbl in tables.items():
                spec = TABLES[name]
                self._create(spec)
                part = getattr(meta, "partition", None)
                if part:
                    keys = tbl.column(part).unique().to_pylist()
                    con.execute(
                        f'DELETE FROM "{name}" WHERE source = ? AND "{part}" IN (SELECT unnest(?))',
                        [meta.name, keys],
                    )
                else:
                    con.execute(f'DELETE FROM "{name}" WHERE source = ?', [meta.name])
                con.register("_incoming", tbl)
                con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _incoming')
                con.unregister("_incoming")
                rows[name] = tbl.num_rows
            _test_pause()
            next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()[0]
            con.execute(
                "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    next_id,
                    meta.name,
                    meta.version,
                    json.dumps([str(p) for p in paths]),
                    key,
                    json.dumps(rows),
                    dt.datetime.now(),
                    time.perf_counter() - t0,
                    json.dumps(notes),
                ],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return IngestResult(meta.name, [str(p) for p in paths], rows, time.perf_counter() - t0, notes=notes)


def _test_pause() -> None:
    # Lets the kill-mid-ingest test stop the process inside the transaction.
    pause = os.environ.get("DYADWATCH_TEST_PAUSE_IN_INGEST")
    if pause:
        Path(pause).touch()
        time.sleep(60)


def _duck_type(t: pa.DataType) -> str:
    return {
        pa.string(): "VARCHAR",
        pa.int8(): "TINYINT",
        pa.int16(): "SMALLINT",
        pa.int32(): "INTEGER",
        pa.int64(): "BIGINT",
        pa.float64(): "DOUBLE",
        pa.bool_(): "BOOLEAN",
        pa.date32(): "DATE",
    }.get(t, "VARCHAR" if pa.types.is_string(t) else "DOUBLE")


def _conform(name: str, tbl: pa.Table, source: str) -> pa.Table:
    """Check a loaded table against its canonical spec and cast it; add ``source``."""
    if name not in TABLES:
        raise DyadwatchError(f"Source {source!r} produced unknown table {name!r} (a bug in dyadwatch).")
    spec = TABLES[name]
    if "source" not in tbl.column_names:
        tbl = tbl.append_column("source", pa.array([source] * tbl.num_rows, pa.string()))
    missing = [f.name for f in spec.schema if f.name not in tbl.column_names]
    if missing:
        raise DyadwatchError(f"Source {source!r} did not produce columns {missing} of {name!r} (a bug).")
    return tbl.select(spec.schema.names).cast(spec.schema)
