"""A command answering from what an earlier run kept starts fast: ``--help`` from its kept text without Typer,
``assess`` and ``claims check`` from kept results without numpy or pandas, and the table of plain rows they
print is the table a DataFrame of the same rows gives."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch.cli._common import Format, emit


def _run(args: list[str], env: dict[str, str], importtime: bool = False) -> subprocess.CompletedProcess:
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "dyadwatch", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _imported(stderr: str) -> set[str]:
    """Top-level modules that were executed, from ``-X importtime``'s lines."""
    return {line.split("|")[-1].strip().split(".")[0] for line in stderr.splitlines() if line.startswith("import time")}


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("DYADWATCH_DB", "DYADWATCH_ENGINE")}
    # no warehouse (the embedded pack answers), a results folder of the test's own
    e.update(DYADWATCH_RESULT_CACHE=str(tmp_path / "results"), XDG_DATA_HOME=str(tmp_path / "xdg"), COLUMNS="120")
    return e


def test_help_is_drawn_once_then_printed_without_typer(env, tmp_path):
    for words in (["--help"], ["claims", "check", "--help"]):
        first = _run(words, env)
        again = _run(words, env, importtime=True)
        assert first.returncode == again.returncode == 0, first.stderr
        assert again.stdout == first.stdout and "Usage: dyadwatch" in first.stdout
        assert "typer" not in _imported(again.stderr) and "rich" not in _imported(again.stderr)
    assert len(list((tmp_path / "results" / "help").glob("*.txt"))) == 2


def test_a_kept_help_text_is_the_one_drawn_for_that_terminal(env):
    """Each width gets its own text, equal to what Typer draws without the cache."""
    for width in ("60", "140"):
        e = {**env, "COLUMNS": width}
        kept = [_run(["assess", "--help"], e).stdout for _ in range(2)]
        drawn = _run(["assess", "--help"], {**e, "DYADWATCH_RESULT_CACHE": "off"}).stdout
        assert kept[0] == kept[1] == drawn
        assert max(map(len, drawn.splitlines())) == int(width)


def test_help_that_failed_or_came_with_options_is_not_kept(env, tmp_path):
    bad = _run(["no-such-command", "--help"], env)
    assert bad.returncode == 2
    assert _run(["--quiet", "--help"], env).returncode == 0  # an option before it: drawn each time
    assert not list((tmp_path / "results").glob("help/*.txt"))


def test_assess_and_claims_from_kept_results_load_neither_numpy_nor_pandas(env):
    for words in (["assess", "CHN", "RUS"], ["claims", "check"]):
        first = _run(words, env)
        again = _run(words, env, importtime=True)
        assert first.returncode == again.returncode == 0, first.stderr
        assert again.stdout == first.stdout
        assert not {"numpy", "pandas", "pyarrow", "ibis"} & _imported(again.stderr), words


def test_assess_and_claims_print_the_same_with_and_without_kept_results(env):
    off = {**env, "DYADWATCH_RESULT_CACHE": "off"}
    for words in (["assess", "CHN", "RUS", "--scorecard"], ["claims", "check", "--status", "contradicted"]):
        for fmt in ("table", "csv", "json"):
            fresh = _run([*words, "-f", fmt], off)
            _run([*words, "-f", fmt], env)
            kept = _run([*words, "-f", fmt], env)
            assert fresh.returncode == kept.returncode == 0, fresh.stderr
            assert kept.stdout == fresh.stdout, (words, fmt)


def test_a_status_no_claim_has_prints_the_empty_table(env):
    out = _run(["claims", "check", "--status", "no such status"], env)
    assert out.returncode == 0, out.stderr
    assert "┃ id ┃ status ┃" in out.stdout  # headers, and no row


def _table(data) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf), mock.patch.dict(os.environ, {"COLUMNS": "200"}):
        emit(data, Format.table, title="t")
    return buf.getvalue()


_values = st.one_of(
    st.none(),
    st.integers(-(10**7), 10**7),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
    st.sampled_from([0.0, 3.0, 2024.0, math.nan]),
    st.text("ab ·–", max_size=6),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_values, min_size=3, max_size=3), min_size=1, max_size=6), data=st.data())
def test_a_table_of_rows_is_the_table_of_their_frame(rows, data):
    # one type per column, as a command's rows have (a column of numbers and no data, or of text)
    kinds = [data.draw(st.sampled_from(["int", "float", "text", "bool"])) for _ in range(3)]
    fit = {"int": lambda v: v if isinstance(v, int) and not isinstance(v, bool) else None,
           "float": lambda v: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None,
           "text": lambda v: v if isinstance(v, str) else None,
           "bool": lambda v: v if isinstance(v, bool) else None}  # fmt: skip
    records = [{f"c{i}": fit[k](r[i]) for i, k in enumerate(kinds)} for r in rows]
    frame = pd.DataFrame(records)
    assert _table(records) == _table(frame)


def test_no_data_is_shown_for_pandas_na_and_none_alike():
    frame = pd.DataFrame({"x": pd.array([1, None], dtype="Int64"), "y": ["a", None]})
    out = _table(frame)
    assert out.count("no data") == 2
    assert _table([{"x": 1, "y": "a"}, {"x": None, "y": None}]) == out


def test_the_module_answers_from_rows_without_pandas():
    code = (
        "import sys; from dyadwatch.cli._common import emit, Format; "
        "emit([{'a': 1.0, 'b': None}], Format.table); assert 'numpy' not in sys.modules"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ,
                         "COLUMNS": "80"}, cwd=Path(__file__).parent, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "no data" in out.stdout and " 1 " in out.stdout
