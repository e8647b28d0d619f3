"""Correlates of War MIDs (v5.0), one dispute per non-directed dyad-year (``cow_mid_ddydisps.rda``).

peacesciencer's whittled dyad-year version of the COW dyadic MID data
(Palmer et al. 2022), both directions listed. Coverage 1816–2014.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._mids import mids_table

META = SourceMeta(
    name="cow_mid",
    title="Correlates of War militarized interstate disputes, dyad-years (v5.0)",
    publisher="Correlates of War Project (Palmer et al.); packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela Karstens, Chase Bloch, "
        "Nick Dietrich, Kayla Kahn, Kellan Ritter and Michael J. Soules. 2022. The MID5 Dataset, 2011-2014: "
        "Procedures, Coding Rules, and Description. Conflict Management and Peace Science 39(4): 470-482"
    ),
    url="https://correlatesofwar.org/data-sets/mids/",
    version="5.0",
    tables=("mids",),
    files="cow_mid_ddydisps.rda",
    bibtex="""@article{palmeretal2021mid5,
  author = {Palmer, Glenn and McManus, Roseanne W. and D'Orazio, Vito and Kenwick, Michael R. and
            Karstens, Mikaela and Bloch, Chase and Dietrich, Nick and Kahn, Kayla and Ritter, Kellan and
            Soules, Michael J.},
  title = {The {MID5} Dataset, 2011--2014: Procedures, Coding Rules, and Description},
  journal = {Conflict Management and Peace Science},
  volume = {39}, number = {4}, pages = {470--482}, year = {2022}
}""",
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("cow_mid reads one file, cow_mid_ddydisps.rda; give exactly one path.")
    t = mids_table(Path(paths[0]), META.name, "cow_mid_ddydisps", "cowmidonset", "cowmidongoing",
                   one_per_dyad_year=True)  # fmt: skip
    return {"mids": t}
