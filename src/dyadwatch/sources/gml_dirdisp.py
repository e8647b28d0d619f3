"""Gibler–Miller–Little MIDs (v2.2.1), every dispute per directed dyad-year (``gml_dirdisp.rda``).

Unlike ``gml_mid`` this keeps every dispute (a dyad-year can have several)
and the revisionism codes (``revstate``). Coverage 1816–2010.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._mids import mids_table
from dyadwatch.sources.gml_mid import GML_BIBTEX

META = SourceMeta(
    name="gml_dirdisp",
    title="Gibler–Miller–Little militarized interstate disputes, directed dispute-dyad-years (v2.2.1)",
    publisher="Douglas M. Gibler, Steven V. Miller, Erin K. Little; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Gibler, Douglas M., Steven V. Miller and Erin K. Little. 2016. An Analysis of the Militarized "
        "Interstate Dispute (MID) Dataset, 1816-2001. International Studies Quarterly 60(4): 719-730"
    ),
    url="https://github.com/svmiller/gml-mid-data",
    version="2.2.1",
    tables=("mids",),
    files="gml_dirdisp.rda",
    bibtex=GML_BIBTEX.replace("gibleretal2016amid", "gibleretal2016amid_dirdisp"),
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("gml_dirdisp reads one file, gml_dirdisp.rda; give exactly one path.")
    return {"mids": mids_table(Path(paths[0]), META.name, "gml_dirdisp", "midonset", "midongoing",
                               one_per_dyad_year=False)}  # fmt: skip
