"""UN Digital Library voting data: the Dag Hammarskjöld Library's General Assembly vote file (CSV).

One row per member state per resolution adopted by a recorded vote, 1946 to the
latest session. Current releases name the columns ``undl_id, ms_code, ms_name,
ms_vote, date, session, resolution, meeting, title, agenda_title, subjects,
modality, draft, committee_report, total_yes, total_no, total_abstentions,
total_non_voting, total_ms, undl_link``; the 2024 release used plural or other
names (``ms_codes, ms_names, ms_votes, resolutions, agenda_titles, yes, no,
abstentions, non-voting, total-voting``). Both are read.

Votes: Y yes (1), A abstain (2), N no (3), X or NV non-voting (8, "absent").
Only adopted resolutions are in the file (no amendments, paragraph votes or
failed drafts), and it has no issue codes: the issue flags and the
importance flag are NULL (unknown), never false. ``undl_id`` (the Library's
record number) is the roll-call id. How this source is combined with Voeten's
and unvotes' roll calls: ``indicators/votes_sources.py``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import require_columns, sniff, warn
from dyadwatch.sources._votes import ISSUES, check_successor_duplicates, cow_for

META = SourceMeta(
    name="undl",
    title="United Nations General Assembly Voting Data (UN Digital Library)",
    publisher="United Nations Dag Hammarskjöld Library",
    licence="Copyright United Nations; non-commercial use with attribution (UN Digital Library terms of use)",
    citation=(
        "United Nations Dag Hammarskjöld Library, General Assembly Voting Data, United Nations, "
        "downloaded from https://digitallibrary.un.org/record/4060887"
    ),
    url="https://digitallibrary.un.org/record/4060887",
    version="GA voting data releases 2024-09-12 (plural column names) to 2026",
    tables=("roll_calls", "votes"),
    files="the GA voting CSV, e.g. 2025_9_19_ga_voting.csv (or 2024_09_12_ga_resolutions_voting.csv)",
    redistributable=False,
)

# 2024 release names → current names.
PLURAL = {
    "ms_codes": "ms_code", "ms_names": "ms_name", "ms_votes": "ms_vote", "resolutions": "resolution",
    "agenda_titles": "agenda_title", "yes": "total_yes", "no": "total_no", "abstentions": "total_abstentions",
    "non-voting": "total_non_voting", "total-voting": "total_ms",
}  # fmt: skip
REQUIRED = ["undl_id", "ms_code", "ms_vote", "date", "resolution"]
OPTIONAL = ["ms_name", "session", "title", "total_yes", "total_no", "total_abstentions"]
VOTES = {"Y": 1, "A": 2, "N": 3, "X": 8, "NV": 8}
TOTALS = {"total_yes": 1, "total_no": 3, "total_abstentions": 2}


def read_csv(path: Path, source: str = META.name) -> pd.DataFrame:
    """The needed columns as text, with the 2024 names mapped to the current ones."""
    sniff(path, source, "the UN Digital Library voting CSV")
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader([f.readline()]), [])
    header = [h.strip().lstrip("\ufeff") for h in header]
    renamed = [PLURAL.get(h, h) for h in header]
    missing = [c for c in REQUIRED if c not in renamed]
    if missing:
        raise SourceFormatError(
            f"{path}: line 1 lacks the UN Digital Library column(s) {missing} (current names) or their 2024 "
            f"names {[k for k, v in PLURAL.items() if v in missing]}; the header has {header[:12]}. "
            "Fix: give the GA voting CSV from https://digitallibrary.un.org/record/4060887 unmodified."
        )
    wanted = [h for h, r in zip(header, renamed, strict=True) if r in REQUIRED + OPTIONAL]
    try:
        tbl = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types={h: pa.string() for h in wanted}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as e:
        line = re.search(r"[Rr]ow #?(\d+)", str(e))
        where = f"line {int(line.group(1)) + 1}" if line else "a line"
        raise SourceFormatError(
            f"{path}: {where} cannot be read as CSV ({str(e).splitlines()[0]}). The file is truncated or damaged. "
            "Fix: download it again (`dyadwatch fetch undl --force`)."
        ) from e
    # Arrow-backed strings: the strip/upper/compare passes over ~900k rows run in Arrow, not per Python object.
    df = tbl.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    df.columns = [PLURAL.get(c, c) for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2)  # file line numbers (the header is line 1)
    return df


def _numeric(s: pd.Series) -> pd.Series:
    """Numbers from text, NaN where a value is not one; Arrow's cast first (fast), pandas only if it fails."""
    try:
        return s.str.strip().astype("float64[pyarrow]").astype("float64")
    except (pa.ArrowInvalid, ValueError, TypeError):
        return pd.to_numeric(s.str.strip(), errors="coerce")


