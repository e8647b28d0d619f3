"""Gibler–Miller–Little MIDs (v2.2.1), one dispute per non-directed dyad-year (``gml_mid_ddydisps.rda``).

peacesciencer's whittled dyad-year version: where a dyad had several
disputes in a year, one is kept (the onset, then the most severe), so a row
is a dyad-year. Both directions are listed. Coverage 1816–2010.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._mids import mids_table

GML_BIBTEX = """@article{gibleretal2016amid,
  author = {Gibler, Douglas M. and Miller, Steven V. and Little, Erin K.},
  title = {An Analysis of the Militarized Interstate Dispute ({MID}) Dataset, 1816--2001},
  journal = {International Studies Quarterly},
  volume = {60}, number = {4}, pages = {719--730}, year = {2016}
}"""

META = SourceMeta(
    name="gml_mid",
    title="Gibler–Miller–Little militarized interstate disputes, dyad-years (v2.2.1)",
    publisher="Douglas M. Gibler, Steven V. Miller, Erin K. Little; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Gibler, Douglas M., Steven V. Miller and Erin K. Little. 2016. An Analysis of the Militarized "
        "Interstate Dispute (MID) Dataset, 1816-2001. International Studies Quarterly 60(4): 719-730"
    ),
    url="https://github.com/svmiller/gml-mid-data",
    version="2.2.1",
    tables=("mids",),
    files="gml_mid_ddydisps.rda",
    bibtex=GML_BIBTEX,
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("gml_mid reads one file, gml_mid_ddydisps.rda; give exactly one path.")
    t = mids_table(
        Path(paths[0]), META.name, "gml_mid_ddydisps", "gmlmidonset", "gmlmidongoing", one_per_dyad_year=True
    )
    return {"mids": t}
