"""Sources: one module per publisher format, all with the same contract.

A source module defines

* ``META``: a :class:`SourceMeta` (publisher, licence, citation, URL, version,
  the canonical tables it fills);
* ``load(paths) -> dict[str, pyarrow.Table]``: read the files exactly as the
  publisher distributes them and return canonical tables (see ``tables.py``).

Modules are found by scanning this package, so adding a source is adding a
file; the CLI's ``ingest``, ``sources`` and ``cite`` work from this registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from dyadwatch.errors import UnknownSourceError


@dataclass(frozen=True)
class SourceMeta:
    name: str
    title: str
    publisher: str
    licence: str
    citation: str
    url: str
    version: str
    tables: tuple[str, ...]
    files: str  # which files to give to `dyadwatch ingest`, in words
    bibtex: str = ""
    redistributable: bool = True  # False: used for tests only, never bundled
    partition: str | None = None  # column whose values a re-ingest replaces; None: all rows
    extra: dict = field(default_factory=dict)

    def bibtex_entry(self) -> str:
        if self.bibtex:
            return self.bibtex.strip()
        return (
            f"@misc{{{self.name},\n  title = {{{self.title}}},\n  author = {{{self.publisher}}},\n"
            f"  note = {{{self.citation}. Version {self.version}. Licence: {self.licence}}},\n"
            f"  url = {{{self.url}}}\n}}"
        )


@cache
def registry() -> dict[str, ModuleType]:
    """Every source module by its META.name."""
    out = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "META") and hasattr(mod, "load"):
            out[mod.META.name] = mod
    return dict(sorted(out.items()))


def get(name: str) -> ModuleType:
    reg = registry()
    if name not in reg:
        raise UnknownSourceError(
            f"Unknown source {name!r}. Known sources: {', '.join(reg)}. "
            "`dyadwatch sources` says which files each one reads."
        )
    return reg[name]
