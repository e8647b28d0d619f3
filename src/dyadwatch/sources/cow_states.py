"""Correlates of War state system membership and major powers (``cow_states.rda``, ``cow_majors.rda``).

Both are spells: a state (or a major power) from a start date to an end
date; a state can have several (France leaves the system in 1942, returns in
1944). The canonical ``state_system`` table keeps them as published, with
``kind`` "member" or "major"; the dyad-year frames are built from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._conflict import frame, iso3_of, no_repeats, whole

META = SourceMeta(
    name="cow_states",
    title="Correlates of War State System Membership and Major Powers (v2016)",
    publisher="Correlates of War Project; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Correlates of War Project. 2017. State System Membership List, v2016; "
        "via Miller, Steven V. 2022. peacesciencer. Conflict Management and Peace Science 39(4)"
    ),
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    version="2016",
    tables=("state_system",),
    files="cow_states.rda and (optionally) cow_majors.rda",
    bibtex="""@misc{cowstates2016,
  author = {{Correlates of War Project}},
  title = {State System Membership List, v2016},
  year = {2017},
  url = {https://correlatesofwar.org/data-sets/state-system-membership/}
}""",
)

_COLS = ["ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday", "version"]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    parts = []
    for p in map(Path, paths):
        name = p.name.lower()
        if "major" in name:
            parts.append(_spells(frame(p, META.name, "cow_majors", _COLS), p, "major"))
        elif "state" in name:
            parts.append(_spells(frame(p, META.name, "cow_states", ["stateabb", "statenme", *_COLS]), p, "member"))
        else:
            raise SourceFormatError(
                f"{p}: cow_states reads cow_states.rda and cow_majors.rda; this name is neither. "
                "Fix: give the files under their published names."
            )
    if not any(k == "member" for k, _ in parts):
        raise SourceFormatError("cow_states needs cow_states.rda (the membership list); cow_majors.rda is optional.")
    names = dict(pd.concat([d for k, d in parts if k == "member"])[["code", "name"]].drop_duplicates("code").values)
    abbs = dict(pd.concat([d for k, d in parts if k == "member"])[["code", "stateabb"]].drop_duplicates("code").values)
    out = []
    for kind, df in parts:
        if kind == "major":
            df["name"] = df.code.map(names)
            df["stateabb"] = df.code.map(abbs)
        out.append(df)
    df = pd.concat(out, ignore_index=True)
    return {"state_system": pa.Table.from_pandas(df, preserve_index=False)}


def _date(df: pd.DataFrame, prefix: str, path: Path) -> pd.Series:
    y, m, d = (whole(df, f"{prefix}{p}", path) for p in ("year", "month", "day"))
    try:
        return pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="raise").dt.date
    except (ValueError, OverflowError) as e:
        raise SourceFormatError(f"{path}: columns {prefix}year/month/day do not form valid dates ({e}).") from e


def _spells(df: pd.DataFrame, path: Path, kind: str) -> tuple[str, pd.DataFrame]:
    code = whole(df, "ccode", path)
    start, end = _date(df, "st", path), _date(df, "end", path)
    bad = start > end
    if bad.any():
        row = int(bad.idxmax())
        raise SourceFormatError(f"{path}: row {row} ends ({end.loc[row]}) before it starts ({start.loc[row]}).")
    out = pd.DataFrame(
        {
            "system": "cow",
            "kind": kind,
            "code": code.astype("int16"),
            "iso3": iso3_of(code, path, "ccode"),
            "stateabb": df["stateabb"].astype(str) if "stateabb" in df else None,
            "name": df["statenme"].astype(str) if "statenme" in df else None,
            "start": start,
            "end": end,
            "version": whole(df, "version", path).astype(str),
        }
    )
    no_repeats(out.assign(_r=out.index), ["code", "start"], path, "a spell")
    return kind, out.reset_index(drop=True)
