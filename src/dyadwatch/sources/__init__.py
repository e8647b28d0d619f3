"""Sources: one module per publisher format, all with the same contract.

A source module defines

* ``META``: a :class:`SourceMeta` (publisher, licence, citation, URL, version,
  the canonical tables it fills);
* ``load(paths) -> dict[str, pyarrow.Table]``: read the files exactly as the
  publisher distributes them and return canonical tables (see ``tables.py``).

``META.mode`` says what an ingest does with the source's rows already in the
warehouse (``ingest.py`` follows it):

* ``replace`` — the files together are the whole dataset (Voeten's votes, ATOP):
  an ingest replaces every row of the source;
* ``add`` — each file is one part (a GDELT month, a Comtrade query): its rows
  replace only the rows that came from the same file (same resolved path);
* ``update`` — files correct or extend rows by ``META.key`` (facts by metric,
  period and publisher; CAMEO codes by code): other rows stay.

A module may also define ``file_role(path) -> str``: the file's part in the
source (CAMEO's ``eventcodes`` or ``goldstein``), which then identifies it in
place of its path.

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

MODES = ("replace", "add", "update")


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
    mode: str = "replace"  # replace | add | update: see the module docstring
    key: tuple[str, ...] = ()  # for mode "update": the columns that identify a row
    max_shrink: float = 0.5  # an ingest deleting more than this share of the source's rows needs allow_shrink
    allow_empty: bool = False  # True: a file may validly yield no rows (GDELT: no state actor)
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"source {self.name!r}: mode {self.mode!r} is not one of {MODES}")
        if (self.mode == "update") != bool(self.key):
            raise ValueError(f"source {self.name!r}: mode 'update' needs a key, and only it takes one")

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
