"""Charts are rendered once: the SVG of a spec is cached under the hash of its spec, data and renderer."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from dyadwatch.report import base


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "charts"
    monkeypatch.setenv("DYADWATCH_CHART_CACHE", str(d))
    return d


def _chart(values) -> alt.Chart:
    df = pd.DataFrame({"year": list(range(2000, 2000 + len(values))), "agreement": values})
    return alt.Chart(df).mark_line().encode(x="year:O", y="agreement:Q")


def test_a_chart_is_rendered_once_then_read_back(cache):
    c = _chart([0.5, 0.7, 0.9])
    first = base.chart(c)
    assert first == f'<figure class="chart">{vlc.vegalite_to_svg(c.to_dict())}</figure>'
    (cached,) = cache.glob("*.svg")
    # The second call reads the file: prove it by marking the file (the renderer could not produce this).
    cached.write_text(cached.read_text("utf-8").replace("<svg", "<svg data-from-cache='1'", 1), "utf-8")
    assert "data-from-cache" in base.chart(_chart([0.5, 0.7, 0.9]))


def test_other_data_or_spec_is_another_chart(cache):
    base.chart(_chart([0.5, 0.7, 0.9]))
    base.chart(_chart([0.5, 0.7, 0.8]))
    base.chart(_chart([0.5, 0.7, 0.9]).mark_point())
    assert len(list(cache.glob("*.svg"))) == 3


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DYADWATCH_CHART_CACHE", str(blocker / "charts"))
    assert base.chart(_chart([0.1, 0.2])).startswith('<figure class="chart"><svg')


def test_the_cache_is_pruned_oldest_first(cache, monkeypatch):
    import os

    monkeypatch.setattr(base, "CACHE_MAX_CHARTS", 3)
    for i in range(3):
        base.chart(_chart([0.1, 0.2, i / 10]))
    oldest = sorted(cache.glob("*.svg"), key=lambda f: f.stat().st_mtime)[0]
    os.utime(oldest, (1, 1))
    base.chart(_chart([0.3, 0.4]))  # the fourth chart: over the limit, the oldest half goes
    left = list(cache.glob("*.svg"))
    assert len(left) == 2 and oldest not in left and not list(cache.glob("*.tmp"))


def test_the_default_cache_is_the_user_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("DYADWATCH_CHART_CACHE", raising=False)
    monkeypatch.delenv("DYADWATCH_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert base.chart_cache_dir() == tmp_path / "dyadwatch" / "charts"


# ------------------------------------------------------------- recorded charts (report/altair_spec.py)


def _layered(alt, values):
    """One chart with shared steps, layers, a datum filter and +, written once against either module."""
    df = pd.DataFrame({"year": list(range(2000, 2000 + len(values))), "agreement": values, "dyad": "CHN–RUS"})
    base_chart = alt.Chart(df)
    band = (
        base_chart.transform_filter(alt.datum.dyad == "CHN–RUS")
        .mark_area(opacity=0.2)
        .encode(x=alt.X("year:Q", axis=alt.Axis(format="d")), y="agreement:Q")
    )
    line = base_chart.mark_line().encode(x="year:Q", y=alt.Y("agreement:Q", title=None))
    return alt.layer(band, line).properties(width=300, title="t") + base_chart.mark_point().encode(x="year:Q")


def _recorded(values):
    from dyadwatch.report.altair_spec import alt as rec

    return _layered(rec, values)


def _direct(values):
    return _layered(alt, values)


def test_a_recorded_chart_replays_to_the_same_altair_spec():
    from dyadwatch.report.altair_spec import replay

    assert replay(_recorded([0.5, 0.7, 0.9])).to_dict() == _direct([0.5, 0.7, 0.9]).to_dict()


def test_a_recorded_chart_is_the_figure_altair_would_draw(cache):
    assert base.chart(_recorded([0.5, 0.7, 0.9])) == base.chart(_direct([0.5, 0.7, 0.9]))
    assert len(list(cache.glob("alt-*.svg"))) == 1  # and kept under its record's digest


def test_the_record_digest_follows_data_and_spec():
    from dyadwatch.report.altair_spec import alt as rec
    from dyadwatch.report.altair_spec import digest

    one = digest(_recorded([0.5, 0.7, 0.9]))
    assert one == digest(_recorded([0.5, 0.7, 0.9]))
    assert one != digest(_recorded([0.5, 0.7, 0.8]))  # other data
    assert one != digest(_recorded([0.5, 0.7, 0.9]).properties(height=10))  # other spec
    df = pd.DataFrame({"x": [1, 2]})
    assert digest(rec.Chart(df)) != digest(rec.Chart(df.astype("float64")))  # other dtype, same numbers
    assert digest(rec.Chart(df).encode(x="x", y="y")) != digest(rec.Chart(df).encode(y="y", x="x"))


def test_a_recorded_chart_has_no_truth_value():
    from dyadwatch.report.altair_spec import alt as rec

    with pytest.raises(TypeError, match="no truth value"):
        bool(rec.Chart(pd.DataFrame({"x": [1]})))


def test_a_warm_report_never_imports_altair(tmp_path, fresh_machine):
    """The second report of the same data takes every chart from the cache: Altair is not even imported."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from dyadwatch.report import build_report\n"
        f"build_report('CHN', 'RUS', {str(tmp_path / 'r.html')!r}, force=True, warn=None)\n"
        "print('altair' in sys.modules)\n"
    )
    env = {**__import__("os").environ, "DYADWATCH_CHART_CACHE": str(tmp_path / "charts")}
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.split()[-1] == "True" and second.stdout.split()[-1] == "False"
