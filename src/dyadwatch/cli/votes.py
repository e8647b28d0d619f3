"""`dyadwatch votes A B`: UN General Assembly voting agreement per year."""

from __future__ import annotations

from typing import Annotated

import typer

from dyadwatch import api
from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit


def register(app: typer.Typer) -> None:
    app.command("votes", rich_help_panel="Indicators")(votes)


def votes(
    a: Annotated[str, typer.Argument(help="First state: name, ISO2/ISO3 or COW code (e.g. CHN, China, 710).")],
    b: Annotated[str, typer.Argument(help="Second state (e.g. RUS).")],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    source: Annotated[
        str | None, typer.Option(help="Vote source: unvotes (to 2019) or voeten (to 2015). Default: unvotes if ingested.")
    ] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """UNGA voting agreement of A and B per calendar year.

    `agreement` is the share of roll calls with identical votes among those on which both cast
    yes, abstain or no (`n`). Absences and non-membership are left out. A year with no shared
    roll calls shows `n` = 0 and no data.

    Example: `dyadwatch votes CHN RUS --from 2000 --format csv`
    """
    res = api.votes(a, b, db=db, source=source, year_from=year_from, year_to=year_to)
    emit(res.data, fmt, title=f"UNGA voting agreement, {a} and {b}", notes=[*res.notes, res.basis_note()])
