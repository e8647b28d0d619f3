"""`dyadwatch vote-sources`: which UN vote source covers each year, and how the UN Digital Library file matches."""

from __future__ import annotations

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit


def register(app: typer.Typer) -> None:
    app.command("vote-sources", rich_help_panel="Data")(vote_sources)


def vote_sources(fmt: FormatOpt = Format.table, db: DbOpt = None) -> None:
    """Per year: roll calls of each ingested vote source (unvotes, voeten, undl), how many of the UN Digital
    Library's match an older source's by resolution symbol and date, and the source `votes` uses that year.

    The rules (older source up to its last year, undl after) are in docs/fetch.md.
    """
    from dyadwatch.api import open_warehouse
    from dyadwatch.errors import NoDataError
    from dyadwatch.indicators.votes_sources import coverage

    wh = open_warehouse(db)
    if wh is None:
        raise NoDataError("No warehouse yet. Fix: `dyadwatch update unvotes` and `dyadwatch update undl`.")
    with wh:
        df = coverage(wh)
    emit(df, fmt, title="UN vote sources per year")
