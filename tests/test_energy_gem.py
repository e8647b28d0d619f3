"""GEM pipeline tracker: UTF-16 reading, corrupt start years reported with rows, capacities in bcm/y."""

from __future__ import annotations

import pandas as pd
import pytest

from dyadwatch.errors import SourceFormatError
from dyadwatch.indicators import energy
from dyadwatch.sources import gem
from dyadwatch.warehouse import Warehouse

TRACKER = "energy/gem_asia_gas_tracker_utf16.csv"


def test_utf16_tracker_with_corrupt_years_reported(shared, wh_path):
    raw = pd.read_csv(shared / TRACKER, encoding="utf-16", dtype=str)
    pipes = raw[raw["type"] == "gas_pipeline"]
    years = pipes.start_year.dropna()
    corrupt = years[~years.str.fullmatch(r"\d{4}( \(expected\))?")]
    with Warehouse(wh_path) as wh:
        res = wh.ingest(gem, [shared / TRACKER])
        assert res.rows["pipelines"] == len(pipes)
        note = next(n for n in res.notes if "corrupt start_year" in n)
        assert f"{len(corrupt)} pipeline rows" in note
        first = int(corrupt.index[0]) + 2
        assert f"line {first} " in note
        n_null = wh.con.execute("SELECT count(*) FROM pipelines WHERE start_year IS NULL").fetchone()[0]
        assert n_null == pipes.start_year.isna().sum() + len(corrupt)
        comp = energy.article_comparisons(wh).set_index("pipeline")
    assert comp.loc["Power of Siberia", "capacity_bcm_y"] == 38.0
    assert comp.loc["Power of Siberia 2", "capacity_bcm_y"] == 50.0
    assert pd.isna(comp.loc["Nord Stream 1+2", "capacity_bcm_y"])  # not in an Asia tracker: said, not invented
    assert "not in the ingested registry" in comp.loc["Nord Stream 1+2", "note"]


def test_utf8_subset_and_unit_conversion(shared, wh_path):
    with Warehouse(wh_path) as wh:
        wh.ingest(gem, [shared / "energy/gem_pipelines_ru_ca_cn_subset.csv"])
        df = energy.pipelines(wh, country="Russia")
    tk = df[df.name.str.startswith("Trans-Korea")].iloc[0]
    assert tk.capacity_bcm_y == pytest.approx(1071 * 28_316.846592 * 365 / 1e9)


def test_utf16_without_bom_is_refused(tmp_path):
    p = tmp_path / "gem.csv"
    p.write_bytes("project,unit,type\nA,,gas_pipeline\n".encode("utf-16-le"))
    with pytest.raises(SourceFormatError, match="UTF-16"):
        gem.load([p])


def test_parse_start_year():
    y, bad = gem.parse_start_year(pd.Series(["2019", "2", "199", "2026 (expected)", None, "abc"]))
    assert y.tolist()[:4] == [2019, pd.NA, pd.NA, 2026]
    assert bad.tolist() == [False, True, True, False, False, True]


def test_comparison_with_a_user_extract(shared, wh_path, tmp_path):
    """Nord Stream is not in the Asia tracker; a GEM-format extract from the Europe tracker adds it."""
    head = "project,unit,type,owner,parent,countries,status_tabular,start_year,capacity,production,units,url,status\n"
    rows = (
        'Nord Stream Gas Pipeline,Line 1,gas_pipeline,,Nord Stream AG,"Russia, Germany",idle,2011,55,,bcm/y,u,idle\n'
        'Nord Stream Gas Pipeline,Line 2,gas_pipeline,,Nord Stream AG,"Russia, Germany",idle,2012,55,,bcm/y,u,idle\n'
        'Nord Stream 2 Gas Pipeline,,gas_pipeline,,Nord Stream 2 AG,"Russia, Germany",idle,2021,55,,bcm/y,u,idle\n'
    )
    eu = tmp_path / "gem_europe_extract.csv"
    eu.write_text(head + rows)
    with Warehouse(wh_path) as wh:
        wh.ingest(gem, [shared / "energy/gem_pipelines_ru_ca_cn_subset.csv", eu])
        comp = energy.article_comparisons(wh).set_index("pipeline")
    assert comp.loc["Nord Stream 1+2", "capacity_bcm_y"] == 110.0  # 55 (one project, two lines) + 55
    assert comp.loc["Power of Siberia", "share_of_nord_stream"] == pytest.approx(38 / 110)
