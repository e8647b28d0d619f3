"""Write a result table to a file in the format its extension names (as pandas' ``to_<format>`` would).

The format is checked before any work starts (``format_of``), so a mistyped extension fails at once rather than
after minutes of computation, and a ``.csv`` file never receives Parquet bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dyadwatch.errors import ArgumentError

# extension → format name
FORMATS: dict[str, str] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".dta": "stata",
    ".feather": "feather",
    ".arrow": "feather",
}


def format_of(path: str | Path) -> str:
    """The output format of ``path`` from its extension; ArgumentError for any other extension."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ArgumentError(
            f"Cannot tell the output format of {path}: its extension {ext or '(none)'!r} is not one dyadwatch "
            f"writes. Fix: end the file name in one of {', '.join(sorted(FORMATS))} (e.g. panel.parquet)."
        )
    return FORMATS[ext]


def write(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` in the format of its extension; NULLs stay missing (empty in CSV)."""
    fmt = format_of(path)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df = df.reset_index(drop=True)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path)
    elif fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "feather":
        df.to_feather(path)
    else:  # Stata: missing values are Stata's missing; text columns stay strings
        df.to_stata(path, write_index=False, version=118)
    return path
