"""UN Security Council: the UN Digital Library SC voting file and the Library's list of vetoes.

* **SC voting data** (``2025_7_21_sc_voting.csv`` …, record 4055387): one row per
  Council member per *adopted* resolution — ``undl_id, ms_code, ms_name,
  permanent_member, ms_vote, date, resolution, draft, meeting, description,
  agenda, subjects, vote_note, modality, total_yes …``; votes Y, N, A, X
  (non-voting). Failed drafts are not in it, so vetoes are not either.
* **Veto list** (the Dag Hammarskjöld Library's research guide of vetoes, as
  compiled by C. L. Yordan, world-politics-datalab): one row per vetoed draft —
  ``year, date (m/d/yyyy), month, draft, meeting_record, agenda_item,
  crisis_topic, region, member_veto1..3, … China, France, Russia, USSR, USA, UK``.

Each file is recognised by its header; give either or both. The USSR's vetoes
are Russia's (the successor rule of ``countries.py``); "China" is the China seat
(the Republic of China's until 25 October 1971).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import require_columns, sniff
from dyadwatch.sources.undl import VOTES, _iso3, _lines

META = SourceMeta(
    name="unsc",
    title="UN Security Council voting data and list of vetoes (UN Digital Library)",
    publisher="United Nations Dag Hammarskjöld Library; veto list compiled by Carlos L. Yordan",
    licence="Copyright United Nations; non-commercial use with attribution",
    citation=(
        "United Nations Dag Hammarskjöld Library, Security Council Voting Data, United Nations, downloaded from "
        "https://digitallibrary.un.org/record/4055387; Dag Hammarskjöld Library, Security Council - Quick Links: "
        "Vetoes (https://research.un.org/en/docs/sc/quick/veto), compiled by C. L. Yordan"
    ),
    url="https://digitallibrary.un.org/record/4055387",
    version="SC voting data releases 2024-2026; veto list 1946 to September 2022",
    tables=("sc_votes", "vetoes"),
    files="the SC voting CSV (e.g. 2025_7_21_sc_voting.csv) and/or the veto list CSV (unsc_vetoes_1946_sept2022.csv)",
    redistributable=False,
)

P5 = {"CHINA": "CHN", "FRANCE": "FRA", "RUSSIA": "RUS", "USSR": "RUS", "USA": "USA", "UK": "GBR"}
VETO_COLUMNS = ["date", "draft", "meeting_record", "agenda_item", "member_veto1"]
SC_COLUMNS = ["undl_id", "ms_code", "ms_vote", "date", "resolution"]


def _read(path: Path) -> pd.DataFrame:
    sniff(path, META.name, "a Security Council voting or veto CSV")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise SourceFormatError(f"{path}: cannot be read as CSV ({e}). Fix: download it again.") from e
    df.columns = [c.strip() for c in df.columns]
    df.index = pd.RangeIndex(2, len(df) + 2)
    return df


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    out: dict[str, list[pa.Table]] = {"sc_votes": [], "vetoes": []}
    for p in map(Path, paths):
        df = _read(p)
        if "member_veto1" in df.columns:
            out["vetoes"].append(vetoes_table(df, p))
        elif "ms_code" in df.columns:
            out["sc_votes"].append(sc_votes_table(df, p))
        else:
            raise SourceFormatError(
                f"{p}: neither the SC voting file (columns {SC_COLUMNS}) nor the veto list (columns "
                f"{VETO_COLUMNS}); the header has {list(df.columns)[:10]}. `dyadwatch sources` lists the files."
            )
    return {k: pa.concat_tables(v) for k, v in out.items() if v}


def sc_votes_table(df: pd.DataFrame, path: Path) -> pa.Table:
    require_columns(df, SC_COLUMNS, path, META.name)
    code = df["ms_vote"].fillna("").str.strip().str.upper()
    bad = ~code.isin(list(VOTES))
    if bad.any():
        raise SourceFormatError(
            f"{path}: column 'ms_vote' has values {sorted(code[bad].unique())[:8]} at lines {_lines(bad)}; "
            "the Library codes Y, N, A and X (non-voting)."
        )
    when = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    if when.isna().any():
        raise SourceFormatError(f"{path}: 'date' values that are not YYYY-MM-DD at lines {_lines(when.isna())}.")
    rcid = pd.to_numeric(df["undl_id"], errors="coerce")
    if rcid.isna().any():
        raise SourceFormatError(f"{path}: 'undl_id' values that are not numbers at lines {_lines(rcid.isna())}.")
    iso3 = _iso3(df, path)
    dup = pd.DataFrame({"r": rcid, "i": iso3}).duplicated(keep=False)
    if dup.any():
        raise SourceFormatError(f"{path}: a member votes twice on one resolution at lines {_lines(dup)}.")
    perm = df["permanent_member"].str.strip().str.lower().map({"true": True, "false": False}) if (
        "permanent_member" in df.columns
    ) else iso3.isin(set(P5.values()))  # fmt: skip
    out = pd.DataFrame(
        {
            "rcid": rcid.astype("int32"), "date": when.dt.date, "year": when.dt.year.astype("int16"),
            "resolution": df["resolution"], "draft": df.get("draft"), "iso3": iso3,
            "vote": code.map(VOTES).astype("int8"), "permanent": perm.astype("boolean"),
        }
    )  # fmt: skip
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)


def vetoes_table(df: pd.DataFrame, path: Path) -> pa.Table:
    require_columns(df, VETO_COLUMNS, path, META.name)
    when = pd.to_datetime(df["date"].str.strip(), format="%m/%d/%Y", errors="coerce")
    if when.isna().any():
        raise SourceFormatError(
            f"{path}: column 'date' has values that are not m/d/yyyy dates at lines {_lines(when.isna())} "
            f"(e.g. {df.loc[when.isna(), 'date'].head(3).tolist()})."
        )
    cols = [c for c in ("member_veto1", "member_veto2", "member_veto3") if c in df.columns]
    long = df[cols].stack().str.strip()
    long = long[long != ""]
    iso = long.str.upper().map(P5)
    if iso.isna().any():
        lines = sorted({i for i, _ in long.index[iso.isna()]})[:10]
        raise SourceFormatError(
            f"{path}: vetoing member(s) {sorted(long[iso.isna()].unique())} at lines {lines} are not permanent "
            "members (China, France, Russia, USSR, UK, USA)."
        )
    rows = long.index.get_level_values(0)
    novote = ~df.index.isin(rows)
    if novote.any():
        raise SourceFormatError(
            f"{path}: vetoes with no vetoing member at lines {_lines(pd.Series(novote, df.index))}."
        )
    d = df.loc[rows]
    out = pd.DataFrame(
        {
            "veto_id": pd.Series(rows, dtype="int32").to_numpy(), "date": when.loc[rows].dt.date.to_numpy(),
            "year": when.loc[rows].dt.year.astype("int16").to_numpy(), "draft": d["draft"].to_numpy(),
            "meeting": d["meeting_record"].to_numpy(), "agenda": d["agenda_item"].to_numpy(),
            "topic": d["crisis_topic"].to_numpy() if "crisis_topic" in d else None, "iso3": iso.to_numpy(),
        }
    )  # fmt: skip
    dup = out.duplicated(["veto_id", "iso3"], keep=False)
    if dup.any():
        raise SourceFormatError(
            f"{path}: a member is named twice in one veto at lines {out.veto_id[dup].tolist()[:10]}."
        )
    return pa.Table.from_pandas(out, preserve_index=False)
