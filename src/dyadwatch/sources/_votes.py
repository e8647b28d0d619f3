"""Helpers shared by the UN vote sources (unvotes, voeten)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError

VOTE_CODES = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "not a member"}
ISSUES = ("me", "nu", "di", "hr", "co", "ec")


def cow_for(iso3: pd.Series, year: pd.Series) -> np.ndarray:
    """COW code of each (iso3, year): DEU is 260 until 1990 and 255 after."""
    pairs = pd.DataFrame({"iso3": iso3.to_numpy(), "year": year.to_numpy()})
    uniq = pairs.drop_duplicates().copy()
    uniq["cow"] = [countries.to_cow(i, int(y)) for i, y in zip(uniq.iso3, uniq.year, strict=True)]
    return pairs.merge(uniq, on=["iso3", "year"], how="left")["cow"].to_numpy()


def check_votes(votes: pd.DataFrame, roll_calls: pd.DataFrame, path: Path, country_col: str) -> None:
    """Duplicate (roll call, country) rows, unknown vote codes, votes with no roll call: errors."""
    bad = ~votes["vote"].isin(list(VOTE_CODES))
    if bad.any():
        rows = votes.index[bad][:5].tolist()
        raise SourceFormatError(
            f"{path}: column 'vote' has codes {sorted(votes.loc[bad, 'vote'].unique().tolist())[:10]} "
            f"outside 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member (rows {rows}…). "
            "Fix: use the publisher's file unmodified."
        )
    dup = votes.duplicated(["rcid", country_col], keep=False)
    if dup.any():
        sample = votes.loc[dup, ["rcid", country_col]].head(4).to_dict("records")
        raise SourceFormatError(
            f"{path}: {int(dup.sum())} rows repeat a (roll call, country) pair, e.g. {sample}. "
            "A state casts one vote per roll call. Fix: remove the duplicates or re-download the file."
        )
    orphan = ~votes["rcid"].isin(roll_calls["rcid"])
    if orphan.any():
        ids = sorted(votes.loc[orphan, "rcid"].unique().tolist())[:10]
        raise SourceFormatError(
            f"{path}: {int(orphan.sum())} votes belong to roll calls that are not in the roll-call table "
            f"(rcid {ids}). Fix: give the matching roll-call file of the same release."
        )


def roll_call_dates(rc: pd.DataFrame, path: Path) -> pd.Series:
    """The roll calls' dates; SourceFormatError naming the roll calls whose date is not one (a damaged file)."""
    when = pd.to_datetime(rc["date"], errors="coerce", format="ISO8601")
    bad = rc["date"].notna() & when.isna()
    if bad.any():
        ids, seen = rc.loc[bad, "rcid"].tolist()[:5], rc.loc[bad, "date"].astype(str).tolist()[:3]
        raise SourceFormatError(
            f"{path}: roll call(s) {ids} have dates that are not dates ({seen}). The file is damaged or was "
            "edited. Fix: download it again from the publisher."
        )
    return when


def roll_calls_table(rc: pd.DataFrame, path: Path) -> pa.Table:
    rc = rc.copy()
    when = roll_call_dates(rc, path)
    rc["date"] = when.dt.date
    year = when.dt.year
    if "fallback_year" in rc:
        year = year.fillna(rc["fallback_year"])
    rc["year"] = year.astype("int16")
    for i in ISSUES:
        rc[f"issue_{i}"] = rc[f"issue_{i}"].astype("boolean").fillna(False).astype(bool)
    rc["important"] = rc["important"].astype("boolean")
    cols = (
        ["rcid", "date", "year", "session", "resolution", "important"]
        + [f"issue_{i}" for i in ISSUES]
        + ["description"]
    )
    return pa.Table.from_pandas(rc[cols], preserve_index=False)


def check_successor_duplicates(votes: pd.DataFrame, path: Path) -> None:
    """After successor rules, one state still casts one vote per roll call."""
    dup = votes.duplicated(["rcid", "iso3"], keep=False)
    if dup.any():
        sample = votes.loc[dup, ["rcid", "iso3"]].head(4).to_dict("records")
        raise SourceFormatError(
            f"{path}: two codes map to one state on the same roll call, e.g. {sample}; the successor rules in "
            "countries.py do not fit this file. Fix: report it with the file's name and version."
        )
