"""The embedded default: figures dyadwatch computed from the real files, for focus countries.

On a machine with no ingested data, ``dyadwatch report CHN RUS`` (and the
votes/alliances commands for any two focus countries) read these tables.
They hold computed indicators only — never rows of the publishers' files —
and ``manifest.json`` names every input file with its sha256.
``dyadwatch pack build --data DIR`` rebuilds them; a test checks that the
committed pack equals a rebuild from the shared data.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from dyadwatch import countries
from dyadwatch.derived import DERIVED
from dyadwatch.errors import SourceFormatError
from dyadwatch.store import _frame, build_function, pack_dir
from dyadwatch.store import manifest as store_manifest

FOCUS = countries.group("focus")  # the focus states live in data/countries.yaml


def build(data_dir: Path, out_dir: Path | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """Rebuild the pack from the publishers' files under ``data_dir`` (laid out as shared/data)."""
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse, sha256

    data_dir = Path(data_dir)
    out_dir = Path(out_dir) if out_dir else pack_dir()
    needed: dict[str, tuple[str, ...]] = {}
    for t in DERIVED.values():
        needed.update(t.inputs)
    for files in needed.values():
        for f in files:
            if not (data_dir / f).exists():
                raise SourceFormatError(
                    f"{data_dir / f}: missing. `dyadwatch pack build --data DIR` needs the folder laid out as "
                    "the shared data (unga/, alliances/ ...)."
                )
    manifest: dict = {"focus": list(FOCUS), "inputs": {}, "tables": {}}
    with tempfile.TemporaryDirectory() as tmp, Warehouse(Path(tmp) / "pack.duckdb") as wh:
        for name, files in needed.items():
            if progress:
                progress(f"ingesting {name}")
            src = sources.get(name)
            wh.ingest(src, [data_dir / f for f in files])
            manifest["inputs"][name] = {
                "version": src.META.version,
                "citation": src.META.citation,
                "files": {f: _digest(data_dir, f, sha256) for f in files},
            }
        write(wh, out_dir, manifest, progress)
    return out_dir


def write(wh, out_dir: Path, manifest: dict, progress: Callable[[str], None] | None = None) -> None:
    """Build every derived table from the warehouse ``wh`` for the focus states; write Parquet and the manifest."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for t in DERIVED.values():
        if progress:
            progress(f"computing {t.name}")
        df = _significant(build_function(t)(wh, FOCUS))
        path = out_dir / f"{t.name}.parquet"
        # Fixed writer settings so a rebuild from the same files gives the same bytes.
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, compression="zstd")
        digest.update(path.read_bytes())
        manifest["tables"][t.name] = {"rows": len(df), "sources": sorted(t.inputs), "doc": t.doc}
    manifest["digest"] = digest.hexdigest()[:16]
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
    for old in [*out_dir.glob("*.csv"), *out_dir.glob("*.parquet")]:
        if old.stem not in DERIVED:  # tables of an older pack layout
            old.unlink()
    _frame.cache_clear()
    store_manifest.cache_clear()


def _significant(df, digits: int = 12):
    """Floats to 12 significant digits: far below any measurement error, and a pack that rebuilds to the same
    bytes on every machine (the last bits of a float sum depend on the order of summation)."""
    import numpy as np

    out = df.copy()
    for c in out.columns:
        if out[c].dtype == np.float64:
            out[c] = [float(f"{x:.{digits}g}") if x == x else x for x in out[c]]
    return out


def _digest(data_dir: Path, name: str, sha256: Callable[[Path], str]) -> str:
    """A file's sha256; for a folder (a corpus), the sha256 of its files' relative paths and digests."""
    path = data_dir / name
    if not path.is_dir():
        return sha256(path)
    import hashlib

    lines = sorted(f"{f.relative_to(path)} {sha256(f)}" for f in path.rglob("*") if f.is_file())
    return f"{len(lines)} files, sha256 of their list {hashlib.sha256(chr(10).join(lines).encode()).hexdigest()}"
