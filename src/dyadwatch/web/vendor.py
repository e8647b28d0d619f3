"""Vega, Vega-Lite and Vega-Embed for the browser, served by the dashboard itself (no CDN; works offline).

The bundle is not committed: ``vl_convert.javascript_bundle()`` (vl-convert-python, already a
dependency for the report's SVG charts) writes the three libraries and their dependencies as one
script, in about 8 s. It is built once per vl-convert version into the user cache directory and
kept in memory after that. The only vendored file is ``static/vendor/vega-interpreter.js``
(9 KB, BSD-3-Clause): it evaluates Vega expressions without ``eval``, so the dashboard's
Content-Security-Policy needs no ``'unsafe-eval'``.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from pathlib import Path

HEADER = (
    "/*! Vega, Vega-Lite and Vega-Embed (BSD-3-Clause, University of Washington Interactive Data Lab) and their\n"
    " * dependencies (d3 modules: ISC; others: see /static/vendor/LICENSES.md), bundled by vl-convert-python {v}\n"
    " * (BSD-3-Clause) for dyadwatch serve. */\n"
)
_lock = threading.Lock()


def _vlc_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def cache_path() -> Path:
    from dyadwatch.caches import cache_dir

    return cache_dir(f"vega-bundle-vlc{_vlc_version()}.js")


@cache
def bundle() -> bytes:
    """The bundle's bytes: from the cache file, else built (once, under a lock) and written atomically."""
    with _lock:
        path = cache_path()
        if path.exists():
            return path.read_bytes()
        import vl_convert as vlc

        # The stub says ``snippet: str``; the function's signature is ``snippet=None`` (the default snippet).
        text = HEADER.format(v=_vlc_version()) + vlc.javascript_bundle()  # type: ignore[call-arg]
        data = text.encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return data


def warm() -> threading.Thread:
    """Build or load the bundle in the background, so the first chart does not wait for it."""
    t = threading.Thread(target=bundle, name="vega-bundle", daemon=True)
    t.start()
    return t
