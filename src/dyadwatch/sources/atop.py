"""ATOP alliance obligations: v5 directed dyad-years (.rda) and v4 member level (.csv).

Give the .rda (as packaged by peacesciencer) for dyad-year obligations, the
member-level CSV for alliance-by-alliance records with dates; either or both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_rdata, require_columns, sniff, unknown_codes, warn, whole_numbers

META = SourceMeta(
    name="atop",
    title="Alliance Treaty Obligations and Provisions (ATOP)",
    publisher="Brett Ashley Leeds, Jeffrey Ritter, Sara Mitchell, Andrew Long",
    licence="free for research use with citation",
    citation=(
        "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
        "Alliance Treaty Obligations and Provisions, 1815-1944. International Interactions 28: 237-260"
    ),
    url="http://www.atopdata.org/",
    version="5.0 dyad-year (via peacesciencer); 4.01 member level",
    tables=("alliance_dyad_year", "alliance_members"),
    files="atop_alliance.rda (v5 dyad-years) and/or atop_v4_member_level.csv",
    bibtex="""@article{leeds2002,
  author = {Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and Long, Andrew G.},
  title = {Alliance Treaty Obligations and Provisions, 1815--1944},
  journal = {International Interactions},
  volume = {28},
  pages = {237--260},
  year = {2002}
}""",
)

_OBLIGATIONS = ["defense", "offense", "neutral", "nonagg", "consul"]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    out: dict[str, pa.Table] = {}
    for p in map(Path, paths):
        if p.suffix.lower() in (".rda", ".rdata"):
            out["alliance_dyad_year"] = _dyad_years(p)
        elif p.suffix.lower() == ".csv":
            out["alliance_members"] = _members(p)
        else:
            raise SourceFormatError(
                f"{p}: atop reads atop_alliance.rda (dyad-years) or the v4 member-level .csv, not {p.suffix!r} files."
            )
    return out


def dyad_year_table(df: pd.DataFrame, path: Path, version: str, prefix: str, obligations: list[str]) -> pa.Table:
    """Directed dyad-year rows from a peacesciencer-style frame (ccode1, ccode2, year, <prefix>_x)."""
    cols = ["ccode1", "ccode2", "year", *[f"{prefix}_{o}" for o in obligations]]
    require_columns(df, cols, path, prefix)
    bounds = {"ccode1": (1, 9999), "ccode2": (1, 9999), "year": (1700, 2100)}
    source = {"cow": "cow_alliance"}.get(prefix, prefix)
    df = whole_numbers(df, cols, path, source, bounds, ("ccode1", "ccode2", "year"), (0, 1), first=1, what="data row")
    cmap = countries.cow_to_iso3_map()
    codes = pd.unique(pd.concat([df.ccode1, df.ccode2]).astype(int))
    unknown_codes(codes.tolist(), cmap, path, "ccode1/ccode2", "COW codes")
    dup = df.duplicated(["ccode1", "ccode2", "year"])
    if dup.any():
        raise SourceFormatError(f"{path}: {int(dup.sum())} dyad-years repeat (e.g. row {int(dup.idxmax()) + 1}).")
    out = pd.DataFrame(
        {
            "version": version,
            "iso3_a": df.ccode1.astype(int).map(cmap),
            "iso3_b": df.ccode2.astype(int).map(cmap),
            "cow_a": df.ccode1.astype("int16"),
            "cow_b": df.ccode2.astype("int16"),
            "year": df.year.astype("int16"),
        }
    )
    for o in ["defense", "offense", "neutral", "nonagg", "consul", "entente"]:
        out[o] = df[f"{prefix}_{o}"].astype("Int8") if o in obligations else pd.array([pd.NA] * len(df), "Int8")
    key = ["iso3_a", "iso3_b", "year"]
    merged = out.duplicated(key, keep=False)
    if merged.any():
        # In 1990 both COW 260 (FRG, to 3 Oct) and 255 (Germany, from 3 Oct) have rows; both are DEU.
        # An obligation counts as in force that year if either code had it.
        sample = out.loc[merged, key].drop_duplicates().head(3).to_dict("records")
        warn(
            f"{path}: {int(merged.sum())} rows name the same state twice in a year under two COW codes "
            f"(successor rules, e.g. {sample}); merged, an obligation in force under either code counts."
        )
        out = (
            out.sort_values(["cow_a", "cow_b"])
            .groupby(key, as_index=False, sort=False)
            .agg(
                {
                    "version": "first",
                    "cow_a": "last",
                    "cow_b": "last",
                    **{o: "max" for o in ["defense", "offense", "neutral", "nonagg", "consul", "entente"]},
                }
            )
        )
        out = out.sort_values(key, kind="stable").reset_index(drop=True)
    return pa.Table.from_pandas(out, preserve_index=False)


def _dyad_years(path: Path) -> pa.Table:
    df = read_rdata(path, META.name, "atop_alliance")
    return dyad_year_table(df, path, "5.0", "atop", _OBLIGATIONS)


def _members(path: Path) -> pa.Table:
    sniff(path, META.name, "the ATOP v4 member-level CSV", records=True)
    try:
        df = pd.read_csv(path, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as e:
        raise SourceFormatError(f"{path}: cannot parse as the ATOP member-level CSV: {e}") from e
    need = ["atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", "bilat", *_OBLIGATIONS]
    require_columns(df, need, path, META.name)
    df = whole_numbers(df, need, path, META.name, _BOUNDS, _REQUIRED, (-9, 99))
    cmap = countries.cow_to_iso3_map()
    odd = df.index[~df.member.astype(int).isin(list(cmap))]
    if len(odd):
        # ATOP gives some non-system members codes of their own (e.g. 8152 in alliance 1320, 1874).
        warn(
            f"{path}: rows {[int(i) + 2 for i in odd[:10]]} have member codes outside the COW state system "
            f"({sorted(df.member[odd].astype(int).unique().tolist())[:10]}); kept with iso3 NULL."
        )
    start = _date(df.yrent, df.moent, df.dayent)
    end = _date(df.yrexit.where(df.yrexit > 0), df.moexit, df.dayexit)  # yrexit 0: still in force
    out = pd.DataFrame(
        {
            "atopid": df.atopid.astype("int32"),
            "iso3": df.member.astype(int).map(cmap),
            "cow": df.member.astype("int16"),
            "start": start,
            "end": end,
            **{o: df[o].astype("Int8") for o in _OBLIGATIONS},
            "bilateral": df.bilat.astype(bool),
        }
    )
    return pa.Table.from_pandas(out, preserve_index=False)


# Bounds of the codes ATOP writes: alliance ids, COW member codes, years (month/day 0 or -9: unknown).
_BOUNDS = {"atopid": (1, 99999), "member": (1, 9999), "yrent": (1700, 2100), "yrexit": (0, 2100)}
_REQUIRED = ("atopid", "member", "yrent")


def _date(y: pd.Series, m: pd.Series, d: pd.Series) -> pd.Series:
    # ATOP writes unknown month/day as 0 (or -9): take the first of the month/year.
    m = m.where(m.between(1, 12), 1)
    d = d.where(d.between(1, 31), 1)
    frame = pd.DataFrame({"year": y, "month": m, "day": d}).astype("float")
    return pd.to_datetime(frame, errors="coerce").dt.date
