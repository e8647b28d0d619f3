"""A third region: each outside power's trade with the states of a region, and published facts about them.

``dyadwatch region CHN RUS --states KAZ,KGZ,TJK,TKM,UZB``: for each state, A's and B's turnover with it and
their shares of its trade, from reported or mirror flows (and COW trade to 2014), per period.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.indicators.trade import CIF_MARGIN, Period, trade

if TYPE_CHECKING:
    from dyadwatch.store import PathStore


def region(
    wh: PathStore | None, a: str, b: str, states: list[str], period: str | Period | None = None, *,
    year_from: int | None = None, year_to: int | None = None, cif_margin: float = CIF_MARGIN,
    trade_fn: Callable[..., pd.DataFrame] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """For each third state S: A's and B's turnover with S and their shares of S's trade, per period.

    Shares need S's total trade; where no total is ingested the share is NULL and the turnovers
    still show who trades more with S. ``basis_a``/``basis_b`` say reported or mirror.
    ``trade_fn`` (default :func:`trade.trade`, same signature) lets the embedded pack stand in for ``wh``.
    """
    # ``trade`` needs a store: ``wh`` is None only with a ``trade_fn`` that ignores it (``api.region`` on the pack).
    trade_fn = trade_fn or cast("Callable[..., pd.DataFrame]", trade)
    frames = []
    for s in states:
        per = {}
        for who, tag in ((a, "a"), (b, "b")):
            try:
                d = trade_fn(
                    wh, s, who, period, year_from=year_from, year_to=year_to, cif_margin=cif_margin, rank=False
                )
            except NoDataError:
                continue
            per[tag] = d.set_index("period")[["turnover", "share_of_a_trade", "basis", "source"]].rename(
                columns={"turnover": f"turnover_{tag}", "share_of_a_trade": f"share_{tag}", "basis": f"basis_{tag}",
                         "source": f"source_{tag}"}
            )  # fmt: skip
        if not per:
            continue
        df = pd.concat(per.values(), axis=1).reset_index().rename(columns={"index": "period"})
        df.insert(0, "state", s)
        frames.append(df)
    if not frames:
        where = f" in {wh.path}" if wh is not None else ""
        raise NoDataError(f"No trade of {', '.join(states)} with {a} or {b}{where}.")
    out = pd.concat(frames, ignore_index=True)
    for c in ("turnover_a", "turnover_b", "share_a", "share_b", "basis_a", "basis_b", "source_a", "source_b"):
        if c not in out.columns:
            out[c] = np.nan
    out["a_minus_b_share"] = out.share_a - out.share_b
    cols = ["state", "period", "turnover_a", "turnover_b", "share_a", "share_b", "a_minus_b_share", "basis_a",
            "basis_b", "source_a", "source_b"]  # fmt: skip
    return out[cols].sort_values(["state", "period"]).reset_index(drop=True)


def filter_facts(df: pd.DataFrame, entities: list[str], prefix: str | None = None) -> pd.DataFrame:
    """Rows of a facts frame about any of ``entities`` (optionally metrics starting with ``prefix``)."""
    df = df[df.entity_a.isin(entities) | df.entity_b.isin(entities)]
    if prefix:
        df = df[df.metric.str.startswith(prefix)]
    return df.sort_values(["metric", "period"], kind="stable").reset_index(drop=True)


def region_trend(df: pd.DataFrame) -> pd.DataFrame:
    """Per state, from the first to the last period with data: each side's turnover growth and share change.

    ``df`` is :func:`region`'s output. Shares change in percentage points; NULL where a share is missing
    at either end (never 0).
    """
    rows = []
    for state, g in df.sort_values("period").groupby("state"):
        rec = {"state": state}
        for tag in ("a", "b"):
            t = g.dropna(subset=[f"turnover_{tag}"])
            s = g.dropna(subset=[f"share_{tag}"])
            rec[f"from_{tag}"] = t.period.iloc[0] if len(t) else None
            rec[f"to_{tag}"] = t.period.iloc[-1] if len(t) else None
            first, last = (
                (t[f"turnover_{tag}"].iloc[0], t[f"turnover_{tag}"].iloc[-1]) if len(t) > 1 else (np.nan, np.nan)
            )
            rec[f"turnover_growth_{tag}"] = last / first - 1 if first else np.nan
            rec[f"share_change_{tag}_pp"] = (
                100 * (s[f"share_{tag}"].iloc[-1] - s[f"share_{tag}"].iloc[0]) if len(s) > 1 else np.nan
            )
        rows.append(rec)
    return pd.DataFrame(rows)


CURRENCY_METRICS = r"settlements|fx"


def currency_rows(f: pd.DataFrame) -> pd.DataFrame:
    """The settlement-currency and exchange-turnover share rows of a facts frame."""
    return f[f.metric.str.contains("share") & f.metric.str.contains(CURRENCY_METRICS, regex=True)].reset_index(
        drop=True
    )
