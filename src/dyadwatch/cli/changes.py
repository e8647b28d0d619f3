"""`dyadwatch changes A B`: what is new for a dyad after an update (text, CSV or JSON)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit


def register(app: typer.Typer) -> None:
    app.command("changes", rich_help_panel="Monitor")(changes)


def changes(
    a: Annotated[str, typer.Argument(help="First state (name or code), e.g. CHN.")],
    b: Annotated[str, typer.Argument(help="Second state, e.g. RUS.")],
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD: data dated after this day.")] = None,
    since_ingest: Annotated[
        int | None, typer.Option("--since-ingest", help="What the ingests after this id brought (`dyadwatch ingests`).")
    ] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """What is new for the dyad: new roll calls and how the two voted, new change points in the events
    series, new trade periods and their growth, and whether the verdict changed.

    For a cron job or a newsletter: `dyadwatch update undl && dyadwatch changes CHN RUS --since-ingest 12
    --format json`.
    """
    from dyadwatch.changes import changes as compute

    when = dt.date.fromisoformat(since) if since else None
    ch = compute(a, b, since=when, since_ingest=since_ingest, db=db)
    if fmt == Format.json:
        typer.echo(json.dumps(ch.as_dict(), indent=1, ensure_ascii=False))
        return
    if fmt == Format.csv:
        emit(ch.to_frame(), fmt, notes=ch.notes)
        return
    what = f"since {since}" if since else f"since ingest {since_ingest}"
    for df, title in (
        (ch.roll_calls, f"New roll calls {what}: {ch.a} and {ch.b}"),
        (ch.change_points, "New change points (monthly net cooperation)"),
        (ch.trade, "New trade periods"),
    ):
        if df.empty:
            typer.echo(f"{title}: none.")
        else:
            emit(df, fmt, title=title)
    v = ch.verdict
    if v.get("now") is None:
        line = "Verdict: no data."
    elif v.get("before") is None:
        line = f"Verdict {v['year_now']}: {v['now']} (no earlier verdict to compare)."
    else:
        change = "changed" if v["changed"] else "unchanged"
        line = f"Verdict: {v['before']} ({v['year_before']}) → {v['now']} ({v['year_now']}): {change}."
    typer.echo(line)
    for n in ch.notes:
        typer.secho(f"note: {n}", fg="yellow", err=True)
