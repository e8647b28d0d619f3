"""The lake: canonical tables as Parquet files in a folder, with an ingest log that makes each change atomic.

A warehouse file holds everything in one DuckDB database; a lake is the same tables as plain Parquet, so any
engine can read them (DuckDB views, Spark, a cluster's object store) and an ingest can stream a file larger than
memory. The layout::

    ROOT/
      _log/00000001.json          one JSON document per committed ingest (written to a temporary name, renamed)
      TABLE/source=SRC/part=PART-INGEST/*.parquet

Each Parquet file has exactly the table's canonical columns (``tables.TABLES``), ``source`` included, so a reader
needs no partition discovery. A part is what one ingest wrote for one table: a whole source (mode replace) or
one file of it (mode add, ``PART`` the file's label). Parts are never modified; they are only added.

Beside each events part, the streamed ingest writes its **dyad-month aggregate** (``DYAD_MONTH``): the part's
rows summed per source, month, actor pair and root flag, in the same commit, at the same relative name under
``events_dyad_month/`` (``aggregate_of``). Only the aggregate's reader (``engines/_lakebase.py``) uses it, and
only while every live events part has its own (``LakeBacked.aggregate_current``): otherwise it reads the rows.

What is *current* is what the log says: the newest entry of each source lists its live parts per table
(``live``) and the files they were read from (``inputs``: identity, sha256, rows, parts). Committing is the
rename of one log entry into ``_log/``: a process killed before that leaves only parts no entry names, which
readers never see and ``vacuum`` removes. So a lake has the warehouse's promise: an ingest lands whole or not
at all. Writers take ``_staging/lock`` (``writer``) so two ingests never interleave; ``commit(base=…)``
refuses an entry whose log moved on since the writer read it, whoever wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dyadwatch.errors import DyadwatchError

LOG = "_log"
_STAGE = "_staging"
_ENTRY = re.compile(r"^(\d{8})\.json$")
DYAD_MONTH = "events_dyad_month"
# The aggregate's columns: the group keys, then per group the sums the events index needs (``engines/_lakebase``).
# ``g_*``/``t_*``: Goldstein/tone numerators and denominators for each weight (mentions, articles, none), each over
# the rows where both the value and the weight are known, as the index computes them from the rows.
DYAD_MONTH_KEYS = ("source", "month", "actor_a", "actor_b", "is_root")
DYAD_MONTH_WEIGHTS = ("mentions", "articles", "none")


class LakeError(DyadwatchError):
    exit_code = 3


@dataclass(frozen=True)
class LogEntry:
    """One committed ingest: its id, source, mode and the parts that are live after it, per table."""

    id: int
    source: str
    mode: str
    live: dict[str, list[str]]  # table → part folders, relative to the lake root
    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    at: str = ""
    notes: list[str] = field(default_factory=list)
    # The files the source's live parts come from: {identity, path, sha256, size, mtime_ns, rows, parts}.
    inputs: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, indent=1)


def is_lake(root: Path) -> bool:
    return (Path(root) / LOG).is_dir()


def log(root: Path) -> list[LogEntry]:
    """Every committed entry, oldest first."""
    folder = Path(root) / LOG
    if not folder.is_dir():
        return []
    entries = []
    for p in sorted(folder.iterdir()):
        if not _ENTRY.match(p.name):
            continue  # a temporary name: an entry being written, not committed
        try:
            entries.append(LogEntry(**json.loads(p.read_text(encoding="utf-8"))))
        except (ValueError, TypeError) as e:
            raise LakeError(f"{p}: not a dyadwatch lake log entry ({e}). Fix: restore it, or remove the lake.") from e
    return entries


def current(root: Path) -> dict[str, LogEntry]:
    """The newest entry of each source: what the lake holds now."""
    return {e.source: e for e in log(root)}


def parts(root: Path, table: str, source: str | None = None, state: dict[str, LogEntry] | None = None) -> list[Path]:
    """The live part folders of ``table`` (of one source, or all), as absolute paths.

    ``state`` is a reader's snapshot of ``current(root)``; without it the log is read now.
    """
    root = Path(root)
    state = current(root) if state is None else state
    return [root / p for src, e in sorted(state.items()) if source in (None, src) for p in e.live.get(table, [])]


def files(root: Path, table: str, source: str | None = None, state: dict[str, LogEntry] | None = None) -> list[Path]:
    """The live Parquet files of ``table``: what a reader scans."""
    return sorted(f for p in parts(root, table, source, state) for f in p.glob("*.parquet"))


def tables(root: Path, state: dict[str, LogEntry] | None = None) -> list[str]:
    """Canonical tables with at least one live part."""
    state = current(root) if state is None else state
    return sorted({t for e in state.values() for t, ps in e.live.items() if ps})


def sources_of(root: Path, table: str) -> list[str]:
    """From the log, not a scan: on a billion rows (or a billed engine) a scan is a cost."""
    return sorted(src for src, e in current(root).items() if e.live.get(table))


def stage(root: Path, table: str, source: str, part: str) -> Path:
    """A fresh folder to write one part into; it becomes live only when ``commit`` names it."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", part)[:80] or "all"
    rel = Path(table) / f"source={source}" / f"part={safe}-{uuid.uuid4().hex[:12]}"
    path = Path(root) / rel
    path.mkdir(parents=True, exist_ok=False)
    return path


