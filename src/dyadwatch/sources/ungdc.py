"""UN General Debate Corpus (UNGDC): one plain-text speech per country and session.

Layout as published: ``YEAR/ISO3_SESSION_YEAR.txt`` (e.g. ``2022/CHN_77_2022.txt``),
UTF-8. Give the corpus folder (every ``YEAR/*.txt`` under it), year folders,
or single speech files. The corpus uses ``EU`` for the European Union; it is
kept as ``EUU`` (the ISO-reserved alpha-3 the World Bank uses) with a warning.
Files before 1971 under ``CHN`` are the Republic of China's delegation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import warn
from dyadwatch.sources.text import SCHEMA, read_utf8

META = SourceMeta(
    name="ungdc",
    title="UN General Debate Corpus (UNGDC)",
    publisher="Slava Jankin, Alexander Baturo, Niheer Dasandi",
    licence="free for research with citation (Harvard Dataverse)",
    citation=(
        "Jankin, Slava, Alexander Baturo, and Niheer Dasandi. Words to unite nations: The complete UN General "
        "Debate Corpus, 1946-present. Journal of Peace Research; and Baturo, Dasandi and Mikhaylov (2017), "
        "Understanding State Preferences With Text As Data: Introducing the UN General Debate Corpus, "
        "Research & Politics"
    ),
    url="https://doi.org/10.7910/DVN/0TJX8Y",
    version="v12 (2024) layout YEAR/ISO3_SESSION_YEAR.txt",
    tables=("speeches",),
    files="the corpus folder (YEAR/ISO3_SESSION_YEAR.txt), year folders or speech files",
    mode="add",  # one file is one part of the data
    bibtex="""@article{baturo2017,
  author = {Baturo, Alexander and Dasandi, Niheer and Mikhaylov, Slava J.},
  title = {Understanding State Preferences With Text As Data: Introducing the {UN} General Debate Corpus},
  journal = {Research \\& Politics},
  volume = {4},
  number = {2},
  year = {2017},
  doi = {10.1177/2053168017712821}
}""",
)

NAME = re.compile(r"^(?P<code>[A-Z]{2,3})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")
FIRST_SESSION_YEAR = 1945  # session 1 opened in 1946: year = session + 1945
_SPECIAL = {"EU": "EUU"}


def speech_files(paths: Sequence[Path]) -> list[Path]:
    """The speech files named by ``paths`` (folders are searched for YEAR/*.txt)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            year_dirs = (
                [p]
                if re.fullmatch(r"\d{4}", p.name)
                else sorted(d for d in p.iterdir() if d.is_dir() and re.fullmatch(r"\d{4}", d.name))
            )
            found = sorted(f for d in year_dirs for f in d.glob("*.txt"))
            if not found:
                raise SourceFormatError(
                    f"{p}: no speech files (YEAR/ISO3_SESSION_YEAR.txt) in this folder. Fix: give the UNGDC "
                    "corpus folder, which holds one folder per year (1946, …, 2023)."
                )
            out.extend(found)
        else:
            out.append(p)
    return out


# For the warehouse/CLI: a source may expand folders into files before they are hashed and read.
expand_paths = speech_files


def parse_name(path: Path) -> tuple[str, int, int]:
    """(code, session, year) from ``ISO3_SESSION_YEAR.txt``, or a SourceFormatError with the fix."""
    m = NAME.match(path.name)
    if not m:
        raise SourceFormatError(
            f"{path}: the file name does not follow the UNGDC layout ISO3_SESSION_YEAR.txt "
            "(e.g. CHN_77_2022.txt). Fix: keep the corpus's file names; add other texts with "
            "`dyadwatch ingest text FILE --country X --date D`."
        )
    return m["code"], int(m["session"]), int(m["year"])


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    files = speech_files(paths)
    if not files:
        raise SourceFormatError("ungdc needs the corpus folder or speech files; none given.")
    rows: dict[str, list] = {k: [] for k in ("iso3", "year", "session", "date", "kind", "title", "text", "file")}
    special: set[str] = set()
    odd_session: list[str] = []
    codes: dict[str, str] = {}
    parsed = [(f, *parse_name(f)) for f in files]  # every name checked before any text is read
    for f, code, session, year in parsed:
        if code not in codes:
            if code in _SPECIAL:
                codes[code] = _SPECIAL[code]
                special.add(code)
            else:
                try:
                    codes[code] = countries.resolve(code).iso3
                except DyadwatchError as e:
                    raise SourceFormatError(f"{f}: country code {code!r} in the file name is unknown: {e}") from e
        if session + FIRST_SESSION_YEAR != year:
            odd_session.append(f.name)
        text = read_utf8(f, META.name)
        for k, v in (("iso3", codes[code]), ("year", year), ("session", session), ("date", None), ("kind", "ungd"),
                     ("title", f"UN General Debate, session {session} ({year})"), ("text", text),
                     ("file", str(f))):  # fmt: skip
            rows[k].append(v)
    if special:
        warn(f"UNGDC speakers that are not states kept under ISO-reserved codes: {sorted(special)} → EUU.")
    if odd_session:
        warn(f"UNGDC files whose session number does not match the year (session + 1945): {odd_session[:10]}.")
    return {"speeches": pa.table(rows, schema=SCHEMA)}
