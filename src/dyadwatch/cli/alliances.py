"""`dyadwatch alliances A B`: formal alliance obligations per year (ATOP or COW)."""

from __future__ import annotations

from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

api = lazy("dyadwatch.api")


def register(app: typer.Typer) -> None:
    app.command("alliances", rich_help_panel="Indicators")(alliances)


def alliances(
    a: Annotated[str, typer.Argument(help="First state (name, ISO2/ISO3 or COW code).")],
    b: Annotated[str, typer.Argument(help="Second state.", callback=other_state)],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    source: Annotated[str | None, typer.Option(help="atop (default, 1815-2018) or cow_alliance (1816-2012).")] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Alliance obligations of A towards B per year: 1 in force, 0 not, no data outside coverage.

    ATOP codes defense, offense, neutral(ity), nonagg(ression) and consul(tation) pacts; COW codes
    defense, neutral, nonagg and entente. An *alliance* in the strict sense is a defense or
    offense obligation; consultation and non-aggression pacts are looser *alignment*.

    Example: `dyadwatch alliances CHN RUS --from 1945 --format csv`
    """
    res = api.alliances(a, b, db=db, source=source, year_from=year_from, year_to=year_to)
    df = res.data.drop(columns=["source"])
    from dyadwatch import countries

    dyad = (countries.resolve_input(a).iso3, countries.resolve_input(b).iso3)
    title = f"Alliance obligations, {a} towards {b} ({res.sources[0]})"
    emit(df, fmt, title=title, notes=[res.basis_note()], dyad=dyad)
