"""CAMEO event codes and the Goldstein conflict-cooperation scale, as GDELT publishes them.

Two tab-separated files with a header: ``CAMEO.eventcodes.txt``
(``CAMEOEVENTCODE``, ``EVENTDESCRIPTION``) and ``CAMEO.goldsteinscale.txt``
(``CAMEOEVENTCODE``, ``GOLDSTEINSCALE``). Either or both; codes are kept as
text with their leading zeros ("010" is not "10").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import check_complete
from dyadwatch.sources.text import read_utf8

META = SourceMeta(
    name="cameo",
    title="CAMEO event codes and Goldstein scale",
    publisher="Philip A. Schrodt et al. (CAMEO codebook); files as distributed by the GDELT Project",
    licence="open (CAMEO codebook; GDELT lookup files)",
    citation=(
        "Schrodt, Philip A. 2012. CAMEO Conflict and Mediation Event Observations Event and Actor Codebook, "
        "version 1.1b3; Goldstein, Joshua S. 1992. A Conflict-Cooperation Scale for WEIS Events Data. "
        "Journal of Conflict Resolution 36(2): 369-385"
    ),
    url="https://www.gdeltproject.org/data/lookups/",
    version="GDELT lookups CAMEO.eventcodes.txt, CAMEO.goldsteinscale.txt",
    tables=("cameo_codes",),
    mode="update",  # the event codes and the Goldstein scale fill different columns of one row
    key=("code",),
    files="CAMEO.eventcodes.txt and/or CAMEO.goldsteinscale.txt (tab-separated, with header)",
)

_KINDS = {"EVENTDESCRIPTION": "description", "GOLDSTEINSCALE": "goldstein"}


def _read(path: Path) -> tuple[str, dict[str, str], dict[str, int]]:
    """(kind, {code: value}, {code: line in the file})."""
    text = read_utf8(path, META.name)
    check_complete(path, META.name)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    except csv.Error as e:  # a stray carriage return inside a line
        raise SourceFormatError(
            f"{path}: cannot be read as a tab-separated lookup file ({e}). Fix: download it again from "
            "https://www.gdeltproject.org/data/lookups/."
        ) from None
    header = [h.strip().upper() for h in rows[0]]
    if len(header) != 2 or header[0] != "CAMEOEVENTCODE" or header[1] not in _KINDS:
        raise SourceFormatError(
            f"{path}: line 1 is {rows[0]!r}; expected the tab-separated header CAMEOEVENTCODE followed by "
            "EVENTDESCRIPTION or GOLDSTEINSCALE. Fix: download the lookup file from "
            "https://www.gdeltproject.org/data/lookups/."
        )
    out, lines = {}, {}
    for i, r in enumerate(rows[1:], start=2):
        if not r or not "".join(r).strip():
            continue
        if len(r) != 2 or not r[0].strip().isdigit() or not 2 <= len(r[0].strip()) <= 4:
            raise SourceFormatError(
                f"{path}: line {i} is {r!r}; expected a 2- to 4-digit CAMEO code, a tab, and a value."
            )
        out[r[0].strip()] = r[1].strip()
        lines[r[0].strip()] = i
    return _KINDS[header[1]], out, lines


def file_role(path: Path) -> str:
    """``eventcodes`` or ``goldstein``: which of the two lookup files this is (its identity in the warehouse)."""
    return {"description": "eventcodes", "goldstein": "goldstein"}[_read(Path(path))[0]]


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    """The codes with the columns the given files provide: a file of one kind leaves the other column out,
    so an ingest (mode ``update``) fills it without erasing what the other file gave."""
    parts: dict[str, dict[str, str]] = {}
    where: dict[str, tuple[str, int]] = {}  # code → (file, line) of its Goldstein value, else its description
    for p in map(Path, paths):
        kind, values, lines = _read(p)
        parts[kind] = values
        for c in values:
            if kind == "goldstein" or c not in where:
                where[c] = (str(p), lines[c])
    if not parts:
        raise SourceFormatError("cameo needs CAMEO.eventcodes.txt and/or CAMEO.goldsteinscale.txt.")
    codes = sorted(set().union(*(v.keys() for v in parts.values())))
    if not codes:
        raise SourceFormatError(
            f"{', '.join(map(str, paths))}: the lookup file has a header but no codes (a failed download?). "
            "Fix: download it again from https://www.gdeltproject.org/data/lookups/."
        )
    cols: dict[str, pa.Array] = {
        "code": pa.array(codes, pa.string()),
        "root_code": pa.array([c[:2] for c in codes], pa.string()),
        "level": pa.array([len(c) - 1 for c in codes], pa.int8()),  # 1 root, 2 base, 3 detailed
    }
    if "description" in parts:
        cols["description"] = pa.array([parts["description"].get(c) for c in codes], pa.string())
    if "goldstein" in parts:
        gold = []
        for c in codes:
            v = parts["goldstein"].get(c)
            try:
                gold.append(float(v) if v not in (None, "") else None)
            except ValueError:
                raise SourceFormatError(f"Goldstein value {v!r} of CAMEO code {c} is not a number.") from None
        cols["goldstein"] = pa.array(gold, pa.float64())
    cols["_line"] = pa.array([where[c][1] for c in codes], pa.int64())  # for validate.py's messages
    return {"cameo_codes": pa.table(cols)}
