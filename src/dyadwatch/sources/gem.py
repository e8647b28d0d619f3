"""Global Energy Monitor gas infrastructure trackers: pipelines with capacity, status and start year.

Reads the Asia gas tracker map file (UTF-16 with a byte-order mark, as GEM
publishes it) and UTF-8 extracts in the same columns (``project, unit, type,
owner, parent, countries, status_tabular, start_year, capacity, units …``).
Only pipelines are kept. Capacities are converted to bcm/y. A ``start_year``
that is not a plausible year (the published file has truncated values such
as ``2`` or ``199``) is stored as NULL and reported with its rows, never
guessed; ``2026 (expected)`` is read as 2026. Rows are keyed by the tracker's own unit name (``project – unit``):
ingesting another file of the tracker replaces the units it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import require_columns, sniff, warn

META = SourceMeta(
    name="gem",
    title="Global Energy Monitor, Asia Gas Tracker (pipelines)",
    publisher="Global Energy Monitor",
    licence="CC BY 4.0",
    citation="Global Energy Monitor, Asia Gas Tracker (Global Gas Infrastructure Tracker), map data",
    url="https://globalenergymonitor.org/projects/asia-gas-tracker/",
    version="asia-gas-tracker-greeninfo-map @ 15c3f54",
    tables=("pipelines",),
    files="gem_asia_gas_tracker_utf16.csv (UTF-16) or a UTF-8 extract in the same columns (gem_pipelines_*.csv)",
    # The tracker identifies a pipeline unit by its project and unit name (one gem.wiki page per project, one
    # row per unit): a re-ingest updates the units it brings, whichever file held them before, so ingesting
    # GEM's subset after the full tracker (or the reverse) keeps one row per unit, never two.
    mode="update",
    key=("name",),
)

# Conversions to bcm per year (1 MMcf = 28,316.85 m3; a year of 365 days).
TO_BCM_Y = {"bcm/y": 1.0, "mmcf/d": 28_316.846_592 * 365 / 1e9, "mmscmd": 365 / 1000, "mill.sm3/day": 365 / 1000}
PIPELINE_TYPES = ("gas_pipeline", "oil_pipeline")


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    return {"pipelines": pa.concat_tables([_read(Path(p)) for p in paths])}


def read_csv_any(path: Path) -> pd.DataFrame:
    """Read GEM's CSV as UTF-16 (BOM) or UTF-8; refuse UTF-16 without a BOM with the fix."""
    head = sniff(path, META.name, "a GEM tracker CSV", records=True)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif head.count(b"\x00") > len(head) // 4:
        raise SourceFormatError(
            f"{path}: the bytes alternate with NULs: this is UTF-16 text without a byte-order mark, which "
            "cannot be read as UTF-8. Fix: convert it with `iconv -f UTF-16LE -t UTF-8 FILE > FILE.utf8.csv`."
        )
    else:
        enc = "utf-8-sig"
    try:
        return pd.read_csv(path, encoding=enc, dtype=str, keep_default_na=False, na_values=[""])
    except UnicodeDecodeError as e:
        raise SourceFormatError(
            f"{path}: not valid {enc} text at byte {e.start} ({e.reason}). GEM's tracker is UTF-16; "
            "give the file as downloaded, or convert it to UTF-8."
        ) from e
    except pd.errors.ParserError as e:
        raise SourceFormatError(f"{path}: cannot be parsed as CSV ({e}).") from e


def parse_start_year(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(years as Int16 with NULL for missing/corrupt, mask of corrupt values)."""
    s = values.astype("string").str.strip()
    year = s.str.extract(r"^(\d{4})(?:\s*\(expected\))?$", expand=False)
    y = pd.to_numeric(year, errors="coerce")
    ok = y.between(1850, 2100)
    corrupt = s.notna() & ~ok.fillna(False)
    return y.where(ok).astype("Int16"), corrupt.fillna(False)


def _read(path: Path) -> pa.Table:
    df = read_csv_any(path)
    require_columns(df, ["project", "unit", "type", "countries", "status_tabular", "start_year", "capacity", "units"],
                    path, META.name)  # fmt: skip
    line = pd.Series(np.arange(len(df)) + 2, index=df.index)
    df = df[df["type"].isin(PIPELINE_TYPES)]
    line = line[df.index]
    year, corrupt = parse_start_year(df["start_year"])
    if corrupt.any():
        bad = df[corrupt]
        examples = [
            f"line {ln} {p!r}: {v!r}" for ln, p, v in zip(line[corrupt], bad.project, bad.start_year, strict=True)
        ][:8]
        warn(
            f"{path}: {int(corrupt.sum())} pipeline rows have a corrupt start_year (not a 4-digit year), stored as "
            f"NULL: {'; '.join(examples)}{' …' if corrupt.sum() > 8 else ''}."
        )
    cap = pd.to_numeric(df["capacity"], errors="coerce")
    if (cap < 0).any():
        raise SourceFormatError(f"{path}: negative capacity at lines {line[cap < 0].head(10).tolist()}.")
    units = df["units"].str.strip().str.lower()
    factor = units.map(TO_BCM_Y)
    odd = cap.notna() & factor.isna()
    if odd.any():
        what = sorted(units[odd].dropna().unique()) or "no unit given"
        warn(
            f"{path}: capacities that cannot be converted to bcm/y ({what}) at lines {line[odd].head(10).tolist()} "
            f"({', '.join(df.project[odd].head(5))}): stored as NULL."
        )
    name = df["project"].where(df["unit"].isna(), df["project"] + " – " + df["unit"].fillna(""))
    owner = df["parent"] if "parent" in df.columns else df.get("owner")
    out = pd.DataFrame(
        {
            "name": name, "countries": df["countries"], "capacity_bcm_y": cap * factor,
            "status": df["status_tabular"], "start_year": year, "owner": owner, "file": path.name,
        }
    )  # fmt: skip
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
