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
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from dyadwatch.errors import DyadwatchError, NoDataError, SourceFormatError
from dyadwatch.sources._files import DataWarning
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


class Warehouse:
    """A DuckDB file holding the canonical tables. Use as a context manager."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else default_path()
        if read_only and not self.path.exists():
            self.con = duckdb.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.con = duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as e:
                raise DyadwatchError(
                    f"Cannot open the warehouse {self.path}: {e}. If another dyadwatch is "
                    "writing to it, wait for it to finish; or choose another file with --db."
                ) from e
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

    def holds(self, source, paths: Sequence[Path], options: dict | None = None) -> bool:
        """Whether ``source`` has ingested exactly these files (same sha256s), so ingesting them is a no-op."""
        return self._holds(source.META.name, _ingest_key(source, paths, options)[1])

    def _holds(self, name: str, key: str) -> bool:
        return any(i["source"] == name and i["sha256"] == key for i in self.ingests())

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
        meta = source.META
        paths, key = _ingest_key(source, paths, options)
        if not force and self._holds(meta.name, key):
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


def _ingest_key(source, paths: Sequence[Path], options: dict | None) -> tuple[list[Path], str]:
    """The files an ingest reads (folders expanded) and its key: their sha256s, and the loader options."""
    paths = [Path(p) for p in paths]
    if hasattr(source, "expand_paths"):  # corpus sources accept folders (e.g. UNGDC's YEAR/ tree)
        paths = [Path(p) for p in source.expand_paths(paths)]
    for p in paths:
        if not p.exists():
            raise SourceFormatError(f"{p}: no such file. Check the path (see `dyadwatch sources`).")
    digests = [sha256(p) for p in paths]
    return paths, json.dumps(sorted(digests) + ([options] if options else []), sort_keys=True)


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
