"""How to cite the data: one plain-text line or one BibTeX entry per source, and per publisher for facts.

Most sources are one dataset with one citation (``SourceMeta``). Published facts are many publishers' figures
transcribed row by row, so their citation is one entry per publisher and page, read from the facts table
itself rather than a made-up collective author (as peacesciencer's ``ps_cite`` cites each dataset it used).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from dyadwatch import sources


def _names_in(publisher: str, citation: str) -> bool:
    """Whether every person or body of ``publisher`` is already named in ``citation`` (surname match)."""
    names = [n.strip() for n in re.split(r",| and |;", publisher) if n.strip()]
    return bool(names) and all(n.split()[-1].lower() in citation.lower() for n in names)


def plain(name: str) -> str:
    """The source's citation once: authors and title as the citation gives them, then version, URL, licence."""
    m = sources.get(name).META
    cite = m.citation.rstrip(". ")
    parts = [cite]
    title = re.sub(r"\s*\([^)]*\)$", "", m.title)  # "… Voting Data (UNVotesPublished.RData)" → "… Voting Data"
    if title.lower() not in cite.lower():
        parts.append(m.title)
    if m.publisher and not _names_in(m.publisher, cite) and not m.extra.get("per_row"):
        parts.append(m.publisher)
    parts.append(f"Version: {m.version}")
    if m.url:
        parts.append(m.url)
    parts.append(f"Licence: {m.licence}")
    return ". ".join(parts) + "."


def _field(key: str, value: str) -> str:
    return f"  {key} = {{{value}}}" if value else ""


def bibtex(name: str) -> str:
    """The source's BibTeX entry (the publisher's own where it gives one); empty fields are left out."""
    m = sources.get(name).META
    if m.bibtex:
        return m.bibtex.strip()
    fields = [
        _field("title", m.title),
        # an organisation is one "corporate" author: double braces keep BibTeX from splitting it into names
        _field("author", "{" + m.publisher + "}" if m.publisher and not m.extra.get("per_row") else ""),
        _field("note", f"{m.citation}. Version {m.version}. Licence: {m.licence}"),
        _field("url", m.url),
    ]
    return f"@misc{{{m.name},\n" + ",\n".join(f for f in fields if f) + "\n}"


def facts_entries(store) -> list[dict[str, str]]:
    """One entry per publisher and page of the published facts the store holds (the warehouse's or the pack's)."""
    from dyadwatch.indicators import trade_tables as tt

    df = tt.facts(store)
    out = []
    for (pub, url), g in df.groupby(["publisher", "url"], dropna=False, sort=True):
        metrics = sorted(set(g.metric))
        out.append({"publisher": str(pub), "url": "" if url != url else str(url), "metrics": ", ".join(metrics),
                    "periods": ", ".join(sorted({str(p) for p in g.period}))})  # fmt: skip
    return out


def _facts_key(i: int, pub: str) -> str:
    return "facts_" + (re.sub(r"[^a-z0-9]+", "_", pub.lower()).strip("_")[:30] or "row") + f"_{i}"


def facts_plain(store) -> str:
    return "\n".join(
        f"{e['publisher']}: {e['metrics']} ({e['periods']}). {e['url'] or 'No page given.'}"
        for e in facts_entries(store)
    )


def facts_bibtex(store) -> str:
    out = []
    for i, e in enumerate(facts_entries(store), 1):
        fields = [
            _field("title", f"{e['metrics']} ({e['periods']})"),
            _field("author", "{" + e["publisher"] + "}"),
            _field("note", "Published figure, transcribed by dyadwatch (source facts)"),
            _field("url", e["url"]),
        ]
        out.append(f"@misc{{{_facts_key(i, e['publisher'])},\n" + ",\n".join(f for f in fields if f) + "\n}")
    return "\n\n".join(out)


def cite(names: Iterable[str], *, as_bibtex: bool, store=None) -> str:
    """Citations of ``names`` (source names, in order, each once); facts need the store that holds them."""
    blocks = []
    for n in dict.fromkeys(names):
        if sources.get(n).META.extra.get("per_row"):
            if store is None:
                continue
            blocks.append(facts_bibtex(store) if as_bibtex else facts_plain(store))
        else:
            blocks.append(bibtex(n) if as_bibtex else plain(n))
    return ("\n\n" if as_bibtex else "\n").join(b for b in blocks if b)


def bib(names: Iterable[str], store=None) -> str:
    """The BibTeX of the sources ``names`` (e.g. those a report used): the text of ``write_bib``'s file."""
    known = set(sources.registry())
    return cite([n for n in names if n in known], as_bibtex=True, store=store) + "\n"


def write_bib(path: Path, names: Iterable[str], store=None, text: str | None = None) -> Path:
    """A BibTeX file of the sources ``names`` (``text``: their ``bib``, made before), beside the report."""
    path.write_text(bib(names, store) if text is None else text, encoding="utf-8")
    return path
