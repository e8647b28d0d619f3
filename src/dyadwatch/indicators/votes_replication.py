"""Replication mode: the Bailey–Strezhnev–Voeten agreement series, as published.

The published series (Voeten's dyadic agreement data, reproduced in the QSS
``unvoting`` file) differ from dyadwatch's calendar-year measures in three
choices, and this module makes exactly those:

* the year is the **session year** (session + 1945: session 1 is 1946), not
  the calendar year of the vote's date;
* **unanimous roll calls are dropped**: a roll call on which every state
  that voted yes/abstain/no cast the same vote says nothing about alignment;
* agreement counts **identical votes only** (yes–yes, no–no,
  abstain–abstain) among roll calls both states voted yes/abstain/no on.

Computed for all dyads at once with ``votes_panel``'s vote-matrix products.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.errors import DyadwatchError, NoDataError
from dyadwatch.indicators import votes_panel as vp

if TYPE_CHECKING:
    from pathlib import Path

    from dyadwatch.store import Store

SESSION_OFFSET = 1945


def session_frames(
    store: Store, source: str | None = None, drop_unanimous: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Votes (rcid, iso3, vote) and roll calls (rcid, year = session + 1945), unanimous ones dropped."""
    from dyadwatch.indicators.votes import pick_source

    source = pick_source(store, source)
    rc = store.table("roll_calls")
    rc = rc.filter(rc.source == source).select("rcid", "session").to_pandas()
    if rc.session.isna().all():
        raise NoDataError(f"The {source} roll calls have no session numbers; the session-year basis needs them.")
    votes = store.table("votes")
    v = votes.filter((votes.source == source) & votes.vote.isin([1, 2, 3])).select("rcid", "iso3", "vote")
    v = v.to_pyarrow().to_pandas()
    if drop_unanimous:
        kinds = v.groupby("rcid").vote.nunique()
        rc = rc[rc.rcid.isin(kinds.index[kinds > 1])]
    rc = rc.assign(year=rc.session.astype(int) + SESSION_OFFSET)[["rcid", "year"]]
    return v, rc, source


def session_panel(store: Store, *, source: str | None = None, drop_unanimous: bool = True) -> pd.DataFrame:
    """Every undirected iso3 dyad-year (session years): n shared roll calls and agreement (identical votes)."""
    v, rc, source = session_frames(store, source, drop_unanimous)
    return vp.panel_from_frames(v, rc, ["agreement"])


def agreement_with(
    store: Store, partner: str, *, source: str | None = None, drop_unanimous: bool = True
) -> pd.DataFrame:
    """Per state and session year: agreement with ``partner`` (the QSS ``PctAgreeUS`` layout: iso3, year)."""
    p = session_panel(store, source=source, drop_unanimous=drop_unanimous)
    a = p[p.iso3_a == partner].rename(columns={"iso3_b": "iso3"})
    b = p[p.iso3_b == partner].rename(columns={"iso3_a": "iso3"})
    out = pd.concat([a[["iso3", "year", "n", "agreement"]], b[["iso3", "year", "n", "agreement"]]])
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


QSS_COLUMNS = ["Year", "CountryAbb", "CountryName", "PctAgreeUS", "PctAgreeRUSSIA"]
TOLERANCE = 1e-6  # the published file rounds to 7 significant digits


def read_published(path: str | Path) -> pd.DataFrame:
    """The QSS ``unvoting`` CSV (Year, CountryAbb, CountryName, idealpoint, PctAgreeUS, PctAgreeRUSSIA) with iso3."""
    from pathlib import Path

    from dyadwatch import countries
    from dyadwatch.errors import SourceFormatError
    from dyadwatch.sources._files import require_columns, sniff

    path = Path(path)
    sniff(path, "voeten", "the QSS unvoting CSV")
    df = pd.read_csv(path)
    require_columns(df, QSS_COLUMNS, path, "qss_unvoting")
    abb = {r["cow_abb"]: r["iso3"] for r in countries._cow_rows()}
    iso = df.CountryAbb.map(abb)
    for i in df.index[iso.isna()]:  # a few abbreviations are QSS's own (SSUD): fall back on the name
        try:
            iso[i] = countries.resolve(df.CountryName[i]).iso3
        except DyadwatchError:
            raise SourceFormatError(
                f"{path}: line {i + 2}: country {df.CountryAbb[i]!r} ({df.CountryName[i]!r}) is neither a COW "
                "abbreviation nor a name dyadwatch knows."
            ) from None
    return df.assign(iso3=iso)


def compare_published(store: Store, path: str | Path, *, source: str = "voeten") -> pd.DataFrame:
    """Per country-year of the published file: its agreement with the USA and Russia beside the computed one.

    ``status`` is ``equal`` (within TOLERANCE), ``differs`` or ``not computed`` (the state cast no vote
    in that session in the vote data, or shares none with the partner)."""
    pub = read_published(path)
    out = []
    for partner, col in (("USA", "PctAgreeUS"), ("RUS", "PctAgreeRUSSIA")):
        mine = agreement_with(store, partner, source=source).rename(columns={"agreement": "computed"})
        m = pub[["Year", "CountryAbb", "iso3", col]].rename(columns={"Year": "year", col: "published"})
        m = m.merge(mine, on=["iso3", "year"], how="left").assign(partner=partner)
        m.loc[m.iso3 == partner, "computed"] = 1.0  # a state agrees with itself; the file says 1
        out.append(m)
    df = pd.concat(out, ignore_index=True)
    df["diff"] = (df.computed - df.published).abs()
    df["status"] = "differs"
    df.loc[df["diff"] <= TOLERANCE, "status"] = "equal"
    df.loc[df.computed.isna() | df.published.isna(), "status"] = "not computed"
    return df[["partner", "year", "CountryAbb", "iso3", "published", "computed", "n", "diff", "status"]]
