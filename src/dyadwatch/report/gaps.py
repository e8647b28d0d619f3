"""Missing periods break chart lines: rows with NULL values for every period a series skips.

Vega-Lite breaks a line at a NULL value but joins the points on either side of a period that is simply absent
(South Africa's ideal points from 1974 straight to 1994, across its exclusion from the General Assembly).
Chart specs therefore pass their data through :func:`with_gaps` first: each series gets a row for every period
between its first and last, NULL where the data has none.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def with_gaps(df: pd.DataFrame, x: str, by: Sequence[str] = (), *, freq: str = "year", step: int = 1) -> pd.DataFrame:
    """``df`` with a NULL row for each missing ``x`` of each ``by`` group (years: ints; months: datetimes).

    ``freq`` is "year" (``x`` holds integers, ``step`` apart) or "month" (``x`` holds datetimes or "YYYY-MM").
    Rows whose value columns are all NULL are what breaks the line; existing rows are kept as they are.
    """
    if df.empty:
        return df
    by = list(by)
    parts = []
    groups = df.groupby(by, sort=False, dropna=False) if by else [((), df)]
    for key, g in groups:
        if freq == "month":
            xs = pd.to_datetime(g[x].astype(str).str[:7] + "-01")
            full = pd.date_range(xs.min(), xs.max(), freq="MS")
            have = set(xs)
            extra = [d for d in full if d not in have]
            g = g.assign(**{x: xs})
        else:
            xs = g[x].dropna().astype(int)
            extra = sorted(set(range(int(xs.min()), int(xs.max()) + 1, step)) - set(xs))
        if extra:
            key = key if isinstance(key, tuple) else (key,)
            fill = pd.DataFrame({x: extra, **{c: [k] * len(extra) for c, k in zip(by, key, strict=True)}})
            g = pd.concat([g, fill], ignore_index=True)
        parts.append(g.sort_values(x))
    return pd.concat(parts, ignore_index=True)


def runs(df: pd.DataFrame, x: str, y: str) -> list[tuple]:
    """The unbroken stretches of ``y`` along ``x`` (sorted), as (first x, last x): what a line chart draws."""
    out: list[tuple] = []
    start = prev = None
    for xv, yv in df.sort_values(x)[[x, y]].itertuples(index=False):
        if pd.isna(yv):
            if start is not None:
                out.append((start, prev))
            start = prev = None
        else:
            start = xv if start is None else start
            prev = xv
    if start is not None:
        out.append((start, prev))
    return out
