"""Ctrl-C and SIGTERM during an ingest: always "interrupted", never blamed on the file.

Some libraries swallow the KeyboardInterrupt raised inside their callbacks
(pyreadr reports "the file is probably truncated"; DuckDB raises "Query
interrupted"). Inside :func:`guard` a signal is also recorded, so the ingest can
tell an interrupted read from a bad file whatever the library turned it into.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_received: list[int] = []


def _handler(signum, frame) -> None:
    _received.append(signum)
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextmanager
def guard() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt and are remembered until the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only delivered to the main thread
        return
    _received.clear()
    old = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def received() -> bool:
    """True if SIGINT or SIGTERM arrived inside the current :func:`guard`."""
    return bool(_received)
