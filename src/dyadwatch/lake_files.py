"""What both streamed ingests (``lake_ingest`` for events, ``lake_trade`` for trade flows) do alike with the
files given on the command line: identify and hash them, quote them for DuckDB, refuse a shrinking re-read."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dyadwatch import signals
from dyadwatch.errors import ShrinkError, SourceFormatError
from dyadwatch.ingest import IngestResult, sha256, shrinks


@dataclass
class File:
    """One file given on the command line."""

    given: str
    path: Path
    identity: str
    size: int
    mtime_ns: int
    sha: cf.Future | str
    codes: bool = False  # a code list that maps the data files (BACI's country_codes_V*.csv), no rows of its own

    def digest(self) -> str:
        """The file's sha256 (hashed in a thread while DuckDB reads it, when it is new)."""
        return self.sha if isinstance(self.sha, str) else self.sha.result()


def files(
    paths: Sequence[Path],
    known: dict[str, dict],
    force: bool,
    hasher: cf.Executor,
    is_codes: Callable[[str], bool] = lambda name: False,
) -> list[File]:
    """The given files, each once (by resolved path); ``known`` are the lake's live inputs by identity."""
    out: dict[str, File] = {}
    for p in map(Path, paths):
        if not p.is_file():
            raise SourceFormatError(f"{p}: no such file. Check the path (see `dyadwatch sources`).")
        rp = p.resolve()
        if str(rp) in out:
            continue
        st = rp.stat()
        # A file the lake already holds is hashed now (it may be skipped); a new one while DuckDB reads it.
        sha: cf.Future | str = sha256(rp) if str(rp) in known and not force else hasher.submit(sha256, rp)
        out[str(rp)] = File(str(p), rp, str(rp), st.st_size, st.st_mtime_ns, sha, is_codes(rp.name))
    return list(out.values())


def q(s: str | Path) -> str:
    """A SQL string literal."""
    return "'" + str(s).replace("'", "''") + "'"


def refuse_shrink(meta, table: str, given: list[str], before: int, after: int, allow_shrink: bool) -> None:
    """ShrinkError when re-reading ``given`` would lose more of the source's rows than ``META.max_shrink``."""
    if allow_shrink or not shrinks(before, after, meta):
        return
    raise ShrinkError(
        f"Ingesting {', '.join(given)} would delete {before - after:,} of the {before:,} {table} rows of source "
        f"{meta.name!r} in the lake, leaving {after:,}. Nothing was committed. Fix: if the new file is right, run "
        "again with --allow-shrink; if not, check it: it may be an incomplete download."
    )


def guarded(root: str | Path, run: Callable[[Path], IngestResult]) -> IngestResult:
    """``run(root)`` with Ctrl-C and SIGTERM as a clean interrupt of a lake ingest; the root resolved first,
    because the log records part paths that readers in other folders must find."""
    with signals.guard():
        signals.target("lake")
        try:
            return run(Path(root).resolve())
        except KeyboardInterrupt:
            raise
        except Exception:
            if signals.received():  # DuckDB turns the interrupt into "Query interrupted"
                raise KeyboardInterrupt from None
            raise
