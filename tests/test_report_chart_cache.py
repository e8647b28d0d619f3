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
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert base.chart_cache_dir() == tmp_path / "dyadwatch" / "charts"
