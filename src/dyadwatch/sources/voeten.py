"""Voeten's raw UNGA vote file (UNVotesPublished.RData), 1946–2015.

Unlike unvotes it keeps absences (8) and non-membership (9), and codes
countries by COW number. The roll-call year is the calendar year of the date
(the file's own ``year`` column is the session year, which differs for 47k rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_rdata, require_columns, unknown_codes, warn
from dyadwatch.sources._votes import ISSUES, check_successor_duplicates, check_votes, roll_calls_table

META = SourceMeta(
    name="voeten",
    title="United Nations General Assembly Voting Data (UNVotesPublished.RData)",
    publisher="Erik Voeten, Anton Strezhnev, Michael Bailey",
    licence="CC0",
    citation=(
        "Voeten, Erik; Strezhnev, Anton; Bailey, Michael (2009). United Nations General Assembly "
        "Voting Data. Harvard Dataverse, hdl:1902.1/12379"
    ),
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    version="UNVotesPublished (votes 1946-2015)",
    tables=("roll_calls", "votes"),
    files="UNVotesPublished.RData",
    bibtex="""@misc{voeten2009,
  author = {Voeten, Erik and Strezhnev, Anton and Bailey, Michael},
  title = {United Nations General Assembly Voting Data},
  year = {2009},
  publisher = {Harvard Dataverse},
  doi = {10.7910/DVN/LEJUQZ},
  url = {https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379}
}""",
)

_COLUMNS = ["rcid", "session", "vote", "ccode", "importantvote", "date", "year", "unres", *ISSUES]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("voeten reads one file, UNVotesPublished.RData; give exactly one path.")
    path = Path(paths[0])
    df = read_rdata(path, META.name)
    require_columns(df, _COLUMNS, path, META.name)
    df = df[_COLUMNS].reset_index(drop=True)
    df.index = df.index + 1  # 1-based row numbers in messages, as R shows them
    date = pd.to_datetime(df["date"], format="%m/%d/%Y", errors="coerce")
    garbled = date.isna() & df["date"].notna()
    if garbled.any():
        rows = df.index[garbled][:5].tolist()
        raise SourceFormatError(f"{path}: column 'date' has values that are not m/d/yyyy dates (rows {rows}).")
    df["date"] = date
    undated = sorted(df.loc[date.isna(), "rcid"].unique().tolist())
    if undated:
        # The published file has one such roll call (rcid 4592, 2004): keep it, say so.
        warn(f"{path}: roll call(s) {undated} have no date; their year is taken from the file's 'year' column.")
    df["fallback_year"] = df["year"]

    cmap = countries.cow_to_iso3_map()
    unknown_codes(df["ccode"].unique().tolist(), cmap, path, "ccode", "COW codes")
    rc = df.drop_duplicates("rcid")[
        ["rcid", "session", "importantvote", "date", "fallback_year", "unres", *ISSUES]
    ].copy()
    if rc["rcid"].duplicated().any():  # pragma: no cover - drop_duplicates guarantees it
        raise SourceFormatError(f"{path}: roll calls repeat")
    per_rc = df.groupby("rcid")[["date", "session"]].nunique()
    if (per_rc > 1).any().any():
        bad = per_rc.index[(per_rc > 1).any(axis=1)][:5].tolist()
        raise SourceFormatError(f"{path}: roll calls {bad} have more than one date or session.")
    for i in ISSUES:
        rc[f"issue_{i}"] = pd.to_numeric(rc[i], errors="coerce").fillna(0).astype(int).astype(bool)
    rc["important"] = pd.to_numeric(rc["importantvote"], errors="coerce").map({1: True, 0: False})
    rc["resolution"] = rc["unres"]
    rc["description"] = None
    rc["session"] = rc["session"].astype("int16")

    votes = df[["rcid", "ccode", "vote"]].copy()
    check_votes(votes, rc, path, "ccode")
    votes["iso3"] = votes["ccode"].map(cmap)
    votes["cow"] = votes["ccode"].astype("int16")
    check_successor_duplicates(votes, path)
    vt = pa.Table.from_pandas(votes[["rcid", "iso3", "cow", "vote"]], preserve_index=False)
    return {"roll_calls": roll_calls_table(rc, path), "votes": vt}
