"""The ``dyadwatch`` command: a thin layer over the library.

Each module in this package defines ``register(app)``; they are found by
scanning the package, so a command group is one file. Errors raised as
DyadwatchError become one clear message on stderr and a non-zero exit.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path
from typing import Annotated

from dyadwatch import signals

if Path(sys.argv[0]).name in ("dyadwatch", "__main__.py"):
    signals.install()  # the command line: a Ctrl-C even while modules load is a clean interrupt
    if "--lake" in sys.argv:  # an ingest into a lake: the interrupt message names what is unchanged
        signals.target("lake")
    if Path(sys.argv[0]).name == "dyadwatch" or Path(sys.argv[0]).parent.name == "dyadwatch":  # not `-m pytest`
        from dyadwatch.cli import _help

        _help.print_kept(sys.argv[1:])  # `--help` drawn before by this code, for this terminal: printed, and exit

EXIT_CODES = (
    "Exit codes: 0 done; 1 an unexpected error; 2 a wrong argument (unknown country, source, measure; bad "
    "years; a missing --db file); 3 a file not in its source's format; 4 no data for the request (ingest "
    "the files the message names); 5 the warehouse is busy (another process is writing it), or a download "
    "failed; 6 the warehouse cannot be written (disk full, read-only); 130 interrupted."
)

try:
    import typer

    from dyadwatch.cli import _common

    app = typer.Typer(
        name="dyadwatch",
        help=(
            "Measure, monitor and explain the relationship between two states from public data.\n\n"
            "Start with `dyadwatch report CHN RUS` (works offline from the embedded pack), then ingest the "
            "real files (`dyadwatch sources` says which) and ask `dyadwatch votes CHN RUS`."
        ),
        epilog=EXIT_CODES,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
        rich_markup_mode="markdown",
    )

    def _version(value: bool) -> None:
        if value:
            from importlib.metadata import version

            typer.echo(f"dyadwatch {version('dyadwatch')}")
            raise typer.Exit()

    @app.callback()
    def _global(
        version: Annotated[
            bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
        ] = False,
        db: Annotated[
            Path | None,
            typer.Option("--db", help="Warehouse file for every command (as DYADWATCH_DB); also accepted after it."),
        ] = None,
        engine: Annotated[
            str | None,
            typer.Option(
                "--engine",
                envvar="DYADWATCH_ENGINE",
                help=(
                    "Where the indicators run, instead of the warehouse: duckdb:///file.duckdb, lake:///folder, "
                    "spark+parquet:///lake, sc://host:port/?lake=/lake (Spark Connect). See docs/engines.md."
                ),
            ),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Data only: no notes or warnings on stderr.")
        ] = False,
    ) -> None:
        """Options given before the command apply to it."""
        if db is not None:  # the commands' own --db reads DYADWATCH_DB, so one setting reaches all of them
            os.environ["DYADWATCH_DB"] = str(db)
        if engine:
            from dyadwatch.engines import ENV_ENGINE, parse

            if db is not None:
                raise typer.BadParameter("give --db or --engine, not both (duckdb:///FILE is the warehouse engine)")
            parse(engine)  # a mistyped URL fails here, before any command starts work
            os.environ[ENV_ENGINE] = engine  # api.open_store reads it, whichever command runs
        _common.QUIET = quiet

    for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not _info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{_info.name}").register(app)
except KeyboardInterrupt:  # Ctrl-C while the command groups load: nothing was touched yet
    os.write(2, (signals.interrupted_message() + "\n").encode())
    sys.exit(130)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; DyadwatchError becomes a message on stderr and its exit code."""
    from dyadwatch.cli import _help

    _notes_for_warnings()
    try:
        if argv is None:  # the command line: a help text drawn now is kept for the next run
            with _help.recording(sys.argv[1:]):
                _run(argv)
        else:
            _run(argv)
    except KeyboardInterrupt:  # in the few instructions between the command's end and ended()
        _interrupted()
    finally:
        # The command is over (its transaction committed or rolled back): a signal now, while the interpreter
        # closes the warehouse and frees memory, must not kill the process by signal instead of exiting cleanly.
        signals.ended()


def _run(argv: list[str] | None) -> None:
    from dyadwatch.errors import DyadwatchError

    # SIGTERM (a closed terminal, `kill`, a CI timeout) ends a command like Ctrl-C: cleanly, exit 130.
    with signals.guard(clear=False):
        try:
            app(args=argv, prog_name="dyadwatch")
        except KeyboardInterrupt:
            _interrupted()
        except SystemExit as e:
            # Typer turns a KeyboardInterrupt into a silent exit 130: say what happened.
            if signals.received() or isinstance(e.__context__, KeyboardInterrupt):
                _interrupted()
            raise
        except Exception as e:
            if signals.received():  # a library turned the interrupt into an error of its own
                _interrupted()
            if isinstance(e, DyadwatchError):
                typer.secho(f"Error: {e}", fg="red", err=True)
                sys.exit(e.exit_code)
            raise


def _notes_for_warnings() -> None:
    """dyadwatch's own warnings (an ambiguous name read as one state) as notes on stderr, without a file:line."""
    import warnings

    from dyadwatch.errors import DyadwatchWarning

    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, DyadwatchWarning):
            _common.note(f"note: {message}", fg="yellow")
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.simplefilter("default", DyadwatchWarning)


def _interrupted() -> None:
    # Straight to file descriptor 2: a progress display interrupted mid-refresh may still hold sys.stderr.
    sys.stderr.flush()
    os.write(2, (signals.interrupted_message() + "\n").encode())
    sys.exit(130)
