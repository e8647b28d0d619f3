"""The ``dyadwatch`` command: a thin layer over the library.

Each module in this package defines ``register(app)``; they are found by
scanning the package, so a command group is one file. Errors raised as
DyadwatchError become one clear message on stderr and a non-zero exit.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

app = typer.Typer(
    name="dyadwatch",
    help=(
        "Measure, monitor and explain the relationship between two states from public data.\n\n"
        "Start with `dyadwatch report CHN RUS` (works offline from the embedded pack), then ingest the "
        "real files (`dyadwatch sources` says which) and ask `dyadwatch votes CHN RUS`."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",
)

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}").register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; DyadwatchError becomes a message on stderr and its exit code."""
    from dyadwatch.errors import DyadwatchError

    try:
        app(args=argv, prog_name="dyadwatch")
    except DyadwatchError as e:
        typer.secho(f"Error: {e}", fg="red", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        typer.secho("Interrupted; the warehouse is unchanged.", err=True)
        sys.exit(130)