def _lines(mask: pd.Series) -> list[int]:
    return mask.index[mask.to_numpy()][:10].tolist()


def symbol_key(symbol: str | None) -> str | None:
    """A resolution symbol as ``SESSION/NUMBER[LETTER]``, whatever the writing.

    ``A/RES/74/56`` and ``R/74/56`` → ``74/56``; ``A/RES/1514(XV)`` and ``R/15/1514`` → ``15/1514``;
    letters of split resolutions (``R/54/54K``, ``A/RES/54/54 K``) are kept. None if not a GA symbol.
    """
    if not isinstance(symbol, str) or not symbol.strip():
        return None
    s = symbol.upper().replace(" ", "")
    s = re.sub(r"\[.*?\]", "", s)
    m = re.fullmatch(r"(?:A/RES/|R/)(?:ES-)?(\d+)/(\d+)([A-Z]{0,2})", s)
    if m:
        return f"{int(m.group(1))}/{int(m.group(2))}{m.group(3)}"
    m = re.fullmatch(r"(?:A/RES/)?(\d+)([A-Z]{0,2})\((ES-)?([IVXLC]+)\)([A-Z]{0,2})", s)
    if m:
        return f"{_roman(m.group(4))}/{int(m.group(1))}{m.group(2) or m.group(5)}"
    return None


def _roman(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, [*s[1:], ""], strict=True):
        total += -vals[a] if b and vals[b] > vals[a] else vals[a]
    return total


