"""UNGA roll-call votes as packaged by the R package unvotes 0.3.0 (three .rda files).

Absences and non-membership are dropped in this release; votes are
yes/abstain/no by ISO2 code, ``RU`` standing for the USSR before 1992.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_rdata_named, require_columns, unknown_codes
from dyadwatch.sources._votes import (
    ISSUES,
    check_successor_duplicates,
    check_votes,
    cow_for,
    roll_call_dates,
    roll_calls_table,
)

META = SourceMeta(
    name="unvotes",
    title="United Nations General Assembly Voting Data (R package unvotes 0.3.0)",
    publisher="Erik Voeten, Anton Strezhnev, Michael Bailey; packaged by David Robinson and Mine Çetinkaya-Rundel",
    licence="CC0 (data); MIT (package)",
    citation=(
        "Voeten, Erik; Strezhnev, Anton; Bailey, Michael (2009). United Nations General Assembly "
        "Voting Data. Harvard Dataverse, hdl:1902.1/12379. Packaged in the R package unvotes 0.3.0"
    ),
    url="https://cran.r-project.org/package=unvotes",
    version="0.3.0 (votes 1946-2019)",
    tables=("roll_calls", "votes"),
    files="un_votes.rda, un_roll_calls.rda and un_roll_call_issues.rda, given together",
    bibtex="""@misc{unvotes,
  author = {Voeten, Erik and Strezhnev, Anton and Bailey, Michael},
  title = {United Nations General Assembly Voting Data},
  year = {2009},
  publisher = {Harvard Dataverse},
  doi = {10.7910/DVN/LEJUQZ},
  note = {Via the R package unvotes 0.3.0 (Robinson and Çetinkaya-Rundel)},
  url = {https://cran.r-project.org/package=unvotes}
}""",
)

_OBJECTS = ("un_votes", "un_roll_calls", "un_roll_call_issues")
_ISSUE_NAMES = {"me": "me", "nu": "nu", "di": "di", "hr": "hr", "co": "co", "ec": "ec"}
_VOTE = {"yes": 1, "abstain": 2, "no": 3}


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    frames: dict[str, tuple[Path, pd.DataFrame]] = {}
    for p in map(Path, paths):
        name, df = read_rdata_named(p, META.name)
        frames[name] = (p, df)
    missing = [o for o in _OBJECTS if o not in frames]
    if missing:
        raise SourceFormatError(
            f"unvotes needs three files ({', '.join(o + '.rda' for o in _OBJECTS)}); "
            f"missing {', '.join(m + '.rda' for m in missing)}. Fix: give all three in one "
            "`dyadwatch ingest unvotes FILE FILE FILE`."
        )
    vpath, votes = frames["un_votes"]
    rpath, rc = frames["un_roll_calls"]
    ipath, iss = frames["un_roll_call_issues"]
    require_columns(votes, ["rcid", "country", "country_code", "vote"], vpath, META.name)
    require_columns(rc, ["rcid", "session", "importantvote", "date", "unres", "short", "descr"], rpath, META.name)
    require_columns(iss, ["rcid", "short_name"], ipath, META.name)

    votes = votes.copy()
    votes["rcid"] = votes["rcid"].astype("int64")
    votes["vote"] = votes["vote"].astype(str).map(_VOTE)
    if votes["vote"].isna().any():
        raise SourceFormatError(f"{vpath}: column 'vote' has values other than yes/abstain/no.")
    rc = rc.copy()
    rc["rcid"] = rc["rcid"].astype("int64")
    check_votes(votes, rc, vpath, "country")

    iso2 = countries.iso2_to_iso3_map()
    by_name = votes["country_code"].isna()
    votes["iso3"] = votes["country_code"].map(iso2)
    named = votes.loc[by_name, "country"].map(lambda n: countries.resolve(n).iso3)
    votes.loc[by_name, "iso3"] = named
    unknown_codes(votes.loc[votes.iso3.isna(), "country_code"].dropna(), {}, vpath, "country_code", "ISO2 codes")

    issues = iss.assign(flag=True).pivot_table(index="rcid", columns="short_name", values="flag", aggfunc="any")
    unknown = set(issues.columns) - set(ISSUES)
    if unknown:
        raise SourceFormatError(f"{ipath}: unknown issue codes {sorted(unknown)}; expected {list(ISSUES)}.")
    issues = issues.reindex(columns=list(ISSUES)).add_prefix("issue_").reset_index()
    issues["rcid"] = issues["rcid"].astype("int64")
    rc = rc.merge(issues, on="rcid", how="left")
    rc["important"] = pd.to_numeric(rc["importantvote"], errors="coerce").map({1: True, 0: False})
    rc["resolution"] = rc["unres"]
    rc["description"] = rc["short"].fillna("").str.strip() + " — " + rc["descr"].fillna("").str.strip()
    rc["session"] = rc["session"].astype("int16")
    rct = roll_calls_table(rc, rpath)

    year = votes["rcid"].map(dict(zip(rc["rcid"], roll_call_dates(rc, rpath).dt.year, strict=True)))
    votes["cow"] = cow_for(votes["iso3"], year)
    check_successor_duplicates(votes, vpath)
    vt = pa.Table.from_pandas(votes[["rcid", "iso3", "cow", "vote"]], preserve_index=False)
    return {"roll_calls": rct, "votes": vt}
