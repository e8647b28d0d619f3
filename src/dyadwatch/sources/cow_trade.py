"""Correlates of War bilateral trade v4 (as packaged by peacesciencer).

Two files, either or both:

* ``cow_trade_ndy.rda`` — non-directed dyad-years 1870–2014: ``flow1`` is the
  imports of ``ccode1`` from ``ccode2``, ``flow2`` the imports of ``ccode2``
  from ``ccode1`` (million current USD), plus the smoothed variants;
* ``cow_trade_sy.rda`` — state-year total imports and exports (million USD).

COW's raw files write missing as -9; peacesciencer turns those into NA. A
file that still holds -9 gets them turned into NULL with a warning naming the
rows; any other negative value is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_rdata, require_columns, unknown_codes, warn

META = SourceMeta(
    name="cow_trade",
    title="Correlates of War Trade v4.0 (dyadic and national trade)",
    publisher="Correlates of War Project (Katherine Barbieri, Omar Keshk)",
    licence="free with citation",
    citation=(
        "Barbieri, Katherine, Omar M. G. Keshk, and Brian Pollins. 2009. Trading Data: Evaluating our "
        "Assumptions and Coding Rules. Conflict Management and Peace Science 26(5): 471-491. "
        "Correlates of War Trade v4.0"
    ),
    url="https://correlatesofwar.org/data-sets/bilateral-trade/",
    version="4.0 (via peacesciencer)",
    tables=("trade_dyad_year", "trade_state_year"),
    files="cow_trade_ndy.rda (dyad-years) and/or cow_trade_sy.rda (state totals)",
    bibtex="""@article{barbieri2009,
  author = {Barbieri, Katherine and Keshk, Omar M. G. and Pollins, Brian},
  title = {Trading Data: Evaluating our Assumptions and Coding Rules},
  journal = {Conflict Management and Peace Science},
  volume = {26},
  number = {5},
  pages = {471--491},
  year = {2009}
}""",
)

_DYAD_FLOWS = ["flow1", "flow2", "smoothflow1", "smoothflow2"]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    out: dict[str, pa.Table] = {}
    for p in map(Path, paths):
        if p.suffix.lower() not in (".rda", ".rdata"):
            raise SourceFormatError(
                f"{p}: cow_trade reads the peacesciencer files cow_trade_ndy.rda and cow_trade_sy.rda, "
                f"not {p.suffix!r} files."
            )
        df = read_rdata(p, META.name)
        if "ccode1" in df.columns:
            out["trade_dyad_year"] = dyad_years(df, p)
        elif "ccode" in df.columns:
            out["trade_state_year"] = state_years(df, p)
        else:
            raise SourceFormatError(
                f"{p}: neither a COW trade dyad-year frame (ccode1, ccode2, year, flow1, flow2) nor a "
                f"state-year frame (ccode, year, imports, exports); columns are {list(df.columns)[:12]}."
            )
    return out


def _clean_values(df: pd.DataFrame, cols: list[str], path: Path) -> pd.DataFrame:
    """-9 (COW's missing code) → NULL with a warning; other negatives → error naming rows."""
    df = df.copy()
    for c in cols:
        v = df[c].astype("float64")
        neg = v < 0
        if not neg.any():
            df[c] = v
            continue
        missing_code = v == -9
        bad = neg & ~missing_code
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy())[:10] + 1).tolist()
            raise SourceFormatError(
                f"{path}: column {c!r} has {int(bad.sum())} negative trade value(s) other than COW's missing "
                f"code -9, at data rows {rows}. Trade values cannot be negative. Fix: re-download the file."
            )
        rows = (np.flatnonzero(missing_code.to_numpy())[:10] + 1).tolist()
        warn(
            f"{path}: column {c!r}: {int(missing_code.sum())} value(s) of -9 (COW's missing code), e.g. data rows "
            f"{rows}, read as no data (NULL)."
        )
        df[c] = v.where(~missing_code)
    return df


def dyad_years(df: pd.DataFrame, path: Path) -> pa.Table:
    require_columns(df, ["ccode1", "ccode2", "year", *_DYAD_FLOWS], path, META.name)
    cmap = countries.cow_to_iso3_map()
    codes = pd.unique(pd.concat([df.ccode1, df.ccode2]).dropna().astype(int))
    unknown_codes(codes.tolist(), cmap, path, "ccode1/ccode2", "COW codes")
    key = df[["ccode1", "ccode2"]].min(axis=1).astype(str) + "-" + df[["ccode1", "ccode2"]].max(axis=1).astype(str)
    dup = pd.Series(key + "-" + df.year.astype(str)).duplicated(keep=False)
    if dup.any():
        rows = (np.flatnonzero(dup.to_numpy())[:10] + 1).tolist()
        raise SourceFormatError(
            f"{path}: {int(dup.sum())} rows repeat a dyad-year (in either order), e.g. data rows {rows}. "
            "Fix: each undirected dyad-year must appear once; re-download the file."
        )
    df = _clean_values(df, _DYAD_FLOWS, path)
    c1, c2 = df.ccode1.astype(int), df.ccode2.astype(int)
    out = pd.DataFrame(
        {
            "iso3_a": c1.map(cmap),
            "iso3_b": c2.map(cmap),
            "cow_a": c1.astype("int16"),
            "cow_b": c2.astype("int16"),
            "year": df.year.astype("int16"),
            **{c: df[c] for c in _DYAD_FLOWS},
        }
    )
    return pa.Table.from_pandas(out, preserve_index=False)


def state_years(df: pd.DataFrame, path: Path) -> pa.Table:
    require_columns(df, ["ccode", "year", "imports", "exports"], path, META.name)
    cmap = countries.cow_to_iso3_map()
    unknown_codes(pd.unique(df.ccode.dropna().astype(int)).tolist(), cmap, path, "ccode", "COW codes")
    dup = df.duplicated(["ccode", "year"], keep=False)
    if dup.any():
        rows = (np.flatnonzero(dup.to_numpy())[:10] + 1).tolist()
        raise SourceFormatError(f"{path}: {int(dup.sum())} rows repeat a state-year, e.g. data rows {rows}.")
    df = _clean_values(df, ["imports", "exports"], path)
    c = df.ccode.astype(int)
    out = pd.DataFrame(
        {
            "iso3": c.map(cmap),
            "cow": c.astype("int16"),
            "year": df.year.astype("int16"),
            "imports": df.imports,
            "exports": df.exports,
        }
    )
    return pa.Table.from_pandas(out, preserve_index=False)
