"""The streamed ingest of a trade source into the lake, whatever its files: what BACI (``lake_trade``) and
Comtrade (``lake_comtrade``) do alike. ``run`` takes the writer lock, skips files already live with the same
sha256, hands the new or changed ones to the source's reader (which writes staged parts through ``Run.stage``),
refuses a command that empties a table or shrinks one by more than ``META.max_shrink`` (``ingest.shrinks``, as
the warehouse decides), and makes every part live in one ``lake.commit``; on any failure, or Ctrl-C, the staged
parts are removed and the lake is as before."""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dyadwatch import lake, lake_files, signals
from dyadwatch.errors import EmptyInputError
from dyadwatch.ingest import IngestResult, test_pause
from dyadwatch.lake_files import File

TABLE = "trade_flows"


@dataclass
class Run:
    """What a trade source's reader gets from ``run``: the files of the command and where to write."""

    root: Path
    scratch: Path
    source: str
    refs: list[File]
    changed: list[File]  # new or changed files (or all, with force)
    progress: Callable[[str], None] | None
    written: dict[str, list[Path]] = field(default_factory=dict)  # table → staged part folders

    def stage(self, table: str, label: str) -> Path:
        """A fresh part folder, recorded at once so a failure removes it."""
        part = lake.stage(self.root, table, self.source, Path(label).name)
        self.written.setdefault(table, []).append(part)
        return part

    def say(self, what: str) -> None:
        if self.progress:
            self.progress(what)


# A reader writes the parts of the files it re-reads; returns their inputs (``input_of``) and its notes.
Reader = Callable[[duckdb.DuckDBPyConnection, Run], tuple[list[dict], list[str]]]


def run(
    root: Path,
    meta,
    paths: Sequence[Path],
    read: Reader,
    *,
    force: bool = False,
    allow_shrink: bool = False,
    progress: Callable[[str], None] | None = None,
    memory_limit: str = "1GB",
    threads: int = 2,
    is_codes: Callable[[str], bool] = lambda name: False,
) -> IngestResult:
    """The streamed ingest of a trade source, whatever its files: lock, sha256 skip, staged parts written by
    ``read``, the shrink and empty refusals, one commit; on any failure the staged parts are removed."""
    return lake_files.guarded(
        root, lambda r: _run(r, meta, paths, read, force, allow_shrink, progress, memory_limit, threads, is_codes)
    )


def _run(root, meta, paths, read, force, allow_shrink, progress, memory_limit, threads, is_codes) -> IngestResult:
    t0 = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    with lake.writer(root) as stage_dir, cf.ThreadPoolExecutor(1) as hasher:
        lake.clean(root, stage_dir)  # orphans of killed ingests; superseded parts stay for open readers
        base = lake.last_id(root)
        prev = lake.current(root).get(meta.name)
        known = {i["identity"]: i for i in (prev.inputs if prev else [])}
        refs = lake_files.files(paths, known, force, hasher, is_codes)
        # A file the lake does not hold is new whatever its sha256: its hash keeps running while DuckDB reads it.
        changed = [r for r in refs if force or r.identity not in known or known[r.identity]["sha256"] != r.digest()]
        if not changed:
            return IngestResult(meta.name, [r.given for r in refs], {}, 0.0, skipped=True, mode="add")
        scratch = stage_dir / f"run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        scratch.mkdir()
        ctx = Run(root, scratch, meta.name, refs, changed, progress)
        try:
            con = connect(scratch, memory_limit, threads)
            try:
                inputs, notes = read(con, ctx)
            finally:
                con.close()
            replaced = [p for i in inputs for p in known.get(i["identity"], {}).get("parts", [])]
            again = [r.given for r in refs if any(i["identity"] == r.identity and i["parts"] for i in inputs)]
            before: Counter[str] = Counter()
            lost: Counter[str] = Counter()
            new: Counter[str] = Counter()
            for i in known.values():
                before.update(rows_of(i))
            for i in inputs:
                lost.update(rows_of(known[i["identity"]]) if i["identity"] in known else {})
                new.update(rows_of(i))
            produced = {t: new[t] for t, ps in ctx.written.items() if ps}
            after = {t: before[t] - lost[t] + new[t] for t in sorted({*before, *new})}
            _refuse_empty(meta, again, produced, allow_shrink)
            for t in after:
                lake_files.refuse_shrink(meta, t, again, before[t], after[t], allow_shrink)
            test_pause()
            with signals.deferred(f"the {meta.name} ingest (lake entry {base + 1})"):
                entry = lake.commit(
                    root, meta.name, "add", ctx.written, replaced=replaced,
                    files_=[r.given for r in refs], rows=after, notes=notes, inputs=inputs, base=base,
                )  # fmt: skip
        except BaseException as e:
            if not (isinstance(e, KeyboardInterrupt) and signals.committed()):
                for ps in ctx.written.values():  # never named by an entry: invisible anyway, removed to save space
                    for p in ps:
                        shutil.rmtree(p, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    res = IngestResult(
        meta.name, [r.given for r in refs], {t: new[t] for t in sorted(produced)}, time.perf_counter() - t0,
        notes=notes, mode="add",
    )  # fmt: skip
    res.removed = {t: n for t, n in lost.items() if n}
    res.entry = entry.id  # type: ignore[attr-defined]
    return res


def rows_of(i: dict) -> dict[str, int]:
    """An input's rows per table (``tables``; a BACI input has only its ``trade_flows`` ``rows``)."""
    return i.get("tables") or {TABLE: i.get("rows", 0)}


def input_of(r: File, rows: dict[str, int], parts: list[str]) -> dict:
    """One input of the log entry: the file, and the rows and parts read from it."""
    out = {"identity": r.identity, "path": str(r.path), "sha256": r.digest(), "size": r.size,
           "mtime_ns": r.mtime_ns, "rows": rows.get(TABLE, 0), "parts": parts}  # fmt: skip
    if set(rows) - {TABLE}:
        out["tables"] = rows
    return out


def connect(scratch: Path, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={
            "memory_limit": memory_limit,
            "threads": threads,
            "preserve_insertion_order": False,  # lets COPY stream instead of buffering to keep row order
            "temp_directory": str(scratch / "spill"),
        }
    )
    con.execute("SET enable_progress_bar = false")
    return con


def _refuse_empty(meta, given: list[str], produced: dict[str, int], allow_shrink: bool) -> None:
    """The warehouse's refusal of a table with no rows (a header-only export), or of a command with no table."""
    empty = [t for t, n in produced.items() if not n]
    if (produced and not empty) or meta.allow_empty or allow_shrink:
        return
    raise EmptyInputError(
        f"{', '.join(given)}: no data rows for {', '.join(empty) or 'any table'} (a header without rows: a failed "
        f"export or download?). Nothing was committed: the lake keeps the {meta.name!r} rows it has. Fix: download "
        "or export the file again; to empty the source on purpose, use --allow-shrink."
    )
