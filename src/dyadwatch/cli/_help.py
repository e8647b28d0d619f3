"""``dyadwatch --help`` and ``dyadwatch COMMAND --help`` printed from the text this code drew before.

Drawing the help imports Typer, Rich, a Markdown parser and every command module, and lays out panels: about
0.4 s, for a text that depends only on dyadwatch's code, Typer's and Rich's, the words asked for, the terminal
(its size, whether output is one) and the environment (colour settings, ``COLUMNS``, the ``DYADWATCH_*``
variables a default names). The run that draws it keeps it in the cache under a digest of all of those; the next
run with the same digest prints it before Typer is imported. ``dyadwatch cache clear`` removes the texts,
``DYADWATCH_RESULT_CACHE=off`` keeps none.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from dyadwatch import caches

MAX_TEXTS = 50
_VOLATILE = {"PWD", "OLDPWD", "_", "SHLVL"}  # change with every shell or directory, never the help


def asked(argv: list[str]) -> bool:
    """Help after words alone (``dyadwatch claims check --help``): an option before it could change the text."""
    return bool(argv) and argv[-1] == "--help" and all(a and not a.startswith("-") for a in argv[:-1])


def _path(argv: list[str]) -> Path | None:
    if os.environ.get(caches.ENV_RESULTS) == "off":
        return None
    import importlib.util

    h = hashlib.sha256(caches.code_digest().encode())
    for lib in ("typer", "rich"):  # an upgrade draws differently
        spec = importlib.util.find_spec(lib)
        st = os.stat(spec.origin) if spec and spec.origin else None
        h.update(f"{lib}:{st and (st.st_mtime_ns, st.st_size)}\0".encode())
    size = None
    for fd in (0, 1, 2):  # where Rich reads the terminal's size
        with contextlib.suppress(OSError, ValueError):
            size = os.get_terminal_size(fd)
            break
    h.update(f"{argv}\0{size}\0{sys.stdout.isatty()}\0{sys.stdout.encoding}\0".encode())
    h.update(repr(sorted((k, v) for k, v in os.environ.items() if k not in _VOLATILE)).encode())
    return caches._results_dir() / "help" / f"{h.hexdigest()[:32]}.txt"


def print_kept(argv: list[str]) -> None:
    """Print the kept help for ``argv`` and exit as that run did; return if there is none."""
    if not asked(argv):
        return
    path = _path(argv)
    data = caches.read(path) if path else None
    if data is None:
        return
    code, _, text = data.partition(b"\n")
    sys.stdout.buffer.write(text)
    sys.stdout.flush()
    sys.exit(int(code))


class _Tee:
    """stdout as it was (a terminal stays one, for colours and width), with a copy of what is written."""

    def __init__(self, out) -> None:
        self._out, self.parts = out, list[bytes]()

    def write(self, s: str | bytes) -> int:
        self.parts.append(s.encode(self._out.encoding or "utf-8") if isinstance(s, str) else s)
        return self._out.write(s)

    def __getattr__(self, name: str):
        return getattr(self._out, name)


@contextlib.contextmanager
def recording(argv: list[str]) -> Iterator[None]:
    """Around drawing the help: keep what was printed, with the exit code, when it was printed in full."""
    path = _path(argv) if asked(argv) else None
    if path is None:
        yield
        return
    tee = sys.stdout = _Tee(sys.stdout)
    try:
        yield
    except SystemExit as e:
        if e.code in (0, None) and tee.parts:
            caches.keep(path, b"0\n" + b"".join(tee.parts), MAX_TEXTS, "*.txt")
        raise
    finally:
        sys.stdout = tee._out
