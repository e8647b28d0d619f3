"""`dyadwatch assess A B`: alliance, alignment, unaligned or rivalry — with the evidence for it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, emit, lazy, other_state

lib = lazy("dyadwatch.assess")


def register(app: typer.Typer) -> None:
    app.command("assess", rich_help_panel="Verdicts")(assess)


def assess(
    a: Annotated[str, typer.Argument(help="First state (name, ISO2/ISO3 or COW code), e.g. CHN.")],
    b: Annotated[str, typer.Argument(help="Second state, e.g. RUS.", callback=other_state)],
    year: Annotated[int | None, typer.Option("--year", help="Year to assess (default: latest with data).")] = None,
    references: Annotated[bool, typer.Option(help="Also show the reference dyads side by side.")] = True,
    scorecard: Annotated[bool, typer.Option(help="Also show the concord/tension scorecard.")] = False,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """The verdict on the relationship of A and B, and the rules that decided it.

    Vocabulary: **alliance** (an active defence or offence obligation), **alignment** (no such
    obligation, but a consultation/entente tie, a non-aggression pledge, or UNGA voting in the top of
    all dyads that year), **rivalry** (no such tie and UNGA voting in the bottom of all dyads),
    **unaligned**. Thresholds are in data/assess.yaml and explained in docs/assess.md.

    Example: `dyadwatch assess CHN RUS --format json`
    """
    from dyadwatch.api import open_store

    wh = open_store(db)
    try:
        res = lib.assess(a, b, year=year, wh=wh)
        refs = lib.reference_rows(year=year, wh=wh) if references else None
        card = lib.scorecard(a, b, wh=wh) if scorecard else None
    finally:
        wh.close()
    if fmt == Format.json:
        out = res.as_dict()
        if refs is not None:
            out["references"] = refs
        if card is not None:
            out["scorecard"] = card.astype(object).where(card.notna(), None).to_dict("records")
        typer.echo(json.dumps(out, indent=1, ensure_ascii=False, default=str))
        return
    cols = ["dimension", "rule", "value", "threshold", "source", "fired"]
    ev = [{c: e.as_dict()[c] for c in cols} for e in res.evidence]
    title = f"{res.a}–{res.b}, {res.year}: {res.verdict.upper()}"
    emit(ev, fmt, title=title, notes=[*res.notes, f"Basis: {res.basis}; rules version {res.config_version}."])
    if refs is not None:
        emit(refs, fmt, title="Reference dyads")
    if card is not None:
        emit(card, fmt, title="Concord and tension scorecard")