def _iso3(df: pd.DataFrame, path: Path) -> pd.Series:
    """iso3 of each row: the Library's ISO3 code, else the code or the state's name resolved by countries.py."""
    known = {c.iso3 for c in countries.all_countries()}
    codes = df["ms_code"].str.strip().str.upper().astype(object)
    names = (df["ms_name"].fillna("") if "ms_name" in df else pd.Series("", index=df.index)).astype(object)
    mapping: dict[tuple[str, str], str | None] = {}
    for code, name in set(zip(codes, names, strict=True)):
        iso = code if code in known else None
        for q in (code, name) if iso is None else ():
            try:
                iso = countries.resolve(q).iso3 if q else None
            except DyadwatchError:  # unknown spelling: try the next one
                iso = None
            if iso:
                break
        mapping[(code, name)] = iso
    out = pd.Series([mapping[k] for k in zip(codes, names, strict=True)], index=df.index, dtype=object)
    bad = out.isna()
    if bad.any():
        sample = sorted({f"{c} ({n})" for c, n in zip(codes[bad], names[bad], strict=True)})
        raise SourceFormatError(
            f"{path}: column 'ms_code' has member-state codes dyadwatch does not know: {sample[:10]} "
            f"(lines {_lines(bad)}). Fix: check the file is the Library's; if the codes are right, report them "
            "so countries.py can learn them."
        )
    return out


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("undl reads one file, the GA voting CSV; give exactly one path.")
    path = Path(paths[0])
    df = read_csv(path)
    require_columns(df, REQUIRED, path, META.name)
    empty = df["undl_id"].isna() | df["ms_code"].isna()
    if empty.any():
        raise SourceFormatError(f"{path}: rows without undl_id or ms_code at lines {_lines(empty)}.")
    rcid = _numeric(df["undl_id"])
    bad = rcid.isna() | (rcid <= 0) | (rcid >= 2**31)
    if bad.any():
        raise SourceFormatError(
            f"{path}: column 'undl_id' has values that are not record numbers at lines {_lines(bad)} "
            f"(e.g. {df.loc[bad, 'undl_id'].head(3).tolist()})."
        )
    df["rcid"] = rcid.astype("int64")
    vote_code = df["ms_vote"].fillna("").str.strip().str.upper()
    unknown = ~vote_code.isin(list(VOTES))
    if unknown.any():
        raise SourceFormatError(
            f"{path}: column 'ms_vote' has values {sorted(vote_code[unknown].unique().tolist())[:8]} at lines "
            f"{_lines(unknown)}; the Library codes votes Y, N, A, and X or NV (non-voting). "
            "Fix: use the Library's file unmodified."
        )
    df["vote"] = vote_code.map(VOTES).astype("int8")
    when = pd.to_datetime(df["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    bad = when.isna()
    if bad.any():
        raise SourceFormatError(
            f"{path}: column 'date' has values that are not YYYY-MM-DD dates at lines {_lines(bad)} "
            f"(e.g. {df.loc[bad, 'date'].head(3).tolist()})."
        )
    df["when"] = when
    per_rc = df.groupby("rcid")[["when", "resolution"]].nunique(dropna=False)
    incons = per_rc[(per_rc > 1).any(axis=1)]
    if not incons.empty:
        raise SourceFormatError(
            f"{path}: undl_id {incons.index[:5].tolist()} have more than one date or resolution symbol. "
            "Fix: use the Library's file unmodified."
        )
    df["iso3"] = _iso3(df, path)
    dup = df.duplicated(["rcid", "ms_code"], keep=False)
    if dup.any():
        raise SourceFormatError(
            f"{path}: {int(dup.sum())} rows repeat a (undl_id, ms_code) pair at lines {_lines(dup)}. "
            "A state casts one vote per resolution. Fix: remove the duplicates or re-download the file."
        )
    _check_totals(df, path)

    rc = df.drop_duplicates("rcid").copy()
    session = _numeric(rc["session"]) if "session" in rc else pd.Series(np.nan, index=rc.index)
    from_symbol = rc["resolution"].map(lambda s: int(k.split("/")[0]) if (k := symbol_key(s)) else np.nan)
    rc["session"] = session.fillna(from_symbol).astype("Int16")
    roll_calls = pd.DataFrame(
        {
            "rcid": rc["rcid"].astype("int32"), "date": rc["when"].dt.date, "year": rc["when"].dt.year.astype("int16"),
            "session": rc["session"], "resolution": rc["resolution"].str.strip(),
            "important": pd.array([pd.NA] * len(rc), dtype="boolean"),
            **{f"issue_{i}": pd.array([pd.NA] * len(rc), dtype="boolean") for i in ISSUES},
            "description": rc["title"].str.strip() if "title" in rc else None,
        }
    )  # fmt: skip
    votes = df[["rcid", "iso3", "vote"]].copy()
    votes["cow"] = cow_for(votes["iso3"], df["when"].dt.year)
    check_successor_duplicates(votes, path)
    return {
        "roll_calls": pa.Table.from_pandas(roll_calls.reset_index(drop=True), preserve_index=False),
        "votes": pa.Table.from_pandas(
            votes[["rcid", "iso3", "cow", "vote"]].reset_index(drop=True), preserve_index=False
        ),
    }


def _check_totals(df: pd.DataFrame, path: Path) -> None:
    """The file's own per-resolution totals against the rows: a mismatch is reported, not fatal."""
    have = [c for c in TOTALS if c in df.columns]
    if not have:
        return
    first = df.drop_duplicates("rcid").set_index("rcid")
    counts = df.groupby("rcid")["vote"].value_counts().unstack(fill_value=0)
    off = []
    for col in have:
        stated = _numeric(first[col])
        counted = counts.get(TOTALS[col], pd.Series(0, index=counts.index)).reindex(stated.index, fill_value=0)
        diff = stated.notna() & (stated != counted)
        off += [(i, col, int(stated[i]), int(counted[i])) for i in stated.index[diff][:3]]
    if off:
        warn(
            f"{path}: for some resolutions the file's totals differ from its member-state rows, e.g. "
            + "; ".join(f"undl_id {i}: {c} {s} stated, {n} rows" for i, c, s, n in off[:3])
            + ". The rows are used."
        )
