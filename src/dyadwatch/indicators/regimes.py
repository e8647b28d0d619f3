"""Political systems: state-year regime scores and how far apart two regimes are.

Three published scales, kept side by side because they disagree at the margins:
V-Dem's electoral-democracy index ``polyarchy`` (0..1), Polity5's ``polity2``
(-10..10; Polity calls 6 and above a democracy, -6 and below an autocracy)
and Marquez's extended Unified Democracy Scores ``uds`` (latent, world mean 0).
Regime similarity is one line of evidence in ``assess``, never the verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.store import in_years, kept

if TYPE_CHECKING:
    from dyadwatch.store import PathStore

MEASURES = ("polyarchy", "polity2", "uds")
LABELS = {"polyarchy": "V-Dem polyarchy (0–1)", "polity2": "Polity2 (−10…10)", "uds": "Marquez UDS (latent)"}
# Polity's own cut-offs (Marshall & Gurr, Polity5 manual): >= 6 democracy, <= -6 autocracy.
POLITY_DEMOCRACY = 6
POLITY_AUTOCRACY = -6
# V-Dem's Regimes of the World put electoral democracies at polyarchy > 0.5 (Lührmann et al. 2018).
POLYARCHY_DEMOCRACY = 0.5


@kept
def scores(wh: PathStore, states: list[str], year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
    """Regime scores per state-year (iso3, year, polyarchy, polity2, uds); NULL where the scale has no value."""
    if not wh.has("regimes"):
        raise NoDataError(f"No regime scores in {wh.path}. Fix: `dyadwatch ingest democracy ccode_democracy.rda`.")
    t = wh.table("regimes")
    t = t.filter(t.iso3.isin(list(states)))
    if year_from is not None:
        t = t.filter(t.year >= year_from)
    if year_to is not None:
        t = t.filter(t.year <= year_to)
    df = t.select("iso3", "year", *MEASURES).order_by(["iso3", "year"]).to_pandas()
    df["year"] = df["year"].astype(int)
    return df.reset_index(drop=True)


def scores_derived(
    wh: PathStore, states: list[str], year_from: int | None = None, year_to: int | None = None
) -> pd.DataFrame:
    """:func:`scores` from the derived ``regime_scores`` table (the focus states)."""
    df = wh.derived("regime_scores", states)
    df = in_years(df, year_from, year_to)
    return df[["iso3", "year", *MEASURES]].reset_index(drop=True)


def dyad(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Per year: both sides' scores and the absolute gap on each scale (NULL if either side lacks it)."""
    cols = ["year", *MEASURES]
    out = df.loc[df.iso3 == a, cols].merge(df.loc[df.iso3 == b, cols], on="year", how="outer", suffixes=("_a", "_b"),
                                          sort=True)  # fmt: skip
    for m in MEASURES:
        out[f"{m}_gap"] = (out[f"{m}_a"] - out[f"{m}_b"]).abs()
    return out


def latest(df: pd.DataFrame, iso3: str, measure: str) -> tuple[int, float] | None:
    """The last year with a value on ``measure`` for ``iso3`` and that value."""
    s = df[(df.iso3 == iso3) & df[measure].notna()].sort_values("year")
    if s.empty:
        return None
    return int(s.year.iloc[-1]), float(s[measure].iloc[-1])


def regime_type(polity2: float | None) -> str:
    """Polity's three-way reading of a polity2 score."""
    if polity2 is None or pd.isna(polity2):
        return "no data"
    if polity2 >= POLITY_DEMOCRACY:
        return "democracy"
    if polity2 <= POLITY_AUTOCRACY:
        return "autocracy"
    return "anocracy"


def democratic_since(
    df: pd.DataFrame, iso3: str, measure: str = "polity2", threshold: float | None = None
) -> int | None:
    """First year of the spell of consecutive years at or above ``threshold`` that runs to the last scored year."""
    threshold = (
        threshold if threshold is not None else (POLITY_DEMOCRACY if measure == "polity2" else POLYARCHY_DEMOCRACY)
    )
    s = df[(df.iso3 == iso3) & df[measure].notna()].sort_values("year")
    if s.empty or s[measure].iloc[-1] < threshold:
        return None
    years = s.year.tolist()
    ok = (s[measure] >= threshold).tolist()
    start = years[-1]
    for i in range(len(years) - 1, -1, -1):
        if not ok[i] or (i < len(years) - 1 and years[i + 1] - years[i] != 1):
            break
        start = years[i]
    return int(start)


def build_pack(wh: PathStore, focus: Sequence[str]) -> pd.DataFrame:
    df = scores(wh, list(focus), year_from=1946)
    return df.astype({"year": int})