def commit(
    root: Path,
    source: str,
    mode: str,
    written: dict[str, list[Path]],
    *,
    replaced: Iterable[str] = (),
    files_: Iterable[str] = (),
    rows: dict[str, int] | None = None,
    notes: Iterable[str] = (),
    inputs: Iterable[dict] = (),
    base: int | None = None,
) -> LogEntry:
    """Make ``written`` (table → part folders) live for ``source``, atomically.

    Mode ``replace``: the source's live parts become exactly ``written``. Mode ``add``: ``written`` joins the
    live parts, except those whose relative path is in ``replaced`` (the earlier parts of a re-read file);
    ``inputs`` fold the same way, by identity. ``base``: the last entry id the writer saw; if the log has moved
    on, the commit is refused (its ``replaced`` and shrink checks were computed on a stale state).
    """
    root = Path(root)
    (root / LOG).mkdir(parents=True, exist_ok=True)
    entries = log(root)  # read once: the id and the state folded on must be the same snapshot
    last = entries[-1].id if entries else 0
    if base is not None and last != base:
        raise LakeError(
            f"{root}: another ingest committed (log entry {last}) while this one ran (it started at entry "
            f"{base}). Nothing was committed. Fix: run the ingest again."
        )
    prev = {e.source: e for e in entries}.get(source)
    new = {t: [_rel(root, p) for p in ps] for t, ps in written.items()}
    new_inputs = list(inputs)
    if mode == "add" and prev is not None:
        gone = set(replaced)
        live = {t: [p for p in ps if p not in gone] for t, ps in prev.live.items()}
        for t, ps in new.items():
            live[t] = [*live.get(t, []), *ps]
        again = {i["identity"] for i in new_inputs}
        folded = [i for i in prev.inputs if i.get("identity") not in again] + new_inputs
    else:
        live, folded = new, new_inputs
    entry = LogEntry(
        id=last + 1,
        source=source,
        mode=mode,
        live=live,
        files=list(files_),
        rows=dict(rows or {}),
        at=dt.datetime.now().isoformat(timespec="seconds"),
        notes=list(notes),
        inputs=folded,
    )
    tmp = root / LOG / f".{entry.id:08d}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(entry.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    target = root / LOG / f"{entry.id:08d}.json"
    try:
        os.link(tmp, target)  # fails if another writer took this id: never overwrite a committed entry
    except FileExistsError as e:
        raise LakeError(
            f"{target}: another ingest committed at the same time. Nothing was committed. Fix: run the ingest again."
        ) from e
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(root / LOG)
    return entry


def last_id(root: Path) -> int:
    """The id of the newest log entry (0 for a new lake): a reader's version, a writer's ``base``."""
    entries = log(root)
    return entries[-1].id if entries else 0


class LakeBusyError(LakeError):
    exit_code = 5


