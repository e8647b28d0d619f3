"""The dyadic MID layout shared by GML and COW (peacesciencer's ``*_ddydisps`` and ``gml_dirdisp``).

One row per dispute, directed dyad and year, both directions listed: columns
ending in 1 describe ``ccode1`` (side a), in 2 ``ccode2``. Codes follow the
MID codebook: ``hiact`` highest action (0 none … 21 join interstate war),
``hostlev`` hostility level (1 no militarized action, 2 threat, 3 display,
4 use of force, 5 war), ``fatality`` level (0 none … 6 > 999 deaths),
``orig`` originator, ``revstate`` revisionist. -9 (unknown) becomes NULL.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources._conflict import code_flag, frame, iso3_of, no_repeats, whole, years

SIDES = ("sidea", "fatality", "hiact", "hostlev", "orig", "revstate")
HOSTLEV = {1: "no militarized action", 2: "threat to use force", 3: "display of force", 4: "use of force", 5: "war"}


def _nulls(n: int) -> pd.api.extensions.ExtensionArray:
    return pd.array([pd.NA] * n, "Int8")


def mids_table(path: Path, source: str, obj: str, onset: str, ongoing: str, *, one_per_dyad_year: bool) -> pa.Table:
    """Canonical ``mids`` rows from a dyadic MID frame; ``onset``/``ongoing`` name its flag columns."""
    need = ["dispnum", "ccode1", "ccode2", "year", onset, ongoing, "sidea1", "sidea2", "hostlev", "fatality"]
    df = frame(path, source, obj, need)
    a, b = whole(df, "ccode1", path), whole(df, "ccode2", path)
    out = pd.DataFrame(
        {
            "dispnum": whole(df, "dispnum", path).astype("int32"),
            "iso3_a": iso3_of(a, path, "ccode1"),
            "iso3_b": iso3_of(b, path, "ccode2"),
            "cow_a": a.astype("int16"),
            "cow_b": b.astype("int16"),
            "year": years(df, "year", path, 1816, 2100),
            "onset": code_flag(df, onset, path),
            "ongoing": code_flag(df, ongoing, path),
        }
    )
    for col in SIDES:
        for side, n in (("a", "1"), ("b", "2")):
            out[f"{col}_{side}"] = code_flag(df, col + n, path) if col + n in df else _nulls(len(df))
    for col in ("fatality", "hostlev", "recip", "stmon"):
        out[col] = code_flag(df, col, path) if col in df else _nulls(len(df))
    bad = ~out.hostlev.isna() & ~out.hostlev.isin(list(HOSTLEV))
    if bad.any():
        row = int(bad.idxmax())
        raise SourceFormatError(
            f"{path}: row {row}, column 'hostlev' = {out.hostlev.loc[row]} is not a MID hostility level (1-5). "
            "Fix: use the publisher's file unchanged."
        )
    keys = ["cow_a", "cow_b", "year"] if one_per_dyad_year else ["dispnum", "cow_a", "cow_b", "year"]
    no_repeats(out, keys, path, "a dyad-year" if one_per_dyad_year else "a dispute-dyad-year")
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)
