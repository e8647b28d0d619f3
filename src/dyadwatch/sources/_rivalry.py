"""Strategic rivalries as spells: a pair of states, first and last year, and the rivalry's types.

Thompson and Dreyer list up to three types per rivalry (``type1``..``type3``,
words); the TSS update codes each type as a 1/NA column. Both become the
same flags (1 = coded, 0 = not) so readers never care which one they have.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources._conflict import iso3_of, no_repeats, whole

TYPES = ("spatial", "positional", "ideological", "interventionary")


def spells(df: pd.DataFrame, path: Path, *, rid: str, name: str, start: str, end: str, flags: pd.DataFrame,
           region: pd.Series | None, principal: pd.Series | None) -> pa.Table:  # fmt: skip
    a, b = whole(df, "ccode1", path), whole(df, "ccode2", path)
    lo, hi = whole(df, start, path), whole(df, end, path)
    bad = lo > hi
    if bad.any():
        row = int(bad.idxmax())
        raise SourceFormatError(
            f"{path}: row {row}: the rivalry ends ({hi.loc[row]}) before it starts ({lo.loc[row]})."
        )
    out = pd.DataFrame(
        {
            "rivalry_id": whole(df, rid, path).astype("int32"),
            "name": df[name].astype(str),
            "iso3_a": iso3_of(a, path, "ccode1", strict=False),
            "iso3_b": iso3_of(b, path, "ccode2", strict=False),
            "cow_a": a.astype("int16"),
            "cow_b": b.astype("int16"),
            "start": lo.astype("int16"),
            "end": hi.astype("int16"),
            "region": region.astype(object) if region is not None else None,
        }
    )
    for t in TYPES:
        out[t] = flags[t].astype("Int8")
    out["principal"] = principal.astype("Int8") if principal is not None else pd.array([pd.NA] * len(df), "Int8")
    no_repeats(out, ["rivalry_id"], path, "a rivalry id")
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
