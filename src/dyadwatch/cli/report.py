"""`dyadwatch report A B`: the self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, FromOpt, ToOpt, other_state


def register(app: typer.Typer) -> None:
    app.command("report", rich_help_panel="Reports")(report)


def report(
    a: Annotated[str, typer.Argument(help="First state (e.g. CHN).")],
    b: Annotated[str, typer.Argument(help="Second state (e.g. RUS).", callback=other_state)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder (or .html file) to write.")] = Path("report-out"),
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a file at --out even if it is not a dyadwatch report.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Write one self-contained HTML report on the dyad and print its path.

    The file is written through a temporary file and renamed into place; a symbolic link at the
    target, or an existing file that is not a dyadwatch report, is left alone unless --force.

    Works offline: charts are inlined, nothing loads from the network. Without ingested data it
    uses dyadwatch's embedded pack for the focus countries and says so at the top.

    Example: `dyadwatch report CHN RUS --out reports/`
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from dyadwatch.cli import _common
    from dyadwatch.report import build_report

    # progress on stderr: stdout holds only the report's path (no blank line left by the spinner)
    err = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True, console=err,
                  disable=_common.QUIET) as bar:  # fmt: skip
        task = bar.add_task("report", total=None)
        path = build_report(
            a,
            b,
            out,
            db=db,
            year_from=year_from,
            year_to=year_to,
            progress=lambda s: bar.update(task, description=f"section: {s}"),
            force=force,
        )
    typer.echo(str(path))
