"""`dyadwatch votes session`: the published Bailey–Strezhnev–Voeten agreement series (replication mode)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit, lazy

api = lazy("dyadwatch.api")
vr = lazy("dyadwatch.indicators.votes_replication")


def register(app: typer.Typer) -> None:
    from dyadwatch.cli.votes import votes_app

    votes_app.command("session")(session)


def session(
    partner: Annotated[str, typer.Argument(help="The state every other state's agreement is measured with, e.g. USA.")],
    other: Annotated[str | None, typer.Argument(help="Only this state (default: every state).")] = None,
    keep_unanimous: Annotated[
        bool, typer.Option("--keep-unanimous", help="Keep unanimous roll calls (the published series drops them).")
    ] = False,
    check: Annotated[
        Path | None, typer.Option("--check", help="Compare with the published file (QSS unvoting.csv) instead.")
    ] = None,
    source: Annotated[str, typer.Option(help="Vote source: voeten (to 2015) or unvotes (to 2019).")] = "voeten",
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Agreement with PARTNER per **session year** (session + 1945), identical votes only, unanimous roll
    calls dropped: the Bailey–Strezhnev–Voeten series as published (dyadwatch's own `votes` use calendar
    years). `--check unvoting.csv` compares every country-year of the published file and says which differ.

    Example: `dyadwatch votes session USA --check ../shared/data/unga/qss_unvoting.csv`
    """
    from dyadwatch import countries
    from dyadwatch.errors import NoDataError

    wh = api.open_warehouse(db)
    if wh is None or not wh.sources_of("votes"):
        raise NoDataError("The session-year series is computed from the roll calls. Fix: `dyadwatch ingest voeten "
                          "UNVotesPublished.RData`.")  # fmt: skip
    with wh:
        if check is not None:
            df = vr.compare_published(wh, check, source=source)
            summary = df.groupby(["partner", "status"]).size().rename("country_years").reset_index()
            emit(summary, fmt, title=f"Published series vs dyadwatch's session-year replication ({check.name})")
            if fmt == Format.table:
                bad = df[df.status != "equal"]
                per = bad.groupby(["partner", "CountryAbb", "status"])
                per = per.agg(years=("year", "size"), first=("year", "min"), last=("year", "max")).reset_index()
                emit(per, fmt, title="Not reproduced")
            return
        p = countries.resolve_input(partner).iso3
        df = vr.agreement_with(wh, p, source=source, drop_unanimous=not keep_unanimous)
    if other:
        df = df[df.iso3 == countries.resolve_input(other).iso3]
    emit(df, fmt, title=f"UNGA agreement with {p}, session years" + ("" if keep_unanimous else ", unanimous dropped"))
