"""Published headline figures (statistics offices, central banks), kept apart from computed ones.

A CSV with ``metric, period, value, unit`` and the publisher (``publisher`` or
``source_org``) and ``url``; optional ``entity_a``, ``entity_b``, ``note``.
Where the entities are not given they are read from the metric's prefix, as in
the shared file (``cn_ru_trade_turnover`` → CHN, RUS; ``kz_cn_trade`` → KAZ,
CHN; ``cny_share_…`` → the currency metric of RUS).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import require_columns, sniff

META = SourceMeta(
    name="facts",
    title="Published facts: headline figures from statistics offices and central banks",
    publisher="the publisher named on each row (GACC, Russian FCS, Bank of Russia, MOFCOM, national statistics)",
    licence="facts as published; each row names its publisher and page",
    citation="Each figure is cited to its publisher and the page it was read from (`dyadwatch cite facts`)",
    url="",  # no one page: `dyadwatch cite facts` lists each row's publisher and page
    extra={"per_row": True},
    version="as ingested",
    tables=("facts",),
    files="a CSV of metric,period,value,unit,publisher(or source_org),url — e.g. reference_facts.csv",
    mode="update",  # a user's own facts file adds to the published ones
    key=("metric", "period", "publisher"),
)

# Two-letter tokens used in metric names (ISO2, lower case): data/countries.yaml, codes.facts.
_ISO2 = countries.code_map("facts")
_PERIOD = re.compile(r"^\d{4}((-\d{2})|H[12]|Q[1-4]|[A-Z][a-z]{2}-[A-Z][a-z]{2})?$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_months(label: str) -> tuple[str, str]:
    """The first and last month (YYYY-MM) of a facts period: 2022, 2022-12, 2022H1, 2023Q1 or 2023Jan-Aug.

    Labels compare as text only within one spelling ("2023Jan-Aug" sorts after "2023-12"): order by these.
    """
    label = str(label).strip()
    if not _PERIOD.match(label):
        raise ValueError(f"not a facts period: {label!r} (write 2022, 2022-12, 2022H1, 2023Q1 or 2023Jan-Aug)")
    y, rest = label[:4], label[4:]
    if not rest:
        lo, hi = 1, 12
    elif rest.startswith("-"):
        lo = hi = int(rest[1:])
    elif rest[0] == "H":
        lo = 1 + 6 * (int(rest[1]) - 1)
        hi = lo + 5
    elif rest[0] == "Q":
        lo = 1 + 3 * (int(rest[1]) - 1)
        hi = lo + 2
    else:
        lo, hi = MONTHS.index(rest[:3]) + 1, MONTHS.index(rest[4:]) + 1
    return f"{y}-{lo:02d}", f"{y}-{hi:02d}"


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    return {"facts": pa.concat_tables([_read(Path(p)) for p in paths])}


def entities(metric: str) -> tuple[str | None, str | None]:
    """The states a metric is about, from its two-letter tokens (``ru_share_of_cn_trade`` → RUS, CHN)."""
    found = [_ISO2[t] for t in metric.split("_") if t in _ISO2]
    if not found and metric.split("_")[0] in ("cny", "rub", "usd", "eur", "unfriendly"):
        found = ["RUS"]  # the currency metrics in the shared file are the Bank of Russia's
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def _read(path: Path) -> pa.Table:
    sniff(path, META.name, "a facts CSV (metric,period,value,unit,publisher,url)", records=True)
    try:
        df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    except (UnicodeDecodeError, pd.errors.ParserError) as e:
        raise SourceFormatError(f"{path}: cannot be read as a UTF-8 CSV ({e}).") from e
    if "publisher" not in df.columns and "source_org" in df.columns:
        df = df.rename(columns={"source_org": "publisher"})
    require_columns(df, ["metric", "period", "value", "unit", "publisher", "url"], path, META.name)
    line = np.arange(len(df)) + 2
    value = pd.to_numeric(df.value, errors="coerce")
    bad = value.isna()
    if bad.any():
        raise SourceFormatError(
            f"{path}: column 'value' is not a number at lines {line[bad.to_numpy()][:10].tolist()}."
        )
    nopub = df.publisher.isna() | df.url.isna()
    if nopub.any():
        raise SourceFormatError(
            f"{path}: every fact needs its publisher and url; missing at lines {line[nopub.to_numpy()][:10].tolist()}."
        )
    badp = ~df.period.astype(str).str.match(_PERIOD)
    if badp.any():
        raise SourceFormatError(
            f"{path}: periods {df.period[badp].tolist()[:5]} at lines {line[badp.to_numpy()][:10].tolist()} are not "
            "understood: write 2022, 2022-12, 2022H1, 2023Q1 or 2023Jan-Aug."
        )
    dup = df.duplicated(["metric", "period", "publisher"], keep=False)
    if dup.any():
        raise SourceFormatError(
            f"{path}: the same metric, period and publisher repeat at lines {line[dup.to_numpy()].tolist()[:10]}."
        )
    ents = df.metric.map(entities)
    ea = df["entity_a"] if "entity_a" in df.columns else ents.str[0]
    eb = df["entity_b"] if "entity_b" in df.columns else ents.str[1]
    out = pd.DataFrame(
        {
            "metric": df.metric, "entity_a": ea, "entity_b": eb, "period": df.period, "value": value,
            "unit": df.unit, "publisher": df.publisher, "url": df.url, "note": df.get("note"), "_line": line,
        }
    )  # fmt: skip
    return pa.Table.from_pandas(out, preserve_index=False)
