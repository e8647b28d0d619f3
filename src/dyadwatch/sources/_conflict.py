"""Shared checks of the peace-science files (peacesciencer's .rda frames of COW, GML, Thompson–Dreyer...).

They all key rows by COW state codes (``ccode``, ``ccode1``/``ccode2``) and
write "unknown" as -9; dyadwatch keeps the codes, adds iso3 by the successor
rules of ``countries.py`` and turns -9 into NULL (missing is not zero).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources._files import read_rdata, require_columns, warn


def frame(path: Path, source: str, obj: str, columns: list[str]) -> pd.DataFrame:
    """The R data frame ``obj`` of ``path``, with ``columns`` present and 1-based row numbers."""
    df = read_rdata(path, source, obj)
    require_columns(df, columns, path, source)
    df = df.reset_index(drop=True)
    df.index = df.index + 1  # rows as R numbers them, for messages
    return df


def whole(df: pd.DataFrame, col: str, path: Path, *, nullable: bool = False, fix: str = "") -> pd.Series:
    """Column ``col`` as integers (Int64); a fractional value (or a NULL unless ``nullable``) is an error."""
    s = pd.to_numeric(df[col], errors="coerce")
    bad = s.notna() & (s % 1 != 0)
    if not nullable:
        bad |= s.isna()
    if bad.any():
        row = int(bad.idxmax())
        raise SourceFormatError(
            f"{path}: row {row}, column {col!r} must hold a whole number, not {df[col].loc[row]!r}. "
            f"Fix: {fix or 'use the publisher file unchanged (check its sha256)'}."
        )
    return s.astype("Int64")


def code_flag(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    """A small coded column (flags, levels, action codes) as Int8 with the file's -9 ("unknown") as NULL."""
    s = whole(df, col, path, nullable=True)
    return s.mask(s == -9).astype("Int8")


def iso3_of(codes: pd.Series, path: Path, column: str, *, strict: bool = True) -> pd.Series:
    """iso3 per COW code; unknown codes fail (``strict``) or become NULL with a data warning."""
    cmap = countries.cow_to_iso3_map()
    ints = codes.astype("Int64")
    unknown = sorted({int(c) for c in ints.dropna().unique() if int(c) not in cmap})
    if unknown and strict:
        raise SourceFormatError(
            f"{path}: column {column!r} has COW codes dyadwatch does not know: {unknown[:10]}. Fix: check the "
            "file is the publisher's; if the codes are right, report them so countries.py can learn them."
        )
    if unknown:
        warn(
            f"{path}: COW code(s) {unknown} in {column!r} are entities outside the COW state list "
            "(pre-1816 or non-system states); their rows keep the code with no iso3."
        )
    return ints.map(lambda c: cmap.get(int(c)) if pd.notna(c) else None).astype(object)


def no_repeats(df: pd.DataFrame, keys: list[str], path: Path, what: str) -> None:
    dup = df.duplicated(keys)
    if dup.any():
        row = int(dup.idxmax())
        vals = ", ".join(f"{k} {df[k].loc[row]}" for k in keys)
        raise SourceFormatError(
            f"{path}: row {row} repeats {what} ({vals}); the file has one row each. "
            "Fix: use the publisher's file unchanged."
        )


def years(df: pd.DataFrame, col: str, path: Path, lo: int, hi: int) -> pd.Series:
    s = whole(df, col, path)
    bad = ~s.between(lo, hi)
    if bad.any():
        row = int(bad.idxmax())
        raise SourceFormatError(
            f"{path}: row {row}, column {col!r} = {s.loc[row]} is outside {lo}–{hi}, the years this source "
            "can hold. Fix: use the publisher's file unchanged."
        )
    return s.astype("int16")


def int16(s: pd.Series) -> np.ndarray:
    return s.astype("int16").to_numpy()
