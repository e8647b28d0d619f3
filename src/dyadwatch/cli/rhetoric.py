"""`dyadwatch rhetoric A B`: normative vocabulary and speech similarity of A and B."""

from __future__ import annotations

import enum
from typing import Annotated, TypedDict

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

countries = lazy("dyadwatch.countries")  # `--help` does not pay for the crosswalk

pd = lazy("pandas")


class Span(TypedDict):
    """The years the speeches are read from: ``--from``/``--to``, None when not given."""

    year_from: int | None
    year_to: int | None


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
    from dyadwatch.indicators import rhetoric as rh
    from dyadwatch.indicators import textsim

    ca, cb = countries.resolve_input(a), countries.resolve_input(b)
    ref = countries.resolve_input(reference)
    picked = [t for item in (terms or []) for t in item.split(",") if t.strip()]
    kinds = [kind] if kind else None
    span: Span = {"year_from": year_from, "year_to": year_to}
    notes = [f"Lexicon version {rh.lexicon().version}."]
    wh = api.open_store(db)
    try:
        if not wh.sources_of("speeches"):
            df, pack_notes = _from_pack(wh, ca.iso3, cb.iso3, ref.iso3, view, picked, kind, span)
            notes += pack_notes
        elif view == View.rates:
            df = rh.rates(wh, [ca.iso3, cb.iso3], terms=picked, kinds=kinds, **span)
        elif view == View.kwic:
            df = rh.kwic(wh, [ca.iso3, cb.iso3], (picked or ["democracy"])[0], kinds=kinds, **span)
        elif view == View.collocates:
            df = rh.collocates(wh, [ca.iso3, cb.iso3], ref.iso3, (picked or ["democracy"])[0], kinds=kinds, **span)
            notes.append(f"z > 0: typical of {ca.iso3}+{cb.iso3}; z < 0: typical of {ref.iso3} (weighted log-odds).")
        else:
            df = textsim.dyad_similarity(wh, ca.iso3, cb.iso3, kind=kind or textsim.KIND, **span)
            notes = ["TF-IDF cosine similarity per year among that year's speakers; rank 1 = nearest."]
    finally:
        wh.close()
    emit(df, fmt, title=f"Rhetoric: {ca.name} and {cb.name} ({view.value})", notes=notes, dyad=(ca.iso3, cb.iso3))


def _from_pack(store, a: str, b: str, ref: str, view: View, picked: list[str], kind: str | None, span: Span):
    """The view from the embedded pack (UN General Debate speeches of the focus countries), with a basis note."""
    from dyadwatch.errors import NoDataError
    from dyadwatch.indicators import rhetoric_pack as rp

    fix = "Fix: `dyadwatch ingest ungdc UNGDC_FOLDER` (or `dyadwatch ingest text FILE …`)."
    if kind not in (None, rp.KIND):
        raise NoDataError(f"No speeches ingested, and the embedded pack holds only UN General Debate speeches. {fix}")
    basis = "Basis: dyadwatch's embedded pack (figures computed from ungdc); ingest the corpus to use your warehouse."
    if view == View.kwic:
        raise NoDataError(f"No speeches ingested: keyword-in-context lines quote the speeches, not in the pack. {fix}")
    if view == View.rates:
        return rp.rates(store, [a, b], terms=picked, **span), [basis]
    if view == View.similarity:
        note = "TF-IDF cosine similarity per year among that year's speakers; rank 1 = nearest."
        return rp.dyad_similarity(store, a, b, **span), [note, basis]
    if ref != rp.REFERENCE:
        raise NoDataError(f"The embedded pack compares collocates with {rp.REFERENCE} only, not {ref}. {fix}")
    if span["year_from"] is not None or span["year_to"] is not None:
        raise NoDataError(f"The embedded pack's collocates pool speeches since {rp.COLLOCATES_FROM}; no --from/--to.")
    term = (picked or ["democracy"])[0]
    parts = [rp.collocates(store, x, term).assign(iso3=x) for x in (a, b) if x != rp.REFERENCE]
    note = f"Each of {a}, {b} against {rp.REFERENCE} (z > 0: typical of the country), speeches since year_from."
    return pd.concat(parts, ignore_index=True), [note, basis]
