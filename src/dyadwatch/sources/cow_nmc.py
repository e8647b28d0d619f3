"""Correlates of War National Material Capabilities v6.0, state-years 1816–2016 (``cow_nmc.rda``).

Six components (military expenditure, military personnel, iron and steel,
primary energy, total and urban population) and CINC, each state's share of
the system total averaged over the six. -9 (unknown) becomes NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._conflict import frame, iso3_of, no_repeats, whole, years

META = SourceMeta(
    name="cow_nmc",
    title="Correlates of War National Material Capabilities",
    publisher="Correlates of War Project; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Singer, J. David, Stuart Bremer and John Stuckey. 1972. Capability Distribution, Uncertainty, and Major "
        "Power War, 1820-1965. In Bruce Russett (ed.), Peace, War, and Numbers. Sage: 19-48; Singer, J. David. "
        "1987. Reconstructing the Correlates of War Dataset on Material Capabilities of States, 1816-1985. "
        "International Interactions 14: 115-132. NMC v6.0"
    ),
    url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
    version="peacesciencer cow_nmc (ps_data_version records v6; this file runs 1816-2022)",
    tables=("capabilities",),
    files="cow_nmc.rda",
    bibtex="""@article{singer1987rcwd,
  author = {Singer, J. David},
  title = {Reconstructing the {Correlates of War} Dataset on Material Capabilities of States, 1816--1985},
  journal = {International Interactions}, volume = {14}, number = {2}, pages = {115--132}, year = {1987},
  note = {National Material Capabilities v6.0}
}""",
)

PARTS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("cow_nmc reads one file, cow_nmc.rda; give exactly one path.")
    path = Path(paths[0])
    df = frame(path, META.name, "cow_nmc", ["ccode", "year", *PARTS])
    code = whole(df, "ccode", path)
    out = pd.DataFrame({"iso3": iso3_of(code, path, "ccode"), "cow": code.astype("int16"),
                        "year": years(df, "year", path, 1816, 2100)})  # fmt: skip
    for p in PARTS:
        col = pd.to_numeric(df[p], errors="coerce").astype("float64")
        out[p] = col.mask(col == -9)
        neg = out[p] < 0
        if neg.any():
            row = int(neg.idxmax())
            raise SourceFormatError(f"{path}: row {row}, column {p!r} = {col.loc[row]} is negative (and not -9).")
    bad = out.cinc > 1
    if bad.any():
        raise SourceFormatError(f"{path}: row {int(bad.idxmax())}: CINC above 1 (it is a share of the system).")
    no_repeats(out, ["cow", "year"], path, "a state-year")
    return {"capabilities": pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)}
