"""`dyadwatch vetoes A B`: joint and opposed Security Council vetoes of a dyad."""

from __future__ import annotations

from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit


def register(app: typer.Typer) -> None:
    app.command("vetoes", rich_help_panel="Indicators")(vetoes)


def vetoes(
    a: Annotated[str, typer.Argument(help="A permanent member (name or code), e.g. CHN.")],
    b: Annotated[str, typer.Argument(help="Another state, e.g. RUS.")],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="List every vetoed draft instead of counts per year.")
    ] = False,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Security Council vetoes of A and B: per year joint vetoes and vetoes cast by one without the other,
    with their agreement on adopted resolutions when both sat on the Council.

    Needs `dyadwatch update unsc` (the UN Digital Library SC voting file and the Library's list of vetoes).
    Example: `dyadwatch vetoes CHN RUS --from 2011`
    """
    from dyadwatch import countries
    from dyadwatch.api import open_warehouse
    from dyadwatch.errors import NoDataError
    from dyadwatch.indicators import vetoes as iv

    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    wh = open_warehouse(db)
    if wh is None:
        raise NoDataError("No warehouse yet. Fix: `dyadwatch update unsc`.")
    with wh:
        fn = iv.drafts if drafts else iv.summary
        df = fn(wh, ca.iso3, cb.iso3, year_from=year_from, year_to=year_to)
    notes = [n for n in (countries.un_seat_note(c.iso3, year_from) for c in (ca, cb)) if n]
    emit(df, fmt, title=f"Security Council vetoes: {ca.name} and {cb.name}", notes=notes, dyad=(ca.iso3, cb.iso3))
