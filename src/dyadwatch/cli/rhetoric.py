"""`dyadwatch rhetoric A B`: normative vocabulary and speech similarity of A and B."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

countries = lazy("dyadwatch.countries")  # `--help` does not pay for the crosswalk


class View(enum.StrEnum):
    rates = "rates"
    kwic = "kwic"
    collocates = "collocates"
    similarity = "similarity"


def register(app: typer.Typer) -> None:
    app.command("rhetoric", rich_help_panel="Indicators")(rhetoric)


def rhetoric(
    a: Annotated[str, typer.Argument(help="First state: name, ISO2/ISO3 or COW code (e.g. CHN).")],
    b: Annotated[str, typer.Argument(help="Second state (e.g. RUS).", callback=other_state)],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    terms: Annotated[
        list[str] | None,
        typer.Option("--terms", "-t", help="Concepts of the lexicon (repeat or comma-separate); default all."),
    ] = None,
    view: Annotated[
        View,
        typer.Option(
            help="rates: uses per 10,000 words; kwic: keyword in context; collocates: words that "
            "distinguish A and B's use of a term from --reference's; similarity: TF-IDF similarity."
        ),
    ] = View.rates,
    reference: Annotated[str, typer.Option(help="Reference state for --view rates/collocates.")] = "USA",
    kind: Annotated[
        str | None, typer.Option(help="Kind of text: ungd (UN General Debate), statement …; default all.")
    ] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Concept uses per 10,000 words (one row per country-year-term), KWIC, collocates or similarity.

    Concepts and their surface forms come from the versioned lexicon (data/lexicon.yaml):
    democracy, human rights, sovereignty, hegemony, multipolarity, Cold War mentality, NATO …

    Example: `dyadwatch rhetoric CHN RUS --terms democracy,hegemony --format csv`
    """
    from dyadwatch import api

    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    picked = [t for item in (terms or []) for t in item.split(",") if t.strip()]
    res = api.rhetoric([ca.iso3, cb.iso3], view.value, terms=picked or None, kind=kind, reference=reference,
                       year_from=year_from, year_to=year_to, db=db)  # fmt: skip
    emit(res.data, fmt, title=f"Rhetoric: {ca.name} and {cb.name} ({view.value})", notes=res.notes,
         dyad=(ca.iso3, cb.iso3))  # fmt: skip
