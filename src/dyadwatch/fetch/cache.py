"""The download cache: verified publisher files in the user cache directory, never in the package.

Layout: ``<root>/<source>/<version>/<file>`` with a sidecar
``<root>/<source>/<version>/.meta/<file>.json`` (URL, size, sha256, time).
A file counts as cached only when its sidecar exists and its size matches:
the data file is renamed into place first and the sidecar last, so a crash
between the two leaves a file that is simply downloaded again. Partial
downloads live in ``<root>/.partial/`` and are never listed or used.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from dyadwatch.caches import ENV_CACHE, cache_dir  # noqa: F401  (ENV_CACHE: where callers look)


@dataclass(frozen=True)
class Entry:
    source: str
    version: str
    file: str
    size: int
    sha256: str
    url: str
    fetched_at: str
    path: str


def _safe(part: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.+" else "_" for c in part) or "_"


class Cache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else cache_dir()

    @property
    def staging(self) -> Path:
        return self.root / ".partial"

    def path_for(self, source: str, version: str, name: str) -> Path:
        return self.root / _safe(source) / _safe(version) / _safe(name)

    def _meta(self, path: Path) -> Path:
        return path.parent / ".meta" / (path.name + ".json")

    def get(self, source: str, version: str, name: str) -> Entry | None:
        """The cached, verified file, or None."""
        path = self.path_for(source, version, name)
        meta = self._meta(path)
        if not (path.is_file() and meta.is_file()):
            return None
        entry = Entry(**json.loads(meta.read_text("utf-8")))
        if path.stat().st_size != entry.size:
            return None
        return entry

    def put(self, source: str, version: str, name: str, *, path: Path, url: str, sha256: str) -> Entry:
        """Record ``path`` (already verified and renamed to ``path_for(...)``) with its sidecar, atomically."""
        final = self.path_for(source, version, name)
        if Path(path) != final:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
        entry = Entry(
            source, version, name, final.stat().st_size, sha256, url,
            dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), str(final),
        )  # fmt: skip
        meta = self._meta(final)
        meta.parent.mkdir(parents=True, exist_ok=True)
        tmp = meta.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(entry), indent=1), "utf-8")
        os.replace(tmp, meta)
        return entry

    def entries(self, source: str | None = None) -> list[Entry]:
        """Every verified file in the cache (optionally of one source), sorted."""
        if not self.root.exists():
            return []
        out = []
        for meta in sorted(self.root.glob("*/*/.meta/*.json")):
            if source is not None and meta.parents[2].name != _safe(source):
                continue
            entry = Entry(**json.loads(meta.read_text("utf-8")))
            p = Path(entry.path)
            if p.is_file() and p.stat().st_size == entry.size:
                out.append(entry)
        return out

    def partials(self) -> list[Path]:
        return sorted(self.staging.glob("*.part")) if self.staging.exists() else []
