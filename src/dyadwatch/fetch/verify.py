"""Is a downloaded body the publisher's file? Checks run before a download is renamed into the cache.

Each refusal names the URL and the fix: an empty body, an HTML page (a login
wall or an error page served with status 200), a Git LFS pointer, a file whose
first bytes are not the expected format, a size or checksum that differs from
the one the publisher (or the recipe) states.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dyadwatch.errors import ChecksumError, FetchError

# First bytes of each format a recipe can ask for; "text"/"csv" are checked for NUL-free text instead.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "xlsx": (b"PK\x03\x04",),
    "gzip": (b"\x1f\x8b",),
    "tar.gz": (b"\x1f\x8b",),
    "rda": (b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"RDX2\n", b"RDX3\n"),
    "dta": (b"<stata_dta>", b"\x72", b"\x73", b"\x71", b"\x6f", b"\x6e"),
}
TEXT_FORMATS = {"csv", "text", "json", "tsv"}


def digest(path: Path, algorithm: str = "sha256") -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_body(path: Path, url: str, fmt: str | None) -> None:
    """Refuse the usual wrong bodies: empty, HTML, LFS pointer, wrong format."""
    with open(path, "rb") as f:
        head = f.read(4096)
    again = "Fix: check the URL in a browser; if the publisher moved the file, update the recipe or use --url."
    if not head:
        raise FetchError(f"{url}: the server sent an empty body; nothing was saved. {again}")
    if head.startswith(b"version https://git-lfs"):
        raise FetchError(
            f"{url}: the server sent a Git LFS pointer, not the data; nothing was saved. "
            "Fix: use the repository's media URL (…/media/… or ?raw=true on an LFS-backed file) or the publisher's own."
        )
    low = head.lstrip().lower()
    if fmt not in ("html", "xml") and (low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:512]):
        login = any(w in low for w in (b"login", b"log in", b"sign in", b"password", b"captcha"))
        what = "a login page" if login else "an HTML page (an error or landing page)"
        raise FetchError(
            f"{url}: the server sent {what} instead of the data; nothing was saved. "
            + (
                "Fix: download the file in a browser after logging in and give it to `dyadwatch ingest`, or "
                "accept the publisher's terms first."
                if login
                else again
            )
        )
    if fmt in MAGIC and not head.startswith(MAGIC[fmt]):
        raise FetchError(
            f"{url}: the body is not a {fmt} file (it starts with {head[:8]!r}); nothing was saved. {again}"
        )
    if fmt in TEXT_FORMATS and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FetchError(f"{url}: expected {fmt} text but the body is binary; nothing was saved. {again}")


def check_digests(
    path: Path, url: str, *, sha256: str | None = None, md5: str | None = None, size: int | None = None
) -> str:
    """Compare size, MD5 and sha256 with the expected values; return the sha256."""
    got_size = path.stat().st_size
    if size is not None and got_size != size:
        raise ChecksumError(
            f"{url}: {got_size:,} bytes received but the publisher lists {size:,}; the download is incomplete "
            "or the file changed. Nothing was saved. Fix: run the command again; if it persists, the publisher "
            "updated the file: refresh the file list (GDELT's master list) or the recipe."
        )
    if md5 is not None:
        got = digest(path, "md5")
        if got != md5.lower():
            raise ChecksumError(
                f"{url}: MD5 {got} differs from the published {md5}; the file is damaged. Nothing was saved. "
                "Fix: run the command again; if it persists, report it to the publisher."
            )
    got = digest(path, "sha256")
    if sha256 is not None and got != sha256.lower():
        raise ChecksumError(
            f"{url}: sha256 {got} differs from the expected {sha256} of this release; nothing was saved. "
            "Fix: if the publisher re-issued the file, pass --version latest (no fixed checksum) or update the "
            "recipe's sha256 after checking the new file; otherwise run the command again."
        )
    return got
