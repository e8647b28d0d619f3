"""Writing to the warehouse: one ingest is one transaction that follows the source's mode.

What an ingest does to rows already in the warehouse is declared per source
(``SourceMeta.mode``, see ``sources/__init__.py``): files *replace* the source's
rows, *add* to them (a re-ingested file replaces only its own rows) or *update*
them by a declared key. Files are known by a canonical identity — their resolved
path, or the role the source gives them — plus their sha256, never by the path
as typed or the base name; ``ingest_files`` records which files make up the
current content, and an ingest is a no-op only when every file given (same
content, same options) is already part of it.

Guards, each an error that leaves the warehouse exactly as it was:

* a file that yields no rows (a header-only export) is refused;
* an ingest that would delete all of a source's rows, or more than
  ``META.max_shrink`` of them, needs ``allow_shrink`` (CLI ``--allow-shrink``)
  and says what it would delete;
* every value passes ``validate.py`` (ranges and patterns declared in ``tables.py``);
* a full disk, a read-only folder, Ctrl-C or SIGTERM end the transaction
  with a rollback and one message naming the real cause.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dyadwatch import signals, validate
from dyadwatch.errors import (
    DyadwatchError,
    EmptyInputError,
    ShrinkError,
    SourceFormatError,
    WarehouseWriteError,
)
from dyadwatch.sources._files import DataWarning
from dyadwatch.tables import TABLES, TableSpec


@dataclass
class IngestResult:
    source: str
    files: list[str]
    rows: dict[str, int]
    seconds: float
    skipped: bool = False
    notes: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)  # rows of the source deleted, per table
    mode: str = "replace"


@dataclass(frozen=True)
class FileRef:
    given: str  # as typed, for messages
    path: Path  # resolved
    identity: str  # resolved path, or "role:NAME" for sources that declare file roles
    sha256: str


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ingest(
    wh,
    source,
    paths: Sequence[Path],
    *,
    force: bool = False,
    options: dict | None = None,
    progress: Callable[[str], None] | None = None,
    allow_shrink: bool = False,
    replace: bool = False,
) -> IngestResult:
    """Load ``paths`` with ``source`` into the warehouse ``wh``, atomically, following ``source.META.mode``.

    ``replace`` makes this ingest replace all of the source's rows whatever its mode (and allows the
    shrink that implies); ``allow_shrink`` accepts deleting more than ``META.max_shrink`` of them or a
    file without rows. ``force`` re-reads files already part of the current content.
    """
    with signals.guard():
        try:
            return _ingest(wh, source, paths, force, options, progress, allow_shrink or replace, replace)
        except KeyboardInterrupt:
            raise
        except Exception:
            # A library may have swallowed the interrupt and raised its own error (pyreadr: "truncated").
            if signals.received():
                raise KeyboardInterrupt from None
            raise


def _ingest(wh, source, paths, force, options, progress, allow_shrink, replace) -> IngestResult:
    t0 = time.perf_counter()
    meta = source.META
    mode = "replace" if replace else meta.mode
    refs = file_refs(source, paths)
    check_writable(wh.path)
    opts = _options_key(source, options)
    con = wh.con
    current = current_files(con, meta.name)
    have = {(c["identity"], c["sha256"], c["options"]) for c in current}
    if not force and all((r.identity, r.sha256, opts) in have for r in refs):
        return IngestResult(meta.name, [r.given for r in refs], {}, 0.0, skipped=True, mode=mode)
    if progress:
        progress(f"reading {', '.join(r.path.name for r in refs)}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        loaded: dict[str, pa.Table] = source.load([r.path for r in refs], **(options or {}))
    notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    tables: dict[str, pa.Table] = {}
    provided: dict[str, list[str]] = {}
    labels: dict[str, dict[str, int]] = {r.identity: {} for r in refs}  # identity → {label: rows}
    for name, raw in loaded.items():
        tbl, provided[name] = conform(name, raw, meta.name, partial=meta.mode == "update")
        if "file" in tbl.column_names:
            tbl = _label_files(tbl, refs, meta.name, labels)
        tbl, more = validate.check_table(name, tbl, meta.name, [r.given for r in refs])
        notes += more
        if validate.LINE in tbl.column_names:
            tbl = tbl.drop_columns([validate.LINE])
        tables[name] = tbl
    _refuse_empty(tables, refs, meta, allow_shrink)
    if mode == "update":
        _refuse_null_keys(tables, refs, meta)
    if progress:
        progress("writing to the warehouse")
    con.execute("BEGIN TRANSACTION")
    try:
        rows, removed, counts = {}, {}, {}
        superseded = _superseded(current, refs, mode, set(tables))
        old_labels = {lab for c in superseded for lab in json.loads(c["labels"] or "[]")}
        for name, tbl in tables.items():
            spec = TABLES[name]
            create_table(con, spec)
            before = _count(con, name, meta.name)
            con.register("_incoming", tbl)
            try:
                if mode == "replace":
                    con.execute(f'DELETE FROM "{name}" WHERE source = ?', [meta.name])
                elif mode == "add" and "file" in tbl.column_names:
                    new = sorted({lab for per in labels.values() for lab in per} | old_labels)
                    con.execute(
                        f'DELETE FROM "{name}" WHERE source = ? AND "file" IN (SELECT unnest(?))', [meta.name, new]
                    )
                elif mode == "add" and meta.extra.get("part") in tbl.column_names:
                    # A file is one part named by a column of its rows (the ddy frames: system cow or gw).
                    part = meta.extra["part"]
                    keys = tbl.column(part).unique().to_pylist()
                    con.execute(
                        f'DELETE FROM "{name}" WHERE source = ? AND "{part}" IN (SELECT unnest(?))', [meta.name, keys]
                    )
                if mode == "update":
                    _upsert(con, spec, meta, provided[name])
                else:
                    con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _incoming')
            finally:
                con.unregister("_incoming")
            after = _count(con, name, meta.name)
            rows[name] = tbl.num_rows
            gone = before - (after - tbl.num_rows) if mode != "update" else 0
            removed[name] = max(gone, 0)
            counts[name] = (before, after)
        _refuse_shrink(counts, meta, current, refs, allow_shrink)
        test_pause()
        next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()[0]
        con.execute(
            "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [next_id, meta.name, meta.version, json.dumps([r.given for r in refs]),
             json.dumps(sorted(r.sha256 for r in refs) + ([options] if options else []), sort_keys=True),
             json.dumps(rows), dt.datetime.now(), time.perf_counter() - t0, json.dumps(notes)],
        )  # fmt: skip
        _record_files(con, next_id, meta.name, refs, opts, sorted(tables), labels, superseded, rows)
        with signals.deferred(f"the {meta.name} ingest (ingest {next_id})"):
            con.execute("COMMIT")
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt) and signals.committed():
            raise  # delivered just after the COMMIT: nothing to roll back
        _rollback(con)
        if isinstance(e, DyadwatchError | KeyboardInterrupt):
            raise
        if isinstance(e, duckdb.IOException | OSError) or (isinstance(e, duckdb.Error) and _is_io(str(e))):
            raise write_error(e, wh.path) from e
        raise
    return IngestResult(
        meta.name, [r.given for r in refs], rows, time.perf_counter() - t0, notes=notes, removed=removed, mode=mode
    )


def file_refs(source, paths: Sequence[Path]) -> list[FileRef]:
    """The files to read (folders expanded by corpus sources), each checked readable, resolved and hashed."""
    paths = [Path(p) for p in paths]
    if hasattr(source, "expand_paths"):  # corpus sources accept folders (e.g. UNGDC's YEAR/ tree)
        try:
            paths = [Path(p) for p in source.expand_paths(paths)]
        except PermissionError as e:
            raise SourceFormatError(f"{e.filename}: cannot be listed (permission denied). Fix: chmod u+rx it.") from e
    role = getattr(source, "file_role", None)
    refs: dict[str, FileRef] = {}
    for p in paths:
        if not p.exists():
            raise SourceFormatError(f"{p}: no such file. Check the path (see `dyadwatch sources`).")
        try:
            digest = sha256(p)
        except IsADirectoryError:
            inside = sorted(f.name for f in p.iterdir() if f.is_file())[:10]
            raise SourceFormatError(
                f"{p}: is a folder; source {source.META.name!r} reads files"
                + (f" (this folder holds {', '.join(inside)})" if inside else "")
                + ". Fix: give the file itself; `dyadwatch sources` says which files each source reads."
            ) from None
        except PermissionError:
            raise SourceFormatError(
                f"{p}: cannot be read (permission denied). Nothing was changed. Fix: `chmod u+r {p}`, or leave "
                "the file out."
            ) from None
        resolved = p.resolve()
        identity = f"role:{role(resolved)}" if role else str(resolved)
        if identity in refs:  # the same file twice (e.g. relative and absolute): read it once
            continue
        refs[identity] = FileRef(str(p), resolved, identity, digest)
    return list(refs.values())


def holds(wh, source, paths: Sequence[Path], options: dict | None = None) -> bool:
    """True when the source's current content in ``wh`` is exactly these files (same sha256s and options)."""
    refs = file_refs(source, paths)
    opts = _options_key(source, options)
    if "ingest_files" not in wh.tables():
        return False
    current = {(c["identity"], c["sha256"], c["options"]) for c in current_files(wh.con, source.META.name)}
    return current == {(r.identity, r.sha256, opts) for r in refs}


