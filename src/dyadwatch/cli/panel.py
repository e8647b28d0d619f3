"""`dyadwatch panel dyad-year|state-year`: peace-science panels with the covariates researchers join."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FromOpt, ToOpt, emit, lazy

api = lazy("dyadwatch.api")

panel_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode="markdown",
    help=(
        "Dyad-year and state-year panels (like peacesciencer's create_dyadyears + add_*), written by "
        "extension (.parquet, .csv, .dta, .feather) with a codebook, BibTeX and a manifest beside the file.\n\n"
        "`dyadwatch panel dyad-year --add votes,alliances,mids,rivalry,capabilities --out dyads.parquet`"
    ),
)

AddOpt = Annotated[
    str,
    typer.Option(
        "--add",
        help="Comma-separated blocks: votes, alliances, mids, rivalry, capabilities, gdp, igos, trade, democracy, "
        "idealpoints.",
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", help="Output file; .parquet, .csv, .dta (Stata) or .feather.")]
StatesOpt = Annotated[
    str | None, typer.Option("--states", help="Comma-separated states (names or codes): keep only dyads among them.")
]
SourceOpt = Annotated[
    list[str] | None,
    typer.Option("--source", help="BLOCK=SOURCE to choose a block's source, e.g. mids=cow_mid or rivalry=tss_rivalry."),
]
VoteBasisOpt = Annotated[
    str,
    typer.Option(
        "--vote-basis",
        help="calendar (years of the vote dates) or session (session + 1945, unanimous votes dropped: the "
        "published Bailey-Strezhnev-Voeten series).",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(panel_app, name="panel", rich_help_panel="Indicators")


def _split(s: str | None) -> list[str]:
    return [x.strip() for x in (s or "").split(",") if x.strip()]


def _sources(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise typer.BadParameter(f"--source takes BLOCK=SOURCE (e.g. mids=cow_mid), not {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _report(res) -> None:
    typer.echo(f"{res.path}: {res.rows:,} rows")
    for k, p in res.sidecars.items():
        typer.echo(f"  {k}: {p}")
    cov = res.coverage
    if len(cov):
        emit(cov.assign(share=cov.share.round(3)), Format.table, title="Coverage (rows with a value per column)",
             notes=res.notes)  # fmt: skip


@panel_app.command("dyad-year")
def dyad_year(
    out: OutOpt,
    add: AddOpt = "",
    directed: Annotated[
        bool, typer.Option("--directed/--undirected", help="Both orders (a→b and b→a) or a < b.")
    ] = True,
    system: Annotated[str, typer.Option("--system", help="State system: cow or gw (Gleditsch-Ward).")] = "cow",
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    states: StatesOpt = None,
    relevant: Annotated[
        bool, typer.Option("--relevant", help="Politically relevant dyads only: a major power on either side.")
    ] = False,
    source: SourceOpt = None,
    vote_basis: VoteBasisOpt = "calendar",
    db: DbOpt = None,
) -> None:
    """Every dyad-year of the state system with the blocks added, written to OUT.

    Values are NULL (no data) outside each source's coverage, never 0; a coverage table is printed at
    the end. Beside OUT: OUT.codebook.csv, OUT.bib and OUT.manifest.json (sha256 of every input).

    Example: `dyadwatch panel dyad-year --from 1946 --add votes,mids,rivalry --out dyads.dta`
    """
    res = api.panel(
        "dyad-year", add=_split(add), out=out, db=db, directed=directed, system=system, year_from=year_from,
        year_to=year_to, states=_split(states) or None, relevant=relevant, sources=_sources(source),
        vote_basis=vote_basis,
    )  # fmt: skip
    _report(res)


@panel_app.command("state-year")
def state_year(
    out: OutOpt,
    add: AddOpt = "",
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    states: StatesOpt = None,
    source: SourceOpt = None,
    db: DbOpt = None,
) -> None:
    """Every state-year of the COW state system with state-year blocks (capabilities, gdp, democracy,
    idealpoints) added, written to OUT with its codebook, BibTeX and manifest.

    Example: `dyadwatch panel state-year --add capabilities,gdp,democracy --out states.csv`
    """
    res = api.panel("state-year", add=_split(add), out=out, db=db, year_from=year_from, year_to=year_to,
                    states=_split(states) or None, sources=_sources(source))  # fmt: skip
    _report(res)
