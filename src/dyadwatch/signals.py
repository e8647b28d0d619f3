"""Ctrl-C and SIGTERM: always "interrupted", never blamed on the file, never a traceback.

Some libraries swallow the KeyboardInterrupt raised inside their callbacks
(pyreadr then reports "the file is probably truncated"; DuckDB raises "Query
interrupted"; an interrupted lazy import leaves a half-made module). So a
signal is also *recorded*: the ingest and the CLI ask :func:`received` and
treat whatever error followed as the interrupt it was.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_received: list[int] = []
_committed: list[str] = []  # what this process has committed, for an honest "interrupted" message
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


_target: list[str] = []  # what an ingest writes: "warehouse" (default) or "lake", for the message
_held: list[bool] = []  # inside deferred(): record the signal, raise it when the block ends


def _handler(signum, frame) -> None:
    _received.append(signum)
    if _held:
        return
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _unraisable(unraisable) -> None:
    # A KeyboardInterrupt raised inside a C callback (pyreadr) is "ignored" with a printed traceback.
    if _received or isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def installed() -> bool:
    return signal.getsignal(signal.SIGINT) is _handler


@contextmanager
def guard(clear: bool = True) -> Iterator[None]:
    """Inside the block SIGINT and SIGTERM raise KeyboardInterrupt and are remembered.

    Nested or under the CLI (which guards the whole command) it changes nothing.
    """
    if threading.current_thread() is not threading.main_thread() or installed():
        yield  # signals are only delivered to the main thread
        return
    if clear:
        _received.clear()
    old = {s: signal.getsignal(s) for s in _SIGNALS}
    old_hook = sys.unraisablehook
    for s in _SIGNALS:
        signal.signal(s, _handler)
    sys.unraisablehook = _unraisable
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        sys.unraisablehook = old_hook


def install() -> None:
    """For the CLI process: guard from now until it exits."""
    if threading.current_thread() is threading.main_thread():
        for s in _SIGNALS:
            signal.signal(s, _handler)
        sys.unraisablehook = _unraisable


def ended() -> None:
    """For the CLI process once its command is over: later signals are ignored, the exit code stands."""
    if installed():  # only a process that install()ed: a test calling the CLI in-process keeps its Ctrl-C
        for s in _SIGNALS:
            signal.signal(s, signal.SIG_IGN)


def received() -> bool:
    """True if SIGINT or SIGTERM arrived inside the current guard."""
    return bool(_received)


@contextmanager
def deferred(what: str) -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs (a COMMIT), then record ``what`` as committed.

    A signal that arrives during the COMMIT is raised after it, once ``what`` is recorded: the interrupt
    then reports that the change was saved instead of claiming the warehouse is unchanged. (Masking the
    signal would not do: DuckDB's worker threads would receive it and Python runs the handler anyway.)
    """
    seen = len(_received)
    _held.append(True)
    try:
        yield
        _committed.append(what)
    finally:
        _held.pop()
    if len(_received) > seen and not _held:
        raise KeyboardInterrupt(signal.Signals(_received[-1]).name)


def committed() -> list[str]:
    """What this process committed (ingests, migrations), oldest first."""
    return list(_committed)


def target(what: str) -> None:
    """Name what this process writes ("lake"), so the interrupt message names it."""
    _target[:] = [what]


def interrupted_message() -> str:
    """The line the CLI prints on an interrupt: unchanged, or what had already been saved."""
    if not _committed:
        return f"Interrupted; the {_target[0] if _target else 'warehouse'} is unchanged."
    return f"Interrupted after saving {', '.join(_committed)}; nothing after that was written."