def _options_key(source, options: dict | None) -> str:
    # Options change the content (the speaker's country of a text): they are part of a file's identity.
    bound = getattr(getattr(source, "load", None), "keywords", None) or {}
    return json.dumps({**bound, **(options or {})}, sort_keys=True, default=str)


def current_files(con: duckdb.DuckDBPyConnection, source: str | None = None) -> list[dict]:
    """The files the warehouse's rows come from now (of one source, or all), oldest ingest first."""
    q = "SELECT * FROM ingest_files WHERE current" + (" AND source = ?" if source else "") + " ORDER BY ingest_id"
    cur = con.execute(q, [source] if source else [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _superseded(current: list[dict], refs: list[FileRef], mode: str, tables: set[str]) -> list[dict]:
    """The current files whose content this ingest replaces."""
    if mode == "replace":
        return [c for c in current if set(json.loads(c["tables"] or "[]")) <= tables]
    ids = {r.identity for r in refs}
    names = {r.path.name for r in refs}
    # Files recorded by schema version 1 have no sha256 and are known by base name only.
    return [c for c in current if c["identity"] in ids or (c["sha256"] is None and Path(c["path"]).name in names)]


def _label_files(tbl: pa.Table, refs: list[FileRef], source: str, labels: dict[str, dict[str, int]]) -> pa.Table:
    """Rewrite the loader's ``file`` labels (a base name, or the path as given) to the file's identity.

    Two files of one name in different folders are then two files; a name the loader took from
    inside an archive (GDELT zips) becomes ``ARCHIVE!NAME``.
    """
    to_ref: dict[str, FileRef | None] = {}
    for r in refs:
        for lab in {r.path.name, r.given, str(r.path)}:
            to_ref[lab] = None if lab in to_ref and to_ref[lab] is not r else r
    archives = [r for r in refs if r.path.suffix.lower() == ".zip"]
    col = tbl.column("file")
    mapping: dict[str, str] = {}
    owner_of: dict[str, str] = {}  # new label → identity of its file
    for lab in pc.unique(col).to_pylist():
        if lab is None:
            continue
        if lab in to_ref and to_ref[lab] is None:
            raise SourceFormatError(
                f"Two files named {lab!r} in one ingest of {source!r}: their rows cannot be told apart. "
                "Fix: ingest them one at a time (each keeps its own rows)."
            )
        ref = to_ref.get(lab)
        if ref is not None:
            new = ref.identity
        else:
            owner = refs if len(refs) == 1 else archives
            if len(owner) != 1:
                raise SourceFormatError(
                    f"{source!r} read {lab!r} from an archive among several: ingest the archives one at a time."
                )
            ref, new = owner[0], f"{owner[0].identity}!{lab}"
        mapping[lab] = new
        owner_of[new] = ref.identity
    keys = list(mapping)
    idx = pc.index_in(col, pa.array(keys, pa.string()))
    new_col = pc.take(pa.array([mapping[k] for k in keys], pa.string()), idx)
    for item in pc.value_counts(new_col).to_pylist():
        lab = item["values"]
        if lab is not None:
            per = labels.setdefault(owner_of[lab], {})
            per[lab] = per.get(lab, 0) + item["counts"]
    return tbl.set_column(tbl.column_names.index("file"), "file", new_col)


def _refuse_empty(tables: dict[str, pa.Table], refs: list[FileRef], meta, allow_shrink: bool) -> None:
    if meta.allow_empty or allow_shrink:
        return
    empty = [n for n, t in tables.items() if t.num_rows == 0]
    if empty or not tables:
        files = ", ".join(r.given for r in refs)
        raise EmptyInputError(
            f"{files}: no data rows for {', '.join(empty) or 'any table'} (a header without rows: a failed "
            f"export or download?). Nothing was changed: the warehouse keeps the {meta.name!r} rows it has. "
            f"Fix: download or export the file again; to empty the source on purpose, use --allow-shrink."
        )


def _refuse_null_keys(tables: dict[str, pa.Table], refs: list[FileRef], meta) -> None:
    for name, tbl in tables.items():
        for k in meta.key:
            n = tbl.column(k).null_count
            if n:
                raise SourceFormatError(
                    f"{', '.join(r.given for r in refs)}: {n} row(s) of {name} have no {k!r}, part of the key "
                    f"{list(meta.key)} that identifies a {meta.name} row. Fix: fill it in."
                )


def shrinks(before: int, after: int, meta) -> bool:
    """Whether going from ``before`` to ``after`` rows deletes all of a source's rows, or over ``max_shrink``."""
    return before > after and (after == 0 or before - after > meta.max_shrink * before)


def _refuse_shrink(counts: dict[str, tuple[int, int]], meta, current, refs, allow_shrink) -> None:
    """Refuse (naming every table) if a table of the source would lose all, or over max_shrink, of its rows."""
    if allow_shrink:
        return
    # Net loss: a file replaced by a corrected one of the same size deletes nothing.
    shrunk = {name: (before, after) for name, (before, after) in counts.items() if shrinks(before, after, meta)}
    if not shrunk:
        return
    what = "; ".join(
        f"{before - after:,} of the {before:,} {name} rows ({(before - after) / before:.0%}), leaving {after:,}"
        for name, (before, after) in shrunk.items()
    )
    came_from = ", ".join(sorted({c["path"] for c in current})) or "earlier ingests"
    raise ShrinkError(
        f"Ingesting {', '.join(r.given for r in refs)} would delete {what} of source {meta.name!r} (now from "
        f"{came_from}). Nothing was changed. Fix: if the new file is right and the old rows should go, run "
        "again with --allow-shrink (or --replace); if not, check the new file: it may be an incomplete export."
    )


def _upsert(con: duckdb.DuckDBPyConnection, spec: TableSpec, meta, provided: list[str]) -> None:
    """Rows whose key exists get the columns the file provides; new keys are inserted whole."""
    on = " AND ".join(f't."{k}" IS NOT DISTINCT FROM i."{k}"' for k in meta.key)
    sets = [c for c in provided if c not in meta.key and c != "source"]
    if sets:
        assign = ", ".join(f'"{c}" = i."{c}"' for c in sets)
        con.execute(
            f'UPDATE "{spec.name}" AS t SET {assign} FROM _incoming AS i WHERE t.source = ? AND {on}', [meta.name]
        )
    con.execute(
        f'INSERT INTO "{spec.name}" BY NAME SELECT i.* FROM _incoming AS i WHERE NOT EXISTS '
        f'(SELECT 1 FROM "{spec.name}" AS t WHERE t.source = ? AND {on})',
        [meta.name],
    )


def _record_files(con, ingest_id, source, refs, opts, tables, labels, superseded, rows) -> None:
    for c in superseded:
        con.execute(
            "UPDATE ingest_files SET current = false WHERE ingest_id = ? AND source = ? AND identity = ?",
            [c["ingest_id"], source, c["identity"]],
        )
    for r in refs:
        own = labels.get(r.identity, {})
        n = sum(own.values()) if own else (sum(rows.values()) if len(refs) == 1 else None)
        con.execute(
            "INSERT INTO ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
            [ingest_id, source, r.identity, str(r.path), r.sha256, opts, json.dumps(tables),
             json.dumps(sorted(own)), n],
        )  # fmt: skip


def _count(con, name: str, source: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{name}" WHERE source = ?', [source]).fetchone()[0]


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    # After a fatal I/O error DuckDB has already ended the transaction: "cannot rollback - no transaction
    # is active" would then hide the real cause, which the caller re-raises.
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


_IO_WORDS = ("No space left", "File too large", "Permission denied", "Read-only file system", "Could not write",
             "Cannot open file", "Disk quota")  # fmt: skip


def _is_io(message: str) -> bool:
    return any(w in message for w in _IO_WORDS)


def check_writable(path: Path) -> None:
    """Fail before reading any file if the warehouse's folder cannot take its write-ahead log."""
    folder = Path(path).parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise write_error(PermissionError(errno.EACCES, "Permission denied", str(folder)), Path(path))


def write_error(e: BaseException, path: Path) -> WarehouseWriteError:
    """The real cause of a failed write (disk full, read-only folder) with its fix."""
    msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    code = getattr(e, "errno", None)
    folder = Path(path).parent
    if code in (errno.ENOSPC, errno.EFBIG) or "No space left" in msg or "File too large" in msg:
        cause = "the disk is full (or a file-size limit such as `ulimit -f` was reached)"
        fix = f"free space on the disk holding {folder} (or raise the limit), or use a warehouse elsewhere with --db"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS) or "Permission denied" in msg or "Read-only" in msg:
        cause = "the warehouse file or its folder is not writable"
        fix = f"make {folder} writable (`chmod u+w {folder}`), or use a warehouse elsewhere with --db"
    else:
        cause = "the file could not be written"
        fix = "check the disk and the folder's permissions, or use a warehouse elsewhere with --db"
    return WarehouseWriteError(
        f"Cannot write the warehouse {path}: {cause} ({msg}). Nothing was written: the warehouse is "
        f"unchanged. Fix: {fix}; then ingest again."
    )


def create_table(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> None:
    cols = ", ".join(f'"{f.name}" {_duck_type(f.type)}' for f in spec.schema)
    con.execute(f'CREATE TABLE IF NOT EXISTS "{spec.name}" ({cols})')


def test_pause() -> None:
    # Lets the kill-mid-ingest tests stop the process inside the transaction (or, in a lake ingest, with
    # every part written and nothing committed).
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


def conform(name: str, tbl: pa.Table, source: str, partial: bool = False) -> tuple[pa.Table, list[str]]:
    """``tbl`` cast to its canonical spec, with ``source`` added; and the columns the loader provided.

    With ``partial`` (sources of mode ``update``) a loader may leave out columns it has no data for
    (CAMEO's event-code file has no Goldstein scores): they are NULL, and the update leaves them as they are.
    """
    if name not in TABLES:
        raise DyadwatchError(f"Source {source!r} produced unknown table {name!r} (a bug in dyadwatch).")
    spec = TABLES[name]
    provided = [c for c in spec.schema.names if c in tbl.column_names]
    if "source" not in tbl.column_names:
        tbl = tbl.append_column("source", pa.array([source] * tbl.num_rows, pa.string()))
    for f in spec.schema:
        if f.name not in tbl.column_names:
            if not partial:
                raise DyadwatchError(f"Source {source!r} did not produce column {f.name!r} of {name!r} (a bug).")
            tbl = tbl.append_column(f.name, pa.nulls(tbl.num_rows, f.type))
    out = tbl.select(spec.schema.names).cast(spec.schema)
    if validate.LINE in tbl.column_names:
        out = out.append_column(validate.LINE, tbl.column(validate.LINE).cast(pa.int64()))
    return out, provided
