"""`dyadwatch votes`: UN General Assembly voting similarity, all dyads, neighbours, matrix, ideal points.

`dyadwatch votes A B ...` is shorthand for `dyadwatch votes dyad A B ...`: the group falls back to its
default command when the first word is not a sub-command name, so both the positional dyad form and
the sub-commands (`votes neighbours CHN`) work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

api = lazy("dyadwatch.api")

DEFAULT_COMMAND = "dyad"


class DefaultCommandGroup(TyperGroup):
    """A group whose first argument may be a sub-command or the first argument of its default command."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


votes_app = typer.Typer(
    cls=DefaultCommandGroup,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    help=(
        "UN General Assembly voting similarity.\n\n"
        "`dyadwatch votes CHN RUS [--measure all]` (same as `votes dyad CHN RUS`), "
        "`dyadwatch votes --all-dyads --out panel.parquet`, `dyadwatch votes neighbours CHN --year 2019`, "
        "`dyadwatch votes matrix --year 2019`, `dyadwatch votes idealpoints --format csv`."
    ),
)

SourceOpt = Annotated[
    str | None,
    typer.Option(help="Vote source: unvotes (to 2019) or voeten (to 2015). Default: unvotes if ingested."),
]
MeasureOpt = Annotated[
    str,
    typer.Option(
        "--measure",
        "-m",
        help="agreement, agreement_half, s_abs, s_sq, pi, kappa, pi_sq, kappa_sq, a comma-separated list, or all.",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(votes_app, name="votes", rich_help_panel="Indicators")


@votes_app.command(DEFAULT_COMMAND)
def dyad(
    a: Annotated[str | None, typer.Argument(help="First state: name, ISO2/ISO3 or COW code (e.g. CHN).")] = None,
    b: Annotated[str | None, typer.Argument(help="Second state (e.g. RUS).", callback=other_state)] = None,
    measure: MeasureOpt = "agreement",
    issue: Annotated[str | None, typer.Option(help="Issue area only: me, nu, di, hr (human rights), co, ec.")] = None,
    important: Annotated[bool, typer.Option("--important", help="US State Department 'important' votes only.")] = False,
    match: Annotated[str | None, typer.Option(help="Roll calls whose description contains TEXT (unvotes).")] = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    ci: Annotated[float | None, typer.Option(help="Bootstrap interval over roll calls, e.g. 0.95.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap (same seed, same interval).")] = 0,
    percentile: Annotated[
        bool, typer.Option("--percentile", help="Add the dyad's percentile among all dyads each year.")
    ] = False,
    all_dyads: Annotated[
        bool, typer.Option("--all-dyads", help="Every undirected dyad-year with all measures (needs --out).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="File for --all-dyads; its extension picks the format: .parquet, .csv, .dta, .feather."),
    ] = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """UNGA voting similarity of A and B per calendar year (the default: `dyadwatch votes A B`).

    Computed on the roll calls where both cast yes, abstain or no (`n`); absences and non-membership
    are left out, and a year with no shared roll call shows no data (not 0). `--measure all` shows
    every measure; `dyadwatch votes --all-dyads --out panel.parquet` writes every dyad-year.

    Example: `dyadwatch votes CHN RUS --measure all --from 2000 --ci 0.95 --format csv`
    """
    if all_dyads:
        _all_dyads(a, b, out, measure, issue, important, match, year_from, year_to, source, db)
        return
    if a is None or b is None:
        raise typer.BadParameter("give two states (e.g. `dyadwatch votes CHN RUS`) or --all-dyads --out FILE")
    res = api.votes(
        a, b, db=db, source=source, year_from=year_from, year_to=year_to, measure=measure, issue=issue,
        important=important, match=match, ci=ci, seed=seed, percentile=percentile,
    )  # fmt: skip
    from dyadwatch import countries

    dyad = (countries.resolve_input(a).iso3, countries.resolve_input(b).iso3)
    emit(res.data, fmt, title=f"UNGA voting similarity, {a} and {b}", notes=[*res.notes, res.basis_note()], dyad=dyad)


def _all_dyads(a, b, out, measure, issue, important, match, year_from, year_to, source, db) -> None:
    from dyadwatch.errors import NoDataError
    from dyadwatch.indicators import votes_measures as vm
    from dyadwatch.indicators import votes_panel as vp

    if a is not None or b is not None:
        raise typer.BadParameter("--all-dyads takes no states")
    if out is None:
        raise typer.BadParameter("--all-dyads needs --out FILE (.parquet, .csv, .dta or .feather)")
    output = lazy("dyadwatch.output")
    output.format_of(out)  # before the work: a wrong extension fails at once
    store = api.open_store(db)
    wh = store.store_of("votes")  # the warehouse, or the store of --engine (a lake, Spark)
    if api.basis_for(store, "votes") == "pack":
        raise NoDataError(
            "--all-dyads computes from the roll calls, which the embedded pack does not hold. Fix: "
            "`dyadwatch ingest unvotes un_votes.rda un_roll_calls.rda un_roll_call_issues.rda`."
        )
    with wh:
        names = vm.parse_measures("all" if measure == "agreement" else measure)
        df = vp.all_dyads(
            wh, measures=names, source=source, year_from=year_from, year_to=year_to, issue=issue,
            important=important, match=match,
        )  # fmt: skip
    path = output.write(df, out)
    typer.echo(f"{path}: {len(df):,} dyad-years, {df.year.min()}–{df.year.max()}, source {df.source.iloc[0]}")


@votes_app.command("neighbours")
def neighbours(
    state: Annotated[str, typer.Argument(help="The state (e.g. CHN).")],
    year: Annotated[int | None, typer.Option(help="Year (default: the latest).")] = None,
    measure: MeasureOpt = "agreement",
    top: Annotated[int, typer.Option(help="How many neighbours.")] = 10,
    min_n: Annotated[int, typer.Option(help="Leave out dyads with fewer shared roll calls.")] = 10,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """The states that voted most like STATE in a year.

    Example: `dyadwatch votes neighbours CHN --year 2019 --measure kappa`
    """
    res = api.neighbours(state, year, measure=measure, top=top, min_n=min_n, source=source, db=db)
    emit(res.data, fmt, title=f"Nearest UNGA voting neighbours of {state}", notes=[*res.notes, res.basis_note()])


MATRIX_ROWS = 25  # a terminal's worth of the matrix when no --states are given


@votes_app.command("matrix")
def matrix(
    year: Annotated[int, typer.Option(help="Year of the votes.")],
    measure: MeasureOpt = "agreement",
    states: Annotated[str | None, typer.Option(help="Comma-separated states (default: all).")] = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Similarity matrix of all (or the given) states in a year, rows and columns in clustering order.

    Example: `dyadwatch votes matrix --year 2019 --states CHN,RUS,USA,GBR,FRA,IND --format csv`
    """
    names = [s.strip() for s in states.split(",") if s.strip()] if states else None
    res = api.matrix(year, measure=measure, states=names, source=source, db=db)
    df = res.data.rename_axis("iso3").reset_index()
    notes = [*res.notes, res.basis_note()]
    if fmt == Format.table and names is None and len(df) > MATRIX_ROWS:
        # 193 rows of mostly hidden columns help nobody on a terminal: the top block, and how to get the rest.
        df = df.head(MATRIX_ROWS)[["iso3", *df.iso3.head(MATRIX_ROWS)]]
        notes.insert(0, f"The first {MATRIX_ROWS} of {len(res.data)} states in clustering order; "
                        "--states CHN,RUS,... for others, --format csv for the whole matrix.")  # fmt: skip
    emit(df, fmt, title=f"UNGA {measure}, {year}", notes=notes)


@votes_app.command("idealpoints")
def idealpoints(
    estimate: Annotated[
        bool, typer.Option("--estimate", help="dyadwatch's own estimate from the raw votes (else the published one).")
    ] = False,
    states: Annotated[str | None, typer.Option(help="Comma-separated states (default: all).")] = None,
    distance: Annotated[
        bool, typer.Option("--distance", help="With two --states: per year both ideal points and their distance.")
    ] = False,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """UNGA ideal points per state and year: columns iso3, year, ideal_point (+ interval bounds).

    Without `--estimate`: the published Bailey–Strezhnev–Voeten estimates (`dyadwatch ingest idealpoints
    IdealpointsJuly2025.dta`; the embedded pack has the focus countries). With `--estimate`: dyadwatch's
    own one-dimensional ordinal IRT fit per year from the ingested votes.

    Example: `dyadwatch votes idealpoints --states CHN,RUS,USA --from 2000 --format csv`;
    `dyadwatch votes idealpoints --states CHN,RUS --distance` for the dyad's distance per year.
    """
    from dyadwatch.indicators import idealpoints as ip

    names = [s.strip() for s in states.split(",") if s.strip()] if states else None
    if distance and (not names or len(names) != 2):
        raise typer.BadParameter("--distance needs exactly two states, e.g. --states CHN,RUS")
    res = api.idealpoints(estimate=estimate, states=names, year_from=year_from, year_to=year_to, source=source, db=db)
    if distance and names:  # names: the two states checked above
        from dyadwatch import countries

        a, b = (countries.resolve_input(n).iso3 for n in names)
        res.data = ip.distance(res.data, a, b)
    dyad = (a, b) if distance else None
    emit(res.data, fmt, title="UNGA ideal points", notes=[*res.notes, res.basis_note()], dyad=dyad)
