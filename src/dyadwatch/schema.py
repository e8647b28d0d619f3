"""The warehouse's schema version: recorded in the file, migrated forward, or refused clearly.

Version 1 (dyadwatch before the ``ingest_files`` table) had canonical tables and ``ingests``
only. Version 2 adds ``ingest_files`` (which files make up the current content) and the
``dyadwatch_schema`` record itself. Opening a version-1 file for writing migrates it in one
transaction, after copying the file to ``NAME.v1.bak``; a file from a newer dyadwatch, or
whose tables do not have the columns this version expects, is refused with both versions
and the fix.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb

from dyadwatch import signals
from dyadwatch.errors import SchemaVersionError
from dyadwatch.tables import TABLES

SCHEMA_VERSION = 2
VERSION_TABLE = "dyadwatch_schema"

INGESTS_DDL = """CREATE TABLE IF NOT EXISTS ingests (
    id INTEGER, source VARCHAR, version VARCHAR, files VARCHAR,
    sha256 VARCHAR, rows VARCHAR, ingested_at TIMESTAMP, seconds DOUBLE, notes VARCHAR)"""
# One row per file per ingest; ``current`` marks the files the warehouse's rows come from now.
FILES_DDL = """CREATE TABLE IF NOT EXISTS ingest_files (
    ingest_id INTEGER, source VARCHAR, identity VARCHAR, path VARCHAR, sha256 VARCHAR,
    options VARCHAR, tables VARCHAR, labels VARCHAR, rows BIGINT, current BOOLEAN)"""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def version_of(con: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version; None for a new, empty file."""
    names = _tables(con)
    if VERSION_TABLE in names:
        return con.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchall()[0][0]  # an aggregate: one row
    if names:
        return 1
    return None


def ensure(con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Create, migrate or check the schema of the warehouse open on ``con``."""
    version = version_of(con)
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"The warehouse {path} has schema version {version}, written by a newer dyadwatch; this "
            f"dyadwatch reads version {SCHEMA_VERSION}. Nothing was changed. Fix: upgrade dyadwatch "
            "(`pip install -U dyadwatch`), or use another warehouse with --db."
        )
    if not read_only:
        if version is None:
            _create(con)
        elif version < SCHEMA_VERSION:
            _migrate(con, path, version)
    check_columns(con, path)


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN TRANSACTION")
    con.execute(INGESTS_DDL)
    con.execute(FILES_DDL)
    con.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER, written_at TIMESTAMP, note VARCHAR)")
    con.execute(f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, 'created')", [SCHEMA_VERSION, dt.datetime.now()])
    con.execute("COMMIT")


def _migrate(con: duckdb.DuckDBPyConnection, path: Path, version: int) -> None:
    """Version 1 → 2: record the files of past ingests (their sha256 per file is unknown: NULL)."""
    con.execute("CHECKPOINT")  # the backup must hold everything committed so far
    backup = path.with_name(f"{path.name}.v{version}.bak")
    shutil.copy2(path, backup)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(INGESTS_DDL)
        con.execute(FILES_DDL)
        latest: dict[str, int] = {}
        rows = con.execute("SELECT id, source, files, rows FROM ingests ORDER BY id").fetchall()
        for ingest_id, source, _files, _rows in rows:
            latest[source] = ingest_id
        for ingest_id, source, files, tables in rows:
            for f in json.loads(files or "[]"):
                p = Path(f)
                # Labels: what version 1 wrote in the ``file`` columns (the base name, or the path as typed).
                con.execute(
                    "INSERT INTO ingest_files VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, NULL, ?)",
                    [ingest_id, source, str(p.resolve()) if p.is_absolute() else f, f,
                     json.dumps(sorted(json.loads(tables or "{}"))), json.dumps([p.name, f]),
                     ingest_id == latest[source]],
                )  # fmt: skip
        con.execute(f"CREATE TABLE {VERSION_TABLE} (version INTEGER, written_at TIMESTAMP, note VARCHAR)")
        con.execute(
            f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, ?)",
            [SCHEMA_VERSION, dt.datetime.now(), f"migrated from version {version}; backup {backup.name}"],
        )
        with signals.deferred(f"the migration to warehouse version {SCHEMA_VERSION}"):
            con.execute("COMMIT")
    except BaseException as e:
        if not (isinstance(e, KeyboardInterrupt) and signals.committed()):
            con.execute("ROLLBACK")
        raise


def check_columns(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Every canonical table present has exactly the columns ``tables.py`` declares."""
    have: dict[str, list[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
    ).fetchall():
        have.setdefault(table, []).append(column)
    for name, cols in have.items():
        if name not in TABLES:
            continue
        want = TABLES[name].names
        if cols != want:
            missing = [c for c in want if c not in cols]
            extra = [c for c in cols if c not in want]
            raise SchemaVersionError(
                f"The warehouse {path}: table {name!r} has columns {cols} where this dyadwatch (schema version "
                f"{SCHEMA_VERSION}) expects {want} (missing {missing}, unexpected {extra}); it was written by "
                "another version or edited by hand. Nothing was changed. Fix: ingest into a new warehouse "
                "(--db NEW.duckdb), or use the dyadwatch version that wrote it."
            )
