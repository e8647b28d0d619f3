"""`dyadwatch claims check [FILE]`: every claim of a text checked against the data."""

from __future__ import annotations

import json
import re
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
    if fmt != Format.table:
        df = rep.frame()
        emit(df[df.status == status] if status else df, fmt, title="Claims", notes=[f"Summary: {summary}."])
        return
    typer.echo(f"{rep.document}: {len(rep.outcomes)} claims — {summary}")
    # A terminal is narrow: one column for the claim, the basis without the publisher, a short "missing".
    rows = [
        {"id": r["id"], "status": r["status"], "value": r["value"],
         "claim": f"{r['comparator']} {r['expected']} {r['unit'][:30]}", "basis": re.sub(r" \(.*", "", r["basis"]),
         "missing": r["missing"][:70]}
        for r in rep.rows() if not status or r["status"] == status
    ]  # fmt: skip
    if not rows:  # no claim with that status: the headers still say what would be shown
        import pandas as pd

        rows = pd.DataFrame(columns=["id", "status", "value", "claim", "basis", "missing"])
    emit(rows, fmt, title="Claims")
