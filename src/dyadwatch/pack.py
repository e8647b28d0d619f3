"""The embedded default: figures dyadwatch computed from the real files, for focus countries.

On a machine with no ingested data, ``dyadwatch report CHN RUS`` (and the
votes/alliances commands for any two focus countries) read these tables.
They hold computed indicators only — never rows of the publishers' files —
and ``manifest.json`` names every input file with its sha256.
``dyadwatch pack build --data DIR`` rebuilds them; a test checks that the
committed pack equals a rebuild from the shared data.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.errors import NoDataError, SourceFormatError

if TYPE_CHECKING:
    from dyadwatch.warehouse import Warehouse

FOCUS = (
    "USA", "GBR", "FRA", "RUS", "CHN",  # P5
    "KAZ", "KGZ", "TJK", "TKM", "UZB",  # Central Asia
    "IND", "BLR", "UKR", "PRK", "JPN", "DEU", "PAK", "MNG", "KOR", "TUR", "IRN", "BRA",
)  # fmt: skip


@dataclass(frozen=True)
class PackTable:
    """A table of the pack. Indicator modules declare theirs as ``PACK_TABLES = [PackTable(...)]``."""

    name: str
    inputs: dict[str, tuple[str, ...]]  # source name -> files or folders relative to the data folder
    build: Callable  # (warehouse, focus: tuple[str, ...]) -> DataFrame
    doc: str


def pack_tables() -> list[PackTable]:
    """Every PackTable declared by an indicator module (``PACK_TABLES = [...]``), in module order."""
    import importlib
    import pkgutil

    from dyadwatch import indicators

    out: list[PackTable] = []
    for info in sorted(pkgutil.iter_modules(indicators.__path__), key=lambda i: i.name):
        mod = importlib.import_module(f"dyadwatch.indicators.{info.name}")
        out.extend(getattr(mod, "PACK_TABLES", []))
    return out


def pack_dir() -> Path:
    return Path(str(resources.files("dyadwatch.data").joinpath("pack")))


def build(
    data_dir: Path,
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    warehouse: Warehouse | None = None,
) -> Path:
    """Rebuild the pack from the publishers' files under ``data_dir`` (laid out as shared/data).

    ``warehouse``, if given, is read for the tables whose inputs it holds exactly (same sha256s; the tests'
    session warehouse), saving their ingests; the others are computed from a temporary one as usual.
    """
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse, sha256

    data_dir = Path(data_dir)
    out_dir = Path(out_dir) if out_dir else pack_dir()
    needed: dict[str, tuple[str, ...]] = {}
    for t in pack_tables():
        needed.update(t.inputs)
    for files in needed.values():
        for f in files:
            if not (data_dir / f).exists():
                raise SourceFormatError(
                    f"{data_dir / f}: missing. `dyadwatch pack build --data DIR` needs the folder laid out as "
                    "the shared data (unga/, alliances/ ...)."
                )
    manifest: dict = {"focus": list(FOCUS), "inputs": {}, "tables": {}}
    held = {
        n
        for n, fs in needed.items()
        if warehouse is not None and warehouse.holds(sources.get(n), [data_dir / f for f in fs])
    }
    scratch = [t for t in pack_tables() if not set(t.inputs) <= held]  # tables computed from a fresh ingest
    with tempfile.TemporaryDirectory() as tmp, Warehouse(Path(tmp) / "pack.duckdb") as wh:
        for name, files in needed.items():
            if progress:
                progress(f"ingesting {name}")
            src = sources.get(name)
            if any(name in t.inputs for t in scratch):
                wh.ingest(src, [data_dir / f for f in files])
            manifest["inputs"][name] = {
                "version": src.META.version,
                "citation": src.META.citation,
                "files": {f: _digest(data_dir, f, sha256) for f in files},
            }
        out_dir.mkdir(parents=True, exist_ok=True)
        for t in pack_tables():
            if progress:
                progress(f"computing {t.name}")
            df = t.build(wh if t in scratch else warehouse, FOCUS)
            df.to_csv(out_dir / f"{t.name}.csv", index=False, float_format="%.12g")
            manifest["tables"][t.name] = {"rows": len(df), "sources": sorted(t.inputs), "doc": t.doc}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
    load.cache_clear()
    manifest_data.cache_clear()
    return out_dir


def _digest(data_dir: Path, name: str, sha256: Callable[[Path], str]) -> str:
    """A file's sha256; for a folder (a corpus), the sha256 of its files' relative paths and digests."""
    path = data_dir / name
    if not path.is_dir():
        return sha256(path)
    import hashlib

    lines = sorted(f"{f.relative_to(path)} {sha256(f)}" for f in path.rglob("*") if f.is_file())
    return f"{len(lines)} files, sha256 of their list {hashlib.sha256(chr(10).join(lines).encode()).hexdigest()}"


@cache
def manifest_data() -> dict:
    path = pack_dir() / "manifest.json"
    if not path.exists():
        raise NoDataError("The embedded pack is missing from this installation; reinstall dyadwatch.")
    return json.loads(path.read_text("utf-8"))


@cache
def load(name: str) -> pd.DataFrame:
    path = pack_dir() / f"{name}.csv"
    if not path.exists():
        raise NoDataError(f"The embedded pack has no table {name!r}.")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def require_focus(*iso3: str) -> None:
    missing = [c for c in iso3 if c not in FOCUS]
    if missing:
        raise NoDataError(
            f"The embedded pack covers only the focus countries ({', '.join(FOCUS)}); not {', '.join(missing)}. "
            "Fix: ingest the real files, e.g. `dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda "
            "un_roll_call_issues.rda` and `dyadwatch ingest atop atop_alliance.rda`."
        )
