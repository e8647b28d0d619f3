"""Conflict metrics (militarized disputes), registered beside the others when ``metrics`` is imported."""

from __future__ import annotations

from dyadwatch.claims.base import Context, Measured, NotCheckable, dyad_of, metric, year_of
from dyadwatch.claims.model import Params

_MEASURES = ("disputes", "onset", "hostlev", "fatal")


@metric(
    "mid_dyad_year",
    "A militarized-dispute figure of the dyad in `period` (a year): measure disputes (count), onset (1 = a "
    "dispute began), hostlev (highest hostility, 1 none … 4 use of force, 5 war) or fatal; `source` gml_mid "
    "or cow_mid.",
    ("source",),
)
def mid_dyad_year(ctx: Context, p: Params) -> Measured:
    from dyadwatch import api
    from dyadwatch.errors import DyadwatchError
    from dyadwatch.indicators import conflict

    a, b = dyad_of(p)
    year = year_of(p)
    measure = p.measure or "hostlev"
    if measure not in _MEASURES:
        raise NotCheckable(f"mid_dyad_year measure {measure!r} (choose {', '.join(_MEASURES)})")
    source = p.get("source") or conflict.MID_SOURCES[0]
    try:
        df, basis = conflict.dyad_mids(ctx.wh, a, b)
        cov = api.dispute_coverage(wh=ctx.wh).data.set_index("source")
    except DyadwatchError as e:  # no data in store or pack
        raise NotCheckable(f"militarized disputes for {a}–{b} ({e})") from e
    if source not in cov.index or not (cov.loc[source].lo <= year <= cov.loc[source].hi):
        raise NotCheckable(f"{source} does not cover {year}")
    row = df[(df.source == source) & (df.year == year)]
    if row.empty:
        value = 0.0  # inside coverage, no dispute listed: none happened (hostility and fatality: none)
    else:
        v = row[measure].iloc[0]
        if v is None or v != v:
            raise NotCheckable(f"{source} does not know the {measure} of the {a}–{b} dispute in {year}")
        value = float(v)
    disp = "" if row.empty else f" (dispute {row.dispnums.iloc[0]})"
    return Measured(value, f"{source}: {measure}({a}–{b}, {year}){disp}", [source], f"computed ({basis})")
