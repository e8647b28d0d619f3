"""Peace-science panels: dyad-year and state-year datasets with the covariates researchers join.

The dyadwatch equivalent of peacesciencer's ``create_dyadyears()`` +
``add_*()`` + ``ps_cite()``: a frame (``frames``), blocks joined to it
(``blocks``), written by extension with a codebook, BibTeX and a manifest
(``writers``). Everything is read through a store's ``table``/``has``/
``sources_of``; the whole panel is one Ibis expression, run by the backend
once, so a 2.2-million-row panel goes from the warehouse to Parquet without
passing through pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch.panel import blocks as pb
from dyadwatch.panel import frames
from dyadwatch.panel.frames import PanelOptionError

if TYPE_CHECKING:
    import ibis.expr.types as ir

KINDS = ("dyad-year", "state-year")
_KEYS = {
    "dyad-year": {
        "code_a": ("state a's code in the chosen system", "code"),
        "code_b": ("state b's code in the chosen system", "code"),
        "year": ("year", "year"),
        "microstate_a": ("state a is a microstate (Gleditsch-Ward frame only)", "1 yes, 0 no"),
        "microstate_b": ("state b is a microstate (Gleditsch-Ward frame only)", "1 yes, 0 no"),
        "iso3_a": ("state a's ISO3 code (dyadwatch successor rules)", "code"),
        "iso3_b": ("state b's ISO3 code (dyadwatch successor rules)", "code"),
    },
    "state-year": {
        "code": ("the state's code in the chosen system", "code"),
        "year": ("year", "year"),
        "iso3": ("the state's ISO3 code (dyadwatch successor rules)", "code"),
    },
}
_FRAME_SOURCE = {"dyad-year": "ddy", "state-year": "cow_states"}


@dataclass
class Panel:
    """A panel before it is run: the Ibis expression, what each block added, notes."""

    kind: str
    system: str
    expr: ir.Table
    added: list[pb.Added]
    notes: list[str] = field(default_factory=list)
    frame_source: str = "ddy"

    def to_pandas(self) -> pd.DataFrame:
        return self.expr.to_pandas()

    def codebook(self) -> pd.DataFrame:
        from dyadwatch import sources

        reg = sources.registry()
        rows = []
        for c in self.expr.columns:
            if c in _KEYS[self.kind]:
                m, u = _KEYS[self.kind][c]
                src = self.frame_source
                rows.append({"column": c, "meaning": m, "unit": u, "source": src,
                             "version": reg[src].META.version if src in reg else ""})  # fmt: skip
        for a in self.added:
            ver = reg[a.source].META.version if a.source in reg else ""
            for c, (m, u) in a.columns.items():
                rows.append({"column": c, "meaning": m, "unit": u, "source": a.source, "version": ver})
        return pd.DataFrame(rows)

    def sources(self) -> list[str]:
        return list(dict.fromkeys([self.frame_source, *[a.source for a in self.added]]))

    def bibtex(self) -> str:
        from dyadwatch import sources

        reg = sources.registry()
        return "\n\n".join(reg[s].META.bibtex_entry() for s in self.sources() if s in reg)

    def coverage(self, counts: dict[str, int] | None = None) -> pd.DataFrame:
        """Per added column: the source's years, the panel's rows and how many hold a value.

        ``counts`` (column → non-NULL values, plus ``_rows``) come from the written file when there is
        one; otherwise the panel is run once to count them."""
        e = self.expr
        cols = [c for a in self.added for c in a.columns]
        if counts is None:
            counts = e.aggregate(_rows=e.count(), **{c: e[c].count() for c in cols}).execute().iloc[0].to_dict()
        rows = []
        for a in self.added:
            span = f"{a.years[0]}–{a.years[1]}" if a.years else "no data"
            for c in a.columns:
                n = int(counts[c])
                rows.append({"block": a.block, "column": c, "source": a.source, "source_years": span,
                             "rows": int(counts["_rows"]), "with_value": n,
                             "share": n / counts["_rows"] if counts["_rows"] else None})  # fmt: skip
        return pd.DataFrame(rows)


def build(store, kind: str = "dyad-year", *, directed: bool = True, system: str = "cow",
          year_from: int | None = None, year_to: int | None = None, states: Sequence[str] | None = None,
          relevant: bool = False, add: Sequence[str] = (), sources: dict[str, str] | None = None,
          vote_basis: str = "calendar", vote_table: pd.DataFrame | None = None) -> Panel:  # fmt: skip
    """The panel as an Ibis expression over ``store`` (not run yet; see :func:`write`).

    ``states`` are names or codes (resolved by ``countries.resolve``); a dyad-year panel keeps the dyads
    among them. ``sources`` picks a block's source (e.g. ``{"mids": "cow_mid"}``); ``vote_basis`` is
    ``calendar`` (dyadwatch's years of the vote dates) or ``session`` (the Bailey–Strezhnev–Voeten series).
    """
    from dyadwatch import countries

    if kind not in KINDS:
        raise PanelOptionError(f"Unknown panel kind {kind!r}; choose dyad-year or state-year.")
    if vote_basis not in ("calendar", "session"):
        raise PanelOptionError(f"Unknown vote basis {vote_basis!r}; choose calendar or session.")
    codes = None
    if states:
        codes = sorted({c for s in states for c in _codes(countries.resolve(s).iso3)})
    if kind == "dyad-year":
        expr, notes = frames.dyad_years(store, system=system, directed=directed, year_from=year_from,
                                        year_to=year_to, states=codes, relevant=relevant)  # fmt: skip
    else:
        if relevant:
            raise PanelOptionError("--relevant selects dyads; a state-year panel has none.")
        expr, notes = frames.state_years(store, system=system, year_from=year_from, year_to=year_to, states=codes)
    if system == "gw" and add:
        notes.append(
            "Gleditsch-Ward codes are joined to the COW-coded blocks by number; where the two systems "
            "number a state differently (e.g. GW 340 Serbia, 678 Yemen) the block values are NULL."
        )
    added = []
    for name in dict.fromkeys(add):
        expr, info = pb.add(store, expr, kind, name, (sources or {}).get(name), vote_basis=vote_basis,
                            vote_table=vote_table)  # fmt: skip
        added.append(info)
        notes += info.notes
    order = [c for c in _KEYS[kind] if c in expr.columns]
    expr = expr.select(*order, *[c for c in expr.columns if c not in order]).order_by(order[: 3 if kind ==
                                                                                       "dyad-year" else 2])  # fmt: skip
    src = _FRAME_SOURCE[kind]
    if kind == "dyad-year" and not (store.has("dyad_frames") and frames._has_system(store, system)):
        src = "cow_states"  # the frame was generated from the state list
    return Panel(kind, system, expr, added, notes, src)


def _codes(iso3: str) -> list[int]:
    """Every COW code that is this state under the successor rules (RUS: 365; DEU: 255 and 260)."""
    from dyadwatch import countries

    return [c for c, i in countries.cow_to_iso3_map().items() if i == iso3]


@dataclass
class Written:
    path: Path
    rows: int
    sidecars: dict[str, Path]
    coverage: pd.DataFrame
    notes: list[str]


def write(panel: Panel, path: str | Path, store=None) -> Written:
    """Run the panel into ``path`` (format by extension) and write the codebook, BibTeX and manifest beside it."""
    from dyadwatch import __version__
    from dyadwatch.panel import writers

    path = writers.check_path(path)
    cb = panel.codebook()
    counts = writers.write(panel.expr, path, dict(zip(cb.column, cb.meaning, strict=True)))
    rows = counts["_rows"]
    manifest = {
        "dyadwatch": __version__, "kind": panel.kind, "system": panel.system, "rows": rows,
        "columns": list(panel.expr.columns), "notes": panel.notes, "inputs": _inputs(store, panel.sources()),
    }  # fmt: skip
    side = writers.write_sidecars(path, cb, panel.bibtex(), manifest)
    return Written(path, rows, side, panel.coverage(counts), panel.notes)


def _inputs(store, used: list[str]) -> dict:
    """Per source used: its files and their sha256, from the warehouse's ingest records."""
    import json

    out: dict = {}
    for rec in getattr(store, "ingests", lambda: [])():  # a store without ingest records (the pack) has none
        if rec["source"] not in used:
            continue
        files = json.loads(rec["files"])
        digests = [d for d in json.loads(rec["sha256"]) if isinstance(d, str)]
        out[rec["source"]] = {"version": rec["version"], "files": files, "sha256": digests,
                              "ingested_at": rec["ingested_at"]}  # fmt: skip
    return out
