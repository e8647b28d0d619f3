"""`dyadwatch events A B`: cooperation and conflict between A and B in event data (GDELT/CAMEO)."""

from __future__ import annotations

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

    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    res = api.events(ca.iso3, cb.iso3, period=period.value, weight=weight.value, direction=direction.value,
                     root_only=root_only, year_from=year_from, year_to=year_to, db=db)  # fmt: skip
    df, notes = res.data, res.notes
    emit(df, fmt, title=f"Events between {ca.name} and {cb.name}", notes=notes, dyad=(ca.iso3, cb.iso3))
