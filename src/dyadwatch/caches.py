"""dyadwatch's cache folder, and the files kept there: rendered charts, downloads, computed results.

Everything here can be deleted at any time (``dyadwatch cache clear``): it is recomputed, or downloaded again,
on the next run. A cache file is written to a temporary name and renamed, so a reader never sees half of one,
and a cache that cannot be written (a read-only home, a full disk) only means the next run computes again.

**Results** (``persisted``) are what a store computes from its tables and would compute the same way next time:
the all-dyad vote panel, the derived tables a warehouse builds on first read, a year's speech similarity matrix.
They are keyed by the store's *identity* (a digest of its content: a warehouse's ingest log, the pack's digest),
the request, and a digest of dyadwatch's own code and data files, so a new ingest, another warehouse or another
version of dyadwatch never reads a result computed before it. They are pickles: only this user's own cache folder
is read, as for any Python cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ENV_CACHE = "DYADWATCH_CACHE"
ENV_RESULTS = "DYADWATCH_RESULT_CACHE"  # a folder for the results instead of <cache>/results; "off": keep none
MAX_RESULT_STORES = 6  # stores (warehouses, ingest states) kept; the least recently used beyond that go
MAX_RESULT_BYTES = 2_000_000_000  # and beyond this total (a full warehouse keeps about 350 MB)
MAX_RESULTS = 400  # results per store; beyond it the oldest half is removed


def cache_dir(*parts: str) -> Path:
    """``$DYADWATCH_CACHE`` if set, else dyadwatch's folder in the user cache directory (XDG_CACHE_HOME)."""
    if os.environ.get(ENV_CACHE):
        root = Path(os.environ[ENV_CACHE]).expanduser()
    else:
        from platformdirs import user_cache_dir

        root = Path(user_cache_dir("dyadwatch", appauthor=False))
    return root.joinpath(*parts)


def read(path: Path) -> bytes | None:
    """The cached file's bytes, or None; a file read is marked recently used, so pruning keeps it."""
    try:
        data = path.read_bytes()
        os.utime(path)
        os.utime(path.parent)  # results: the store's folder, recently used, survives pruning
        return data
    except OSError:
        return None


def keep(path: Path, data: bytes, limit: int, pattern: str) -> None:
    """Write ``data`` to ``path`` (then rename); if the folder then holds more than ``limit`` files matching
    ``pattern``, remove the least recently used half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        files = list(path.parent.glob(pattern))
        if len(files) > limit:
            for f in sorted(files, key=_mtime)[: len(files) // 2]:
                f.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written: the next run computes again


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


@cache
def code_digest() -> str:
    """A digest of dyadwatch's installed code and data files: results computed by other code are never read."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".yaml", ".json", ".csv", ".txt") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def persisted(identity: str | None, key: tuple, fn: Callable[[], T]) -> T:
    """``fn()``, kept on disk under the store's ``identity`` and ``key``; None (a store whose content has no
    digest) or a key without a stable text form (an object's address) computes without keeping."""
    text = repr(key)
    where = os.environ.get(ENV_RESULTS)
    if identity is None or " at 0x" in text or where == "off":
        return fn()
    store = hashlib.sha256(identity.encode()).hexdigest()[:24]
    name = hashlib.sha256(f"{code_digest()}\0{text}".encode()).hexdigest()[:32] + ".pkl"
    path = _results_dir() / store / name
    data = read(path)
    if data is not None:
        try:
            value: T = pickle.loads(data)
            return value
        except Exception:  # a truncated or foreign file is only a cache miss: computed and rewritten below
            pass
    value = fn()
    try:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return value  # not picklable (an open connection inside): computed each time
    fresh = not path.parent.exists()
    keep(path, blob, MAX_RESULTS, "*.pkl")
    if fresh and path.exists():
        try:
            _prune_stores(path.parent)
        except OSError:
            pass  # another process pruning at the same time: it will have done the work
    return value


def _prune_stores(current: Path) -> None:
    """Beyond ``MAX_RESULT_STORES`` stores or ``MAX_RESULT_BYTES``, the least recently used go (never ``current``,
    the store just written)."""
    import shutil

    others = sorted((p for p in current.parent.iterdir() if p.is_dir() and p != current), key=_mtime, reverse=True)
    total = sum(f.stat().st_size for f in current.glob("*.pkl"))
    for i, store in enumerate(others, start=1):
        total += sum(f.stat().st_size for f in store.glob("*.pkl"))
        if i >= MAX_RESULT_STORES or total > MAX_RESULT_BYTES:
            shutil.rmtree(store, ignore_errors=True)


def _results_dir() -> Path:
    where = os.environ.get(ENV_RESULTS)
    return Path(where) if where and where != "off" else cache_dir("results")


def folders() -> dict[str, tuple[Path, str]]:
    """What is cached, where, and the files that are cache entries (a glob under the folder)."""
    charts = os.environ.get("DYADWATCH_CHART_CACHE")
    return {
        "results": (_results_dir(), "*/*.pkl"),
        "help": (_results_dir() / "help", "*.txt"),  # cli/_help.py: --help texts as drawn
        "charts": (Path(charts) if charts else cache_dir("charts"), "*.svg"),
        "downloads": (cache_dir(), "*/*/.meta/*.json"),
    }


def usage() -> list[dict]:
    """Per kind of cache entry: its folder, how many entries, and their size in bytes."""
    out = []
    for what, (folder, pattern) in folders().items():
        files = [p for p in folder.glob(pattern) if p.is_file()] if folder.is_dir() else []
        out.append({"cache": what, "folder": str(folder), "entries": len(files),
                    "bytes": sum(p.stat().st_size for p in files)})  # fmt: skip
    return out


def clear(kinds: tuple[str, ...] = ("results", "help", "charts")) -> int:
    """Remove the cached results, help texts and charts (downloads only when named); the number of entries removed.

    Only cache entries are removed (the patterns of ``folders``), never other files of a folder the user named.
    """
    n = 0
    for what in kinds:
        folder, pattern = folders()[what]
        for p in folder.glob(pattern) if folder.is_dir() else []:
            if what == "downloads":  # the data file beside its sidecar goes too
                p.parents[1].joinpath(p.stem).unlink(missing_ok=True)
            p.unlink(missing_ok=True)
            n += 1
    return n
