"""`dyadwatch arms A B`: SIPRI arms transfers from A (supplier) to B (recipient)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

countries = lazy("dyadwatch.countries")  # `--help` does not pay for the crosswalk


class View(enum.StrEnum):
    year = "year"
    category = "category"
    systems = "systems"


def register(app: typer.Typer) -> None:
    app.command("arms", rich_help_panel="Indicators")(arms)


def arms(
    a: Annotated[str, typer.Argument(help="Supplier state: name, ISO2/ISO3 or COW code (e.g. RUS).")],
    b: Annotated[str, typer.Argument(help="Recipient state (e.g. CHN).", callback=other_state)],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    by: Annotated[
        View,
        typer.Option(
            "--by",
            help="year: one row per delivery year; category: per year and weapon category; "
            "systems: the top weapon systems.",
        ),
    ] = View.year,
    top: Annotated[int, typer.Option(help="How many systems with --by systems.")] = 10,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Arms delivered from A to B in SIPRI trend-indicator values (TIV, millions).

    With `--by year` (default) one row per delivery year: `tiv` delivered, `deals`, `units`,
    A's total exports and B's total imports, and the shares (B's share of A's exports, A's
    share of B's imports). Years inside the register without deliveries show 0.

    Example: `dyadwatch arms RUS CHN --format csv`
    """
    from dyadwatch import api

    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    res = api.arms(ca.iso3, cb.iso3, by=by.value, top=top, year_from=year_from, year_to=year_to, db=db)
    title = f"Arms transfers {ca.name} → {cb.name} (SIPRI TIV, millions)"
    emit(res.data, fmt, title=title, notes=res.notes, dyad=(ca.iso3, cb.iso3))
