"""Any statement the user adds (a joint statement, a speech, a communiqué) as plain UTF-8 text.

``dyadwatch ingest text FILE --country X --date D --kind statement``: the
ingest command passes its ``key=value`` options through, so ``load`` takes
``country`` (one state, or several separated by commas for a joint
statement: one row per signatory), ``date`` (YYYY-MM-DD, or YYYY), ``kind``
(default ``statement``) and ``title`` as keyword arguments. In Python:
``wh.ingest(text.with_options(country="CHN,RUS", date="2022-02-04"), [path])``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import sniff

META = SourceMeta(
    name="text",
    title="Statements added by the user (plain text)",
    publisher="as stated by the user for each file",
    licence="as the text's publisher allows; kept in your warehouse only",
    citation="Texts added with `dyadwatch ingest text`",
    url="",
    version="user files",
    tables=("speeches",),
    files="plain UTF-8 text files, with --country, --date and optionally --kind, --title",
    mode="add",  # one file is one part of the data
    extra={"options": ("country", "date", "kind", "title")},
)

SCHEMA = pa.schema(
    [("iso3", pa.string()), ("year", pa.int16()), ("session", pa.int16()), ("date", pa.date32()),
     ("kind", pa.string()), ("title", pa.string()), ("text", pa.string()), ("file", pa.string())]
)  # fmt: skip
_USAGE = "Fix: `dyadwatch ingest text FILE --country CHN --date 2022-02-04 --kind statement`."


def read_utf8(path: Path, source: str) -> str:
    """The file's text, or a SourceFormatError naming the first undecodable byte and the fix."""
    sniff(path, source, "a plain UTF-8 text file")
    raw = Path(path).read_bytes()
    if b"\x00" in raw[:4096]:
        raise SourceFormatError(
            f"{path}: the file holds binary data (NUL bytes): a PDF, Word or UTF-16 file? dyadwatch reads "
            "plain UTF-8 text. Fix: save or convert it as plain text, UTF-8 (e.g. `pdftotext`, `iconv -t UTF-8`)."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SourceFormatError(
            f"{path}: not UTF-8 text: byte 0x{raw[e.start]:02x} at offset {e.start} (line {line}) cannot be "
            "decoded. Fix: convert the file to UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.txt`."
        ) from e
    if not text.strip():
        raise SourceFormatError(f"{path}: the file holds only whitespace; expected the text of a statement.")
    return text


def parse_date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if re.fullmatch(r"\d{4}", s):
        return dt.date(int(s), 1, 1)
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise SourceFormatError(f"date {value!r} is not YYYY-MM-DD (or YYYY). {_USAGE}") from None


def load(
    paths: Sequence[Path],
    *,
    country: str | None = None,
    date: str | dt.date | None = None,
    kind: str = "statement",
    title: str | None = None,
) -> dict[str, pa.Table]:
    """One ``speeches`` row per file and country; ``country`` and ``date`` are required."""
    if not country:
        raise SourceFormatError(f"The text source needs the speaker's country (--country). {_USAGE}")
    if date is None:
        raise SourceFormatError(f"The text source needs the statement's date (--date). {_USAGE}")
    try:
        iso3s = [countries.resolve(c).iso3 for c in str(country).split(",") if c.strip()]
    except DyadwatchError as e:
        raise SourceFormatError(f"--country {country!r}: {e}") from e
    day = parse_date(date)
    rows: dict[str, list] = {k: [] for k in ("iso3", "year", "session", "date", "kind", "title", "text", "file")}
    for p in map(Path, paths):
        text = read_utf8(p, META.name)
        for iso3 in iso3s:
            for k, v in (("iso3", iso3), ("year", day.year), ("session", None), ("date", day),
                         ("kind", kind), ("title", title or p.stem), ("text", text), ("file", str(p))):  # fmt: skip
                rows[k].append(v)
    if not rows["file"]:
        raise SourceFormatError(f"No file given. {_USAGE}")
    return {"speeches": pa.table(rows, schema=SCHEMA)}


def with_options(**options) -> types.SimpleNamespace:
    """A source object for ``Warehouse.ingest`` with the options bound (country, date, kind, title)."""
    unknown = set(options) - set(META.extra["options"])
    if unknown:
        raise SourceFormatError(f"Unknown option(s) {sorted(unknown)} for the text source. {_USAGE}")
    return types.SimpleNamespace(META=META, load=functools.partial(load, **options))
