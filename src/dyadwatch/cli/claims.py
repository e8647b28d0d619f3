"""`dyadwatch claims check [FILE]`: every claim of a text checked against the data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit

claims_app = typer.Typer(help="Check a text's quantitative claims against dyadwatch's data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims", rich_help_panel="Verdicts")


@claims_app.command("check")
def check(
    file: Annotated[
        Path | None,
        typer.Argument(help="A claim file (YAML). Default: the packaged claims of the Sino-Russian article."),
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="Show only claims with this status: supported, contradicted, 'not checkable'.")
    ] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Evaluate each claim: supported, contradicted or not checkable (naming the missing data).

    Prints a summary of the counts, then one row per claim with the computed value, the comparator,
    the expected value and the basis ("computed" from the data files, or "published fact" with its
    publisher). JSON gives the formula/query and sources of every claim.

    Example: `dyadwatch claims check --format json`
    """
    from dyadwatch.api import open_store
    from dyadwatch.claims import engine

    wh = open_store(db)
    try:
        rep = engine.check(file, wh=wh, db=db)
    finally:
        wh.close()
    counts = rep.counts()
    if fmt == Format.json:
        d = rep.as_dict()
        if status:
            d["claims"] = [c for c in d["claims"] if c["status"] == status]
        typer.echo(json.dumps(d, indent=1, ensure_ascii=False, default=str))
        return
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    df = rep.frame()
    if status:
        df = df[df.status == status]
    if fmt == Format.table:
        typer.echo(f"{rep.document}: {len(rep.outcomes)} claims — {summary}")
        # A terminal is narrow: one column for the claim, the basis without the publisher, a short "missing".
        df = df.assign(
            claim=df.comparator + " " + df.expected + " " + df.unit.str.slice(0, 30),
            basis=df.basis.str.replace(r" \(.*", "", regex=True),
            missing=df.missing.str.slice(0, 70),
        )[["id", "status", "value", "claim", "basis", "missing"]]
    emit(df, fmt, title="Claims", notes=[f"Summary: {summary}."] if fmt != Format.table else [])
