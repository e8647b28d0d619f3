"""Writing files for people safely: atomically, never through a link, never over someone's file.

* :func:`write_text` writes to a temporary file in the target's folder and renames it into
  place, so a reader (or a crash) never sees half a report; a symbolic link at the target is
  refused (with ``force``, the link itself is replaced, never the file it points to); an
  existing file that is not one of dyadwatch's outputs is refused unless ``force``.
* :func:`neutralise_csv` defuses spreadsheet formulas: a text cell starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` (OWASP's advice against CSV
  injection), so a pipeline named ``=HYPERLINK(…)`` opens in Excel as text. ``--format
  csv-raw`` writes the values unchanged, for programs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dyadwatch.errors import OutputError

MARKER = '<meta name="generator" content="dyadwatch">'  # in every report: "this file is ours"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_ours(path: Path, marker: str = MARKER) -> bool:
    """True if the file at ``path`` is a dyadwatch output (its first 4 KB hold ``marker``)."""
    try:
        with open(path, "rb") as f:
            return marker.encode() in f.read(4096)
    except OSError:
        return False


def write_text(path: str | Path, text: str, *, force: bool = False, marker: str = MARKER) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename; return the path."""
    path = Path(path)
    fix = "choose another --out, or pass --force to replace it"
    if path.is_symlink():
        if not force:
            raise OutputError(
                f"{path} is a symbolic link (to {os.readlink(path)}); dyadwatch does not write through links, "
                f"so the file it points to is left alone. Fix: {fix} (the link, not its target, is replaced)."
            )
    elif path.is_dir():
        raise OutputError(f"{path} is a folder. Fix: give a file name ending in .html, or the folder's parent.")
    elif path.exists() and not force and not is_ours(path, marker):
        raise OutputError(f"{path} exists and is not a dyadwatch report; it was left as it is. Fix: {fix}.")
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)  # atomic in one folder; replaces a link itself, never its target
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"Cannot write {path}: {e.strerror or e}. Nothing was written. Fix: {fix}.") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def neutralise_cell(value):
    """``'`` + the text when a spreadsheet would read it as a formula; anything else unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_csv(df):
    """A copy of the pandas DataFrame with every text cell (and column name) neutralised."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or str(out[c].dtype) in ("string", "str"):
            out[c] = out[c].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


# --------------------------------------------------------------------------- machine-readable tables

SIGNIFICANT = 12  # one precision policy for CSV and JSON: 12 significant digits, as the pack stores them


def machine_frame(df, dyad: tuple[str, str] | None = None):
    """A result as CSV and JSON write it: the dyad's codes first, whole numbers as integers, other numbers
    at ``SIGNIFICANT`` digits.

    ``dyad`` (ISO3 codes of A and B) adds ``a``, ``b``, ``a_cow`` and ``b_cow`` unless the table names its
    states itself (``iso3_a``/``iso3_b`` or ``a``/``b``): a file joined later with others must say which pair
    it is about. COW codes follow the row's year where there is one (Germany is 260 until 1990, then 255).
    """
    import pandas as pd

    from dyadwatch import countries

    out = df.copy()
    if dyad is not None and not ({"iso3_a", "iso3_b"} <= set(out.columns) or {"a", "b"} <= set(out.columns)):
        years = out["year"] if "year" in out.columns else pd.Series([None] * len(out), index=out.index)
        lead = {"a": dyad[0], "b": dyad[1]}
        for side, iso3 in lead.items():
            out.insert(list(lead).index(side), side, iso3)
        for i, (side, iso3) in enumerate(lead.items()):
            cow = [countries.to_cow(iso3, int(y) if pd.notna(y) else None) for y in years]
            out.insert(2 + i, f"{side}_cow", pd.array(cow, dtype="Int64"))
    for c in out.columns:
        col = out[c]
        if col.dtype.kind != "f" or not col.notna().any():
            continue
        vals = col.dropna()
        if ((vals % 1) == 0).all() and vals.abs().max() < 2**53:  # ranks, codes, counts, whole money
            out[c] = col.astype("Int64")
        else:
            out[c] = col.map(lambda v: float(f"{v:.{SIGNIFICANT}g}") if pd.notna(v) else v)
    return out
