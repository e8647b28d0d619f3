"""Correlates of War formal alliances v4.1, directed dyad-years (as packaged by peacesciencer)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_rdata
from dyadwatch.sources.atop import dyad_year_table

META = SourceMeta(
    name="cow_alliance",
    title="Correlates of War Formal Alliances v4.1",
    publisher="Correlates of War Project (Douglas M. Gibler)",
    licence="free with citation",
    citation=(
        "Gibler, Douglas M. 2009. International Military Alliances, 1648-2008. CQ Press. "
        "Correlates of War Formal Alliances v4.1"
    ),
    url="https://correlatesofwar.org/data-sets/formal-alliances/",
    version="4.1 (via peacesciencer)",
    tables=("alliance_dyad_year",),
    files="cow_alliance.rda",
    bibtex="""@book{gibler2009,
  author = {Gibler, Douglas M.},
  title = {International Military Alliances, 1648--2008},
  publisher = {CQ Press},
  year = {2009},
  note = {Correlates of War Formal Alliances v4.1}
}""",
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("cow_alliance reads one file, cow_alliance.rda; give exactly one path.")
    path = Path(paths[0])
    df = read_rdata(path, META.name, "cow_alliance")
    return {"alliance_dyad_year": dyad_year_table(df, path, "4.1", "cow", ["defense", "neutral", "nonagg", "entente"])}
