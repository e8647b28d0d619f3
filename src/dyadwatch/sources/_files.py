"""Checks shared by every loader: recognise the usual wrong files early.

A Git LFS pointer saved in place of the data, an HTML error page saved under
the data's name, an empty or truncated download, the wrong encoding: each
gets one message naming the file, what was expected and the fix.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from dyadwatch.errors import SourceFormatError

_REDOWNLOAD = "download the file again from the publisher (see `dyadwatch cite {source}`)"


class DataWarning(UserWarning):
    """Something in a file that a reader must know, but that is not an error."""


def warn(message: str) -> None:
    """Tell the user about the data; the warehouse stores it with the ingest."""
    warnings.warn(message, DataWarning, stacklevel=2)


def sniff(path: Path, source: str, expected: str) -> bytes:
    """Return the file's first bytes after rejecting the common wrong files."""
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(f"{path}: no such file; expected {expected}.")
    with open(path, "rb") as f:
        head = f.read(4096)
    fix = _REDOWNLOAD.format(source=source)
    if not head:
        raise SourceFormatError(f"{path}: the file is empty; expected {expected}. Fix: {fix}.")
    if head.startswith(b"version https://git-lfs"):
        raise SourceFormatError(
            f"{path}: this is a Git LFS pointer, not the data; expected {expected}. "
            f"Fix: run `git lfs pull` in the repository it came from, or {fix}."
        )
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:512]:
        raise SourceFormatError(
            f"{path}: this is an HTML/XML page (an error or login page saved under the data's name), "
            f"not {expected}. Fix: {fix}."
        )
    return head


def read_rdata(path: Path, source: str, expected_object: str | None = None) -> pd.DataFrame:
    """Read one data frame from an R .rda/.RData file with clear errors."""
    return read_rdata_named(path, source, expected_object)[1]


def read_rdata_named(path: Path, source: str, expected_object: str | None = None) -> tuple[str, pd.DataFrame]:
    """:func:`read_rdata` and the R object's name, from one parse (``pyreadr.list_objects`` parses again)."""
    head = sniff(path, source, "an R data file (.rda/.RData)")
    if not (head[:2] == b"\x1f\x8b" or head[:3] in (b"BZh", b"\xfd7z") or head[:5] in (b"RDX2\n", b"RDX3\n")):
        raise SourceFormatError(
            f"{path}: not an R data file (it does not start with the gzip/bzip2/xz or RDX header); "
            f"expected an .rda/.RData file for source {source!r}. Fix: {_REDOWNLOAD.format(source=source)}."
        )
    import pyreadr

    try:
        objects = pyreadr.read_r(str(path))
    except Exception as e:  # pyreadr raises its own LibrdataError, and others on truncation
        raise SourceFormatError(
            f"{path}: the R data file cannot be read ({type(e).__name__}: {e}); it is probably truncated "
            f"or corrupt. Fix: {_REDOWNLOAD.format(source=source)} and check its sha256."
        ) from e
    if not objects:
        raise SourceFormatError(f"{path}: the R data file holds no data frame.")
    if expected_object is not None:
        if expected_object not in objects:
            raise SourceFormatError(
                f"{path}: expected an R object named {expected_object!r} but found {list(objects)}; "
                f"is this the right file for source {source!r}? `dyadwatch sources` lists each source's files."
            )
        return expected_object, objects[expected_object]
    return next(iter(objects.items()))


def require_columns(df: pd.DataFrame, columns: list[str], path: Path, source: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SourceFormatError(
            f"{path}: missing column(s) {missing} that source {source!r} expects; the file has "
            f"{list(df.columns)[:20]}. Is this a file of another source? `dyadwatch sources` lists "
            "which files each source reads."
        )


def unknown_codes(values, mapping: dict, path: Path, column: str, what: str) -> None:
    """Fail naming the codes in ``column`` that ``mapping`` does not know."""
    bad = sorted(
        {int(v) if isinstance(v, float) and v.is_integer() else v for v in values if v not in mapping}, key=str
    )
    if bad:
        raise SourceFormatError(
            f"{path}: column {column!r} has {what} dyadwatch does not know: {bad[:10]}"
            f"{' …' if len(bad) > 10 else ''}. Fix: check the file is the publisher's; if the codes are "
            "right, report them so countries.py can learn them."
        )
