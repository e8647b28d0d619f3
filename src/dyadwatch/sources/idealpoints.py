"""Published UNGA ideal points (Bailey, Strezhnev and Voeten method), Voeten's Stata file.

Reads ``IdealpointsJuly2025.dta`` (and later releases with the same
variables). ``ideal_point`` is ``idealpointall`` — estimated from all votes
(final passage, paragraphs and amendments), the same votes dyadwatch's own
estimator sees — with the 5% and 95% posterior quantiles (``q5all``,
``q95all``) as a 90% interval. Years without an all-votes estimate (2024 in
the July 2025 release) stay NULL. Countries are matched by COW code, as the
vote files are, so joins with the votes are exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import require_columns, sniff, unknown_codes, whole_numbers

META = SourceMeta(
    name="idealpoints",
    title="United Nations General Assembly Ideal Points (IdealpointsJuly2025.dta)",
    publisher="Erik Voeten (Georgetown University), Harvard Dataverse",
    licence="CC0 (Harvard Dataverse default terms for the UNGA voting dataverse)",
    citation=(
        "Bailey, Michael A., Anton Strezhnev, and Erik Voeten. 2017. Estimating Dynamic State Preferences "
        "from United Nations Voting Data. Journal of Conflict Resolution 61 (2): 430-56. "
        "Data: Voeten, Erik, UNGA ideal points, version July 28, 2025, Harvard Dataverse, hdl:1902.1/12379"
    ),
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    version="July 28, 2025 (years 1946-2024)",
    tables=("ideal_points",),
    files="IdealpointsJuly2025.dta (Stata)",
    bibtex="""@article{bailey2017,
  author = {Bailey, Michael A. and Strezhnev, Anton and Voeten, Erik},
  title = {Estimating Dynamic State Preferences from United Nations Voting Data},
  journal = {Journal of Conflict Resolution},
  volume = {61}, number = {2}, pages = {430--456}, year = {2017},
  doi = {10.1177/0022002715595700}
}""",
)

_COLUMNS = ["ccode", "year", "idealpointall", "q5all", "q95all", "nvotesall"]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("idealpoints reads one file, IdealpointsJuly2025.dta; give exactly one path.")
    path = Path(paths[0])
    head = sniff(path, META.name, "a Stata .dta file")
    # Stata 117+ files open with "<stata_dta>"; older formats with a version byte 0x71..0x73 (113-115).
    if not (head.startswith(b"<stata_dta>") or head[:1] in (b"\x71", b"\x72", b"\x73")):
        raise SourceFormatError(
            f"{path}: not a Stata .dta file (no Stata header); expected IdealpointsJuly2025.dta. "
            "Fix: download the .dta from the publisher (see `dyadwatch cite idealpoints`)."
        )
    try:
        df = pd.read_stata(path, convert_categoricals=False)
    except Exception as e:  # pandas raises ValueError/struct.error/EOFError for damaged files
        raise SourceFormatError(
            f"{path}: cannot be read as a Stata file ({type(e).__name__}: {e}); it may be truncated. "
            "Fix: download it again from the publisher."
        ) from e
    require_columns(df, _COLUMNS, path, META.name)
    df = df.reset_index(drop=True)
    df.index = df.index + 1
    bad_year = df["year"].isna() | (df["year"] % 1 != 0)
    if bad_year.any():
        raise SourceFormatError(f"{path}: column 'year' has missing or fractional values (rows {_rows(bad_year)}).")
    cmap = countries.cow_to_iso3_map()
    # Stored as small integers: a fractional or out-of-range code, year or count is damage, never a value.
    df = whole_numbers(df, ["ccode", "year", "nvotesall"], path, META.name,
                       {"ccode": (1, 999), "year": (1946, 2100), "nvotesall": (0, 1_000_000)},
                       ("ccode", "year"), (0, 0), first=1, what="data row")  # fmt: skip
    df["ccode"] = pd.to_numeric(df["ccode"], errors="coerce")
    if df["ccode"].isna().any():
        raise SourceFormatError(f"{path}: column 'ccode' has missing values (rows {_rows(df['ccode'].isna())}).")
    unknown_codes(df["ccode"].astype(int).unique().tolist(), cmap, path, "ccode", "COW codes")
    out = pd.DataFrame(
        {
            "iso3": df["ccode"].astype(int).map(cmap),
            "cow": df["ccode"].astype("int16"),
            "year": df["year"].astype("int16"),
            "ideal_point": df["idealpointall"].astype(float),
            "ideal_point_lo": df["q5all"].astype(float),
            "ideal_point_hi": df["q95all"].astype(float),
            "n_votes": df["nvotesall"].astype("Int32"),
        },
        index=df.index,
    )
    # The release lists a few states twice in their entry year (e.g. ccode 260 next to 255 for
    # Germany in 1990), the extra row without an estimate: drop such empty duplicates.
    dup = out.duplicated(["iso3", "year"], keep=False)
    out = out[~(dup & out["ideal_point"].isna())]
    dup = out.duplicated(["iso3", "year"], keep=False)
    if dup.any():
        sample = out.loc[dup, ["iso3", "year"]].head(4).to_dict("records")
        raise SourceFormatError(
            f"{path}: {int(dup.sum())} rows give two estimates for one state-year (rows {_rows(dup)}, e.g. {sample}). "
            "Fix: use the publisher's file unmodified."
        )
    bad = out["ideal_point"].notna() & ~(out["ideal_point_lo"] <= out["ideal_point_hi"])
    if bad.any():
        raise SourceFormatError(f"{path}: q5all exceeds q95all in rows {_rows(bad)}; the file is damaged.")
    return {"ideal_points": pa.Table.from_pandas(out, preserve_index=False)}


def _rows(mask: pd.Series) -> list[int]:
    return mask.index[mask.to_numpy()][:5].tolist()
