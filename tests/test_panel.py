"""Panels: row counts equal the published frames, blocks' NULLs outside coverage, writers, CLI, bad input."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conflict_data import conflict_warehouse
from dyadwatch import panel
from dyadwatch.errors import NoDataError, UnitOfAnalysisError
from dyadwatch.panel.frames import PanelOptionError
from dyadwatch.panel.writers import OutputFormatError
from helpers import run_cli


@pytest.fixture(scope="module")
def cw(tmp_path_factory, shared):
    wh = conflict_warehouse(tmp_path_factory, shared)
    yield wh
    wh.close()


def test_frames_row_counts_equal_the_published_frames(cw):
    assert panel.build(cw).expr.count().execute() == 2_214_930
    assert panel.build(cw, system="gw").expr.count().execute() == 2_599_466
    und = panel.build(cw, directed=False).expr.count().execute()
    assert und * 2 == 2_214_930
    sy = panel.build(cw, "state-year").expr.count().execute()
    assert sy == cw.con.execute("SELECT count(DISTINCT (code_a, year)) FROM dyad_frames WHERE system = 'cow' "
                                "AND year <= 2016").fetchone()[0]  # fmt: skip


def test_five_states_with_every_block(cw, tmp_path):
    p = panel.build(cw, states=["CHN", "RUS", "IND", "PAK", "USA"], year_from=1946,
                    add=["votes", "alliances", "mids", "rivalry", "capabilities", "gdp", "igos", "trade",
                         "democracy", "idealpoints"])  # fmt: skip
    df = p.to_pandas().set_index(["iso3_a", "iso3_b", "year"])
    r = df.loc[("CHN", "RUS", 1969)]
    assert r.rivalry == 1 and r.rivalry_ideological == 1 and r.mid_ongoing == 1 and r.mid_hostlev == 4
    assert df.loc[("IND", "PAK", 2001)].mid_onset == 1 and df.loc[("IND", "PAK", 2001)].mid_fatal == 1
    # Outside coverage: NULL, never 0 (GML ends 2010, Thompson–Dreyer 2010, ATOP 2018, COW trade 2014).
    late = df.loc[("IND", "PAK", 2020)]
    assert pd.isna(late.mid_onset) and pd.isna(late.rivalry) and pd.isna(late.atop_defense)
    assert pd.isna(late.imports_a_from_b) and pd.isna(df.loc[("IND", "PAK", 2019)].dyad_igos)
    assert df.loc[("USA", "RUS", 2005)].rivalry == 0  # inside TD coverage, no rivalry listed: 0
    # Directed: a→b and b→a mirror each other for trade.
    assert df.loc[("CHN", "RUS", 2010)].imports_a_from_b == df.loc[("RUS", "CHN", 2010)].imports_b_from_a
    assert df.loc[("CHN", "RUS", 2010)].cinc_ratio == pytest.approx(1 / df.loc[("RUS", "CHN", 2010)].cinc_ratio)


def test_relevant_dyads_need_a_major_power(cw):
    df = panel.build(cw, relevant=True, year_from=1990, year_to=1990).to_pandas()
    majors = {2, 200, 220, 365, 710}  # the 1990 major powers
    assert len(df) > 0 and (df.code_a.isin(majors) | df.code_b.isin(majors)).all()


@pytest.mark.parametrize("ext", ["parquet", "csv", "dta", "feather"])
def test_writers_and_sidecars(cw, tmp_path, ext):
    p = panel.build(cw, states=["CHN", "RUS", "USA"], year_from=2000, add=["mids", "rivalry", "capabilities"])
    out = panel.write(p, tmp_path / f"p.{ext}", cw)
    reader = {"parquet": pd.read_parquet, "csv": pd.read_csv, "dta": pd.read_stata, "feather": pd.read_feather}[ext]
    back = reader(out.path)
    assert len(back) == out.rows == 6 * 25  # 6 directed dyads × 2000–2024
    cb = pd.read_csv(tmp_path / "p.codebook.csv")
    assert set(cb.column) == set(p.expr.columns) and cb.meaning.notna().all() and (cb.source != "").all()
    bib = (tmp_path / "p.bib").read_text()
    # peacesciencer's defaults: GML MIDs, Thompson–Dreyer rivalries; each cited once, nothing unused.
    assert (
        "@article{gibleretal2016amid" in bib and "@book{thompsondreyer2012hir" in bib and "@article{singer1987" in bib
    )
    assert "palmeretal2021mid5" not in bib and "thompsonetal2022asr" not in bib
    man = json.loads((tmp_path / "p.manifest.json").read_text())
    assert man["rows"] == out.rows and set(man["inputs"]) == {"ddy", "gml_mid", "td_rivalry", "cow_nmc"}
    assert all(len(d) == 64 for v in man["inputs"].values() for d in v["sha256"])
    cov = out.coverage.set_index("column")
    assert cov.loc["mid_onset"].source_years == "1816–2010" and cov.loc["rivalry"].source_years == "1494–2010"
    if ext == "dta":
        with pd.io.stata.StataReader(out.path) as r:
            labels = r.variable_labels()
        assert labels["mid_onset"].startswith("a new militarized interstate dispute")


def test_parquet_coverage_counts_equal_a_recount(cw, tmp_path):
    p = panel.build(cw, year_from=1990, year_to=2000, add=["mids", "igos"])
    out = panel.write(p, tmp_path / "x.parquet", cw)
    t = pq.read_table(out.path).to_pandas()
    for r in out.coverage.itertuples():
        assert r.with_value == t[r.column].notna().sum() and r.rows == len(t)


def test_bad_requests_are_one_clear_error(cw, tmp_path):
    with pytest.raises(OutputFormatError, match=r"\.xlsx"):
        panel.write(panel.build(cw, year_from=2000, year_to=2000), tmp_path / "p.xlsx", cw)
    assert not (tmp_path / "p.xlsx").exists()
    with pytest.raises(PanelOptionError, match="Unknown block 'wars'"):
        panel.build(cw, add=["wars"])
    with pytest.raises(PanelOptionError, match="dyadic"):
        panel.build(cw, "state-year", add=["mids"])
    with pytest.raises(PanelOptionError, match="cow or gw"):
        panel.build(cw, system="polity")


def test_the_unit_check_refuses_a_mislabelled_table(cw, monkeypatch):
    from dyadwatch import tables

    spec = tables.TABLES["capabilities"]
    monkeypatch.setitem(tables.TABLES, "capabilities", tables.TableSpec(spec.name, "dyad-year (directed)",
                                                                         spec.schema, spec.doc))  # fmt: skip
    with pytest.raises(UnitOfAnalysisError, match="needs 'state-year'"):
        panel.build(cw, add=["capabilities"])


def test_an_empty_warehouse_says_what_to_ingest(tmp_path):
    from dyadwatch.warehouse import Warehouse

    with Warehouse(tmp_path / "e.duckdb") as wh, pytest.raises(NoDataError, match="ingest ddy"):
        panel.build(wh)


def test_cli_writes_the_panel_and_prints_coverage(cw, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DYADWATCH_DB", str(cw.path))
    out = tmp_path / "d.csv"
    code, so, se = run_cli(capsys, "panel", "dyad-year", "--states", "IND,PAK", "--from", "1998", "--to", "2003",
                           "--add", "mids,rivalry", "--source", "mids=gml_mid", "--out", out)  # fmt: skip
    assert code == 0, se
    assert "12 rows" in so and "Coverage" in so and (tmp_path / "d.bib").exists()
    df = pd.read_csv(out)
    assert df.mid_fatal.max() == 1 and set(df.rivalry) == {1}
    code, so, se = run_cli(capsys, "panel", "dyad-year", "--out", tmp_path / "d.txt")
    assert code == 2 and ".txt" in se
    code, so, se = run_cli(capsys, "panel", "state-year", "--add", "capabilities", "--states", "CHN",
                           "--out", tmp_path / "s.parquet")  # fmt: skip
    assert code == 0 and pd.read_parquet(tmp_path / "s.parquet").cinc.notna().sum() > 50