@contextlib.contextmanager
def writer(root: Path) -> Iterator[Path]:
    """Hold the lake's writer lock for the block; yields the staging folder (scratch space of this writer).

    A lock, not only the commit's exclusive link: a second ingest would otherwise spend an hour reading
    files only to have its commit refused.
    """
    root = Path(root)
    stage_dir = root / _STAGE
    stage_dir.mkdir(parents=True, exist_ok=True)
    fh = open(stage_dir / "lock", "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise LakeBusyError(
                f"{root}: another ingest is writing this lake. Nothing was changed. Fix: wait for it to finish, "
                "then run this again."
            ) from e
        yield stage_dir
    finally:
        fh.close()  # closing releases the lock, also when the process dies


def export(con, root: Path, names: Iterable[str] | None = None) -> list[LogEntry]:
    """Copy a DuckDB warehouse's canonical tables into the lake, one part per table and source (mode replace).

    ``con`` is the warehouse's DuckDB connection. For engines that read the lake (Spark, a cluster).
    """
    from dyadwatch.tables import TABLES

    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    chosen = [n for n in (names or sorted(TABLES)) if n in have and n in TABLES]
    by_source: dict[str, dict[str, list[Path]]] = {}
    rows: dict[str, dict[str, int]] = {}
    for name in chosen:
        cols = ", ".join(f'"{c}"' for c in TABLES[name].names)
        for (src,) in con.execute(f'SELECT DISTINCT source FROM "{name}" ORDER BY 1').fetchall():
            part = stage(root, name, src, "export")
            target = str(part / "data.parquet").replace("'", "''")
            n = con.execute(f'SELECT count(*) FROM "{name}" WHERE source = ?', [src]).fetchone()[0]
            con.execute(
                f"""COPY (SELECT {cols} FROM "{name}" WHERE source = $src) TO '{target}' (FORMAT parquet)""",
                {"src": src},
            )
            by_source.setdefault(src, {}).setdefault(name, []).append(part)
            rows.setdefault(src, {})[name] = n
    return [commit(root, src, "replace", written, rows=rows[src]) for src, written in sorted(by_source.items())]


def vacuum(root: Path, *, keep_superseded: bool = False) -> list[Path]:
    """Remove part folders no current entry names (left by killed ingests or superseded); returns them.

    ``keep_superseded`` removes only orphans (parts no entry ever named, from killed or failed ingests):
    what an ingest does on its own, since a reader that opened the lake before a commit may still read
    the superseded parts. Takes the writer lock: a running ingest's staged parts look like orphans.
    """
    root = Path(root)
    with writer(root) as stage_dir:
        return clean(root, stage_dir, keep_superseded=keep_superseded)


def clean(root: Path, stage_dir: Path, *, keep_superseded: bool = True) -> list[Path]:
    """``vacuum``'s work, for a caller already holding the writer lock (an ingest, at its start)."""
    root = Path(root)
    entries = log(root) if keep_superseded else list(current(root).values())
    live = {root / p for e in entries for ps in e.live.values() for p in ps}
    removed = []
    for table_dir in sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("_")):
        for part in sorted(table_dir.glob("source=*/part=*")):
            if part not in live:
                shutil.rmtree(part)
                removed.append(part)
    for tmp in (root / LOG).glob(".*.tmp") if (root / LOG).is_dir() else []:
        tmp.unlink()
        removed.append(tmp)
    for scratch in sorted(p for p in stage_dir.iterdir() if p.is_dir()):
        shutil.rmtree(scratch, ignore_errors=True)  # spill files and unpacked zips of a killed ingest
        removed.append(scratch)
    return removed


def aggregate_of(events_part: str) -> str:
    """The relative folder of an events part's dyad-month aggregate: the same part name under ``DYAD_MONTH``."""
    head, _, rest = events_part.partition("/")
    if head != "events" or not rest:
        raise LakeError(f"{events_part!r} is not an events part (events/source=SRC/part=NAME).")
    return f"{DYAD_MONTH}/{rest}"


def _rel(root: Path, p: Path) -> str:
    p = Path(p)
    return (p.relative_to(root) if p.is_absolute() else p).as_posix()


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
