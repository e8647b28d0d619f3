"""Altair, described before it is drawn: a warm report takes its charts from the cache without importing Altair.

Sections write charts as Altair code (``alt.Chart(df).mark_line().encode(...)``) against :data:`alt` from here.
Each step only records what was asked. ``base.chart`` digests the record — frames by content, dtypes and column
names, every other argument by value, with the Altair and renderer versions — and reads the SVG cached under
that digest; only when it is missing is the record replayed against the real Altair (about 0.6 s to import, then
a spec built per chart) and rendered. A chart is a pure function of its record, so the digest is its identity:
nothing about the code that built it needs to be part of the key.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import pandas as pd


class Spec:
    """One recorded step: the module itself, an attribute, a call or an operator applied to earlier steps."""

    __slots__ = ("_op",)
    _op: tuple

    def __init__(self, op: tuple) -> None:
        object.__setattr__(self, "_op", op)

    def __getattr__(self, name: str) -> Spec:
        if name.startswith("__"):  # copy, pickle and friends probe for dunders: this is not that kind of object
            raise AttributeError(name)
        return Spec(("attr", self, name))

    def __call__(self, *args: Any, **kwargs: Any) -> Spec:
        return Spec(("call", self, args, kwargs))

    def __repr__(self) -> str:
        return f"<recorded Altair chart {digest(self)[:12]}>"

    # The operators Altair gives meaning to: layer (+), concat (| and &), and expressions on ``alt.datum``.
    def __add__(self, other: Any) -> Spec:
        return Spec(("op", "__add__", self, other))

    def __or__(self, other: Any) -> Spec:
        return Spec(("op", "__or__", self, other))

    def __and__(self, other: Any) -> Spec:
        return Spec(("op", "__and__", self, other))

    def __eq__(self, other: Any) -> Spec:  # type: ignore[override]  # records ``datum.x == v``, as Altair does
        return Spec(("op", "__eq__", self, other))

    def __ne__(self, other: Any) -> Spec:  # type: ignore[override]
        return Spec(("op", "__ne__", self, other))

    def __lt__(self, other: Any) -> Spec:
        return Spec(("op", "__lt__", self, other))

    def __le__(self, other: Any) -> Spec:
        return Spec(("op", "__le__", self, other))

    def __gt__(self, other: Any) -> Spec:
        return Spec(("op", "__gt__", self, other))

    def __ge__(self, other: Any) -> Spec:
        return Spec(("op", "__ge__", self, other))

    __hash__ = None  # type: ignore[assignment]  # == records an expression, so records are not hashable

    def __bool__(self) -> bool:
        # ``if chart:`` would test the record, not the chart: say so instead of answering True.
        raise TypeError("a recorded Altair chart has no truth value; build it with altair_spec.replay first")


alt = Spec(("root",))


def replay(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """The real Altair object a record describes (a step used twice becomes one object, as in the code)."""
    import altair

    memo = {} if memo is None else memo

    def go(v: Any) -> Any:
        if isinstance(v, Spec):
            if id(v) not in memo:
                op = v._op
                if op[0] == "root":
                    memo[id(v)] = altair
                elif op[0] == "attr":
                    memo[id(v)] = getattr(go(op[1]), op[2])
                elif op[0] == "call":
                    memo[id(v)] = go(op[1])(*[go(a) for a in op[2]], **{k: go(x) for k, x in op[3].items()})
                else:
                    memo[id(v)] = getattr(go(op[2]), op[1])(go(op[3]))
            return memo[id(v)]
        if isinstance(v, list | tuple):
            return type(v)(go(x) for x in v)
        if isinstance(v, dict):
            return {k: go(x) for k, x in v.items()}
        return v

    return go(value)


def digest(value: Any) -> str:
    """A hex digest of a record with its data and the versions that draw it: the chart's cache key."""
    h = hashlib.sha256(_versions().encode())
    _feed(h, value)
    return h.hexdigest()


def _feed(h, v: Any) -> None:
    if isinstance(v, Spec):
        op = v._op
        h.update(f"({op[0]}".encode())
        if op[0] == "attr":
            _feed(h, op[1])
            h.update(op[2].encode())
        elif op[0] == "call":
            _feed(h, op[1])
            _feed(h, list(op[2]))
            _feed(h, op[3])
        elif op[0] == "op":
            h.update(op[1].encode())
            _feed(h, op[2])
            _feed(h, op[3])
        h.update(b")")
    elif isinstance(v, pd.DataFrame):
        h.update(f"frame{list(map(str, v.columns))!r}{list(map(str, v.dtypes))!r}{v.shape!r}".encode())
        try:
            h.update(pd.util.hash_pandas_object(v, index=True).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists): their text, which is what the spec would carry
            h.update(v.to_json(orient="split", date_format="iso", double_precision=17).encode())
    elif isinstance(v, pd.Series):
        _feed(h, v.to_frame(name=str(v.name)))
    elif isinstance(v, list | tuple):
        h.update(b"[" if isinstance(v, list) else b"(")
        for x in v:
            _feed(h, x)
            h.update(b",")
        h.update(b"]")
    elif isinstance(v, dict):
        h.update(b"{")
        for k, x in v.items():  # in order: encode(x=…, y=…) keeps its order in the spec
            h.update(f"{k!r}:".encode())
            _feed(h, x)
            h.update(b",")
        h.update(b"}")
    else:
        h.update(f"{type(v).__name__}:{v!r};".encode())


@cache
def _versions() -> str:
    from importlib.metadata import version

    return f"altair {version('altair')}; vl-convert-python {version('vl-convert-python')}\n"
