"""Writing a panel by its file's extension, with its codebook, BibTeX and manifest beside it.

``.parquet`` is written by DuckDB straight from the query (no copy through
pandas); ``.csv`` and ``.feather`` (Arrow IPC) by pyarrow; ``.dta`` by pandas'
Stata writer with a variable label per column (Stata labels hold 80
characters). Anything else is refused before any work is done.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dyadwatch.errors import DyadwatchError

FORMATS = (".parquet", ".csv", ".dta", ".feather")


class OutputFormatError(ValueError, DyadwatchError):
    """The output file's extension names no format dyadwatch writes."""

    exit_code = 2


def check_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise OutputFormatError(
            f"{path}: dyadwatch writes panels as {', '.join(FORMATS)} (chosen by the extension); "
            f"{path.suffix or 'no extension'!r} is none of them. Fix: name the file e.g. {path.stem}.parquet."
        )
    return path


def write(expr, path: Path, labels: dict[str, str]) -> dict[str, int]:
    """Run the Ibis expression ``expr`` once into ``path``; returns non-NULL counts per column and ``_rows``."""
    path = check_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ext = path.suffix.lower()
    if ext == ".parquet":
        import pyarrow.parquet as pq

        expr.to_parquet(path)
        # Parquet's column statistics already hold the NULL counts: no second pass over the data.
        meta = pq.ParquetFile(path).metadata
        rows = meta.num_rows
        nulls = dict.fromkeys(expr.columns, 0)
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            for i in range(rg.num_columns):
                col = rg.column(i)
                nulls[col.path_in_schema] += col.statistics.null_count if col.statistics else 0
        return {"_rows": rows, **{c: rows - n for c, n in nulls.items()}}
    tbl = expr.to_pyarrow()
    if ext == ".csv":
        import pyarrow.csv as pcsv

        pcsv.write_csv(tbl, path)
    elif ext == ".feather":
        import pyarrow.feather as feather

        feather.write_feather(tbl, path)
    else:
        _write_dta(tbl.to_pandas(), path, labels)
    return {"_rows": tbl.num_rows, **{c: tbl.num_rows - tbl.column(c).null_count for c in tbl.column_names}}


def _write_dta(df: pd.DataFrame, path: Path, labels: dict[str, str]) -> None:
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("string").fillna("")  # Stata has no NULL string
        elif str(df[c].dtype) in ("Int8", "Int16", "Int32", "Int64", "Float64", "boolean"):
            df[c] = df[c].astype("float64")  # NULL becomes Stata's missing value "."
    df.to_stata(path, write_index=False, version=118, variable_labels={c: labels.get(c, c)[:80] for c in df.columns})


def write_sidecars(path: Path, codebook: pd.DataFrame, bibtex: str, manifest: dict) -> dict[str, Path]:
    """The codebook (CSV), the BibTeX of every source used and the manifest (JSON) beside ``path``."""
    stem = path.with_suffix("")
    out = {
        "codebook": Path(f"{stem}.codebook.csv"),
        "bibtex": Path(f"{stem}.bib"),
        "manifest": Path(f"{stem}.manifest.json"),
    }
    codebook.to_csv(out["codebook"], index=False)
    out["bibtex"].write_text(bibtex + "\n", "utf-8")
    out["manifest"].write_text(json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")
    return out
