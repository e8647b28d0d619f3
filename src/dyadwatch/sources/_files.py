"""Checks shared by every loader: recognise the usual wrong files early.

A Git LFS pointer saved in place of the data, an HTML error page saved under
the data's name, an empty or truncated download, the wrong encoding: each
gets one message naming the file, what was expected and the fix.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import pandas as pd

from dyadwatch.errors import SourceFormatError, TruncatedFileError

_REDOWNLOAD = "download the file again from the publisher (see `dyadwatch cite {source}`)"


class DataWarning(UserWarning):
    """Something in a file that a reader must know, but that is not an error."""


def warn(message: str) -> None:
    """Tell the user about the data; the warehouse stores it with the ingest."""
    warnings.warn(message, DataWarning, stacklevel=2)


BOMS = ((b"\xef\xbb\xbf", "UTF-8 with a byte-order mark"), (b"\xff\xfe", "UTF-16 LE"), (b"\xfe\xff", "UTF-16 BE"))


def strip_bom(head: bytes) -> bytes:
    """The bytes without a leading UTF-8 byte-order mark (Excel and Windows tools write one)."""
    return head[3:] if head.startswith(BOMS[0][0]) else head


def encoding_of(head: bytes) -> str:
    """In words, the encoding the first bytes show, for messages that reject a file."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head[:512]:
        return "UTF-16 without a byte-order mark, or binary"
    try:
        head[:4000].decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError as e:
        return "UTF-8" if e.start > 3990 else "not UTF-8 (a legacy code page such as Windows-1252?)"


def check_complete(path: Path, source: str) -> None:
    """A record file ends with a line break; one that does not was cut mid-record (a truncated download).

    Every publisher file dyadwatch reads ends with one, and so do exports from Excel, R and pandas.
    """
    path = Path(path)
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        if size == 0:
            return
        f.seek(max(size - 2, 0))
        tail = f.read(2)
    # UTF-16 (with or without its byte-order mark) ends "\n\0" (little-endian) or "\0\n" (big-endian).
    if tail.endswith((b"\n", b"\r")) or tail == b"\n\x00":
        return
    with open(path, "rb") as f:
        lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
    raise TruncatedFileError(
        f"{path}: line {lines + 1}, the last, does not end with a line break: the file was cut mid-record "
        f"(a truncated download or export), so its last rows would be lost or wrong. Nothing was changed. "
        f"Fix: {_REDOWNLOAD.format(source=source)}; if the file is complete, end it with a line break."
    )


def sniff(path: Path, source: str, expected: str, records: bool = False) -> bytes:
    """Return the file's first bytes after rejecting the common wrong files.

    ``records``: the file is a table of text lines (CSV, TSV), which must not end mid-record."""
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
    if records and not head.startswith((b"PK", b"\xd0\xcf\x11\xe0")):  # an .xlsx (a zip) or OLE: no lines
        check_complete(path, source)
    return head


# An .xlsx is a zip of XML; the publishers' workbooks unpack to a few MB. Far more is a zip bomb.
XLSX_MAX_UNPACKED = 512 * 1024 * 1024
XLSX_MAX_RATIO = 200
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container Excel wraps encrypted workbooks (and old .xls) in


def check_xlsx(path: Path, source: str) -> None:
    """Refuse, with one message, a workbook openpyxl would choke on: encrypted, damaged, or a zip bomb."""
    import zipfile

    path = Path(path)
    fix = _REDOWNLOAD.format(source=source)
    with open(path, "rb") as f:
        head = f.read(8)
    if head == _OLE:
        raise SourceFormatError(
            f"{path}: this is an encrypted (password-protected) workbook or an old binary .xls, not an .xlsx. "
            "Fix: open it in Excel, remove the password (File > Info > Protect Workbook) and save it as an "
            f"Excel workbook (.xlsx); or {fix}."
        )
    if not head.startswith(b"PK"):
        raise SourceFormatError(f"{path}: not an Excel workbook (.xlsx is a zip archive; this is not one). Fix: {fix}.")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise SourceFormatError(
            f"{path}: the Excel workbook is damaged or truncated ({e}). Fix: {fix} and check its size."
        ) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise SourceFormatError(f"{path}: a zip archive but not an Excel workbook (no xl/workbook.xml). Fix: {fix}.")
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unpacked > XLSX_MAX_UNPACKED or (unpacked > 50 * 1024 * 1024 and unpacked / packed > XLSX_MAX_RATIO):
        raise SourceFormatError(
            f"{path}: the workbook would unpack to {unpacked / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB "
            f"({unpacked / packed:,.0f}x): far beyond any publisher's table (a zip bomb?); it was not opened. "
            f"Fix: {fix}."
        )


def read_excel(path: Path, source: str, **kwargs) -> pd.DataFrame:
    """The first sheet of an .xlsx, after :func:`check_xlsx`; any openpyxl failure is one message."""
    check_xlsx(path, source)
    try:
        return pd.read_excel(path, **kwargs)
    except Exception as e:  # openpyxl raises many kinds (KeyError, BadZipFile, XML errors) on damage
        first = str(e).splitlines()[0][:200] if str(e) else ""
        raise SourceFormatError(
            f"{path}: the Excel workbook cannot be read ({type(e).__name__}: {first}); it is damaged. "
            f"Fix: {_REDOWNLOAD.format(source=source)}."
        ) from None


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
        # pyreadr prints the traceback of an error raised in its callbacks (a Ctrl-C) before it fails;
        # the ingest reports the interrupt itself, so that print is kept off the terminal.
        with contextlib.redirect_stderr(io.StringIO()):
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


def whole_numbers(
    df: pd.DataFrame,
    columns: list[str],
    path: Path,
    source: str,
    bounds: dict[str, tuple[int, int]],
    required: tuple[str, ...],
    default: tuple[int, int],
    first: int = 2,
    what: str = "line",
) -> pd.DataFrame:
    """The columns as whole numbers within their bounds; one SourceFormatError naming column and lines otherwise.

    ``first`` is the line (or data row) of the frame's first row: 2 for a CSV with a header, 1 for an R frame.
    """
    df = df.copy()
    for c in columns:
        raw = df[c]
        num = pd.to_numeric(raw, errors="coerce")
        lo, hi = bounds.get(c, default)
        bad = (raw.notna() & num.isna()) | (num.notna() & ((num % 1 != 0) | (num < lo) | (num > hi)))
        if c in required:
            bad |= num.isna()
        if bad.any():
            where = (pd.RangeIndex(len(df))[bad.to_numpy()] + first).tolist()[:10]
            raise SourceFormatError(
                f"{path}: column {c!r} at {what}(s) {where} holds {raw[bad].astype(str).tolist()[:3]}, not a whole "
                f"number from {lo} to {hi}{' (required)' if c in required else ''}. The file is damaged or was "
                f"edited. Fix: {_REDOWNLOAD.format(source=source)}."
            )
        df[c] = num
    return df
