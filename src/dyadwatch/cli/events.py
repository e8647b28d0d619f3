"""`dyadwatch events A B`: cooperation and conflict between A and B in event data (GDELT/CAMEO)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

countries = lazy("dyadwatch.countries")  # `--help` does not pay for the crosswalk


class Period(enum.StrEnum):
    day = "day"
    month = "month"
    quarter = "quarter"
    year = "year"


class Weight(enum.StrEnum):
    mentions = "mentions"
    articles = "articles"
    none = "none"


class Direction(enum.StrEnum):
    both = "both"
    a_to_b = "a_to_b"
    b_to_a = "b_to_a"


def register(app: typer.Typer) -> None:
    app.command("events", rich_help_panel="Indicators")(events)


def events(
    a: Annotated[str, typer.Argument(help="First state: name, ISO2/ISO3 or COW code (e.g. CHN).")],
    b: Annotated[str, typer.Argument(help="Second state (e.g. RUS).", callback=other_state)],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    period: Annotated[Period, typer.Option(help="Length of a period: one row per period.")] = Period.month,
    weight: Annotated[Weight, typer.Option(help="Weight of each event in the Goldstein and tone means.")] = (
        Weight.mentions
    ),
    direction: Annotated[Direction, typer.Option(help="both, or only A as source (a_to_b) or target.")] = (
        Direction.both
    ),
    root_only: Annotated[bool, typer.Option("--root-only", help="Only events from an article's lead.")] = False,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Events between A and B per period: count, Goldstein mean, QuadClass shares, net cooperation.

    `net_cooperation` = (Q1+Q2−Q3−Q4)/N (verbal and material cooperation minus conflict);
    `share_of_a`/`share_of_b`: the dyad's events as a share of all events involving A (B).
    Periods with event data but no dyad event show 0 events and no data for the means.
    Change points of net cooperation are listed below the table.

    Example: `dyadwatch events CHN RUS --weight articles --format csv`
    """
    from dyadwatch import api
    from dyadwatch.indicators import events as ie

    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    d0 = dt.date(year_from, 1, 1) if year_from else None
    d1 = dt.date(year_to, 12, 31) if year_to else None
    with api.open_store(db) as wh:
        df = ie.dyad_events(
            wh, ca.iso3, cb.iso3, period=period.value, weight=weight.value, direction=direction.value,
            root_only=root_only, date_from=d0, date_to=d1,
        )  # fmt: skip
        sources = wh.sources_of("events")
    cps = ie.dyad_change_points(df) if period != Period.day else []
    notes = [
        f"Source: {', '.join(sources)}; Goldstein weighted by {weight.value}.",
        f"Change points in net cooperation: {', '.join(cps) if cps else 'none detected'}.",
    ]
    emit(df, fmt, title=f"Events between {ca.name} and {cb.name}", notes=notes, dyad=(ca.iso3, cb.iso3))
