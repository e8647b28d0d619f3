"""Correlates of War IGO co-memberships v3, non-directed dyad-years 1816–2014 (``cow_igo_ndy.rda``).

``dyadigos``: the number of intergovernmental organisations in which both
states are full members. The file names no organisation, so dyadwatch can
give counts only. A dyad-year absent from the file is "no data" (NULL), not
0: the file lists zeros where it measured none.
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
    name="cow_igo",
    title="Correlates of War intergovernmental organisations, dyadic co-memberships (v3)",
    publisher="Correlates of War Project (Pevehouse et al.); packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus and Anne Spencer Jamison. 2020. Tracking "
        "Organizations in the World: The Correlates of War IGO Version 3.0 Datasets. Journal of Peace Research "
        "57(3): 492-503"
    ),
    url="https://correlatesofwar.org/data-sets/igos/",
    version="3.0",
    tables=("igo_dyad_year",),
    files="cow_igo_ndy.rda",
    bibtex="""@article{pevehouseetal2020tow,
  author = {Pevehouse, Jon C.W. and Nordstrom, Timothy and McManus, Roseanne W. and Jamison, Anne Spencer},
  title = {Tracking Organizations in the World: The {Correlates of War} {IGO} Version 3.0 Datasets},
  journal = {Journal of Peace Research}, volume = {57}, number = {3}, pages = {492--503}, year = {2020}
}""",
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("cow_igo reads one file, cow_igo_ndy.rda; give exactly one path.")
    path = Path(paths[0])
    df = frame(path, META.name, "cow_igo_ndy", ["ccode1", "ccode2", "year", "dyadigos"])
    a, b = whole(df, "ccode1", path), whole(df, "ccode2", path)
    unordered = a >= b
    if unordered.any():
        row = int(unordered.idxmax())
        raise SourceFormatError(
            f"{path}: row {row} has ccode1 {a.loc[row]} ≥ ccode2 {b.loc[row]}; the non-directed file lists each "
            "dyad once with ccode1 < ccode2. Fix: use peacesciencer's cow_igo_ndy file unchanged."
        )
    n = whole(df, "dyadigos", path, nullable=True)
    n = n.mask(n == -9)
    if (n < 0).any():
        raise SourceFormatError(f"{path}: row {int((n < 0).idxmax())}: a negative IGO count.")
    out = pd.DataFrame(
        {
            "iso3_a": iso3_of(a, path, "ccode1"),
            "iso3_b": iso3_of(b, path, "ccode2"),
            "cow_a": a.astype("int16"),
            "cow_b": b.astype("int16"),
            "year": years(df, "year", path, 1816, 2100),
            "igos": n.astype("Int32"),
        }
    )
    no_repeats(out, ["cow_a", "cow_b", "year"], path, "a dyad-year")
    return {"igo_dyad_year": pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)}
