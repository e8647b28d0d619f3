"""The verdict: CHN–RUS is an alignment (not an alliance) recently; treaty allies are alliances."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyadwatch import api, assess


@pytest.fixture(autouse=True)
def _fresh_machine(monkeypatch, tmp_path):
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the default location, empty


@pytest.mark.parametrize("year", [2005, 2012, 2018, None])
def test_china_russia_alignment_from_the_pack(year):
    r = assess.assess("CHN", "RUS", year=year)
    assert r.verdict == "alignment" and r.basis == "pack"
    tre = [e for e in r.evidence if e.dimension == "treaties"]
    assert tre[0].rule.startswith("no defence or offence obligation") and tre[0].fired
    assert "consultation" in tre[1].value and "non-aggression" in tre[1].value and tre[1].source == "atop"
    assert any(e.dimension == "UN votes" for e in r.evidence)


@pytest.mark.parametrize("year", [1952, 1960, 1975])
def test_the_1950_treaty_years_are_an_alliance(year):
    r = assess.assess("CHN", "RUS", year=year)
    assert r.verdict == "alliance"
    assert r.strongest(1)[0].rule.startswith("an active defence or offence obligation")


@pytest.mark.parametrize(("a", "b"), [("USA", "GBR"), ("USA", "JPN"), ("RUS", "BLR"), ("CHN", "PRK")])
def test_treaty_allies_are_alliances(a, b):
    assert assess.assess(a, b).verdict == "alliance"
    assert assess.assess(b, a).verdict == "alliance"  # the verdict does not depend on the order


@pytest.mark.slow
def test_with_votes_warehouse_percentiles_decide(full_wh):
    r = assess.assess("CHN", "RUS", year=2018, wh=full_wh)
    assert r.verdict == "alignment" and r.basis in ("warehouse", "warehouse + pack")
    vote = next(e for e in r.evidence if e.dimension == "UN votes")
    assert "percentile" in vote.value and vote.fired  # China and Russia vote in the top fifth of all dyads
    assert vote.threshold.startswith("aligned ≥ p")
    early = next(e for e in assess.assess("CHN", "RUS", year=2015, wh=full_wh).evidence if e.dimension == "UN votes")
    assert "percentile" in early.value
    usa_chn = assess.assess("USA", "CHN", year=2015, wh=full_wh)
    assert usa_chn.verdict in ("rivalry", "unaligned") and usa_chn.verdict != "alliance"
    refs = assess.references(year=2015, wh=full_wh)
    assert set(refs.verdict[refs.dyad.isin(["USA–GBR", "USA–JPN", "RUS–BLR", "CHN–PRK"])]) == {"alliance"}


def test_vote_percentile_equals_an_independent_rank(full_wh):
    """The percentile in the evidence is the dyad's rank among all dyads' kappa that year (plain pandas)."""
    import numpy as np
    import pandas as pd

    con = full_wh.con
    v = con.execute(
        "SELECT v.rcid, v.iso3, v.vote FROM votes v JOIN roll_calls r USING (rcid, source) "
        "WHERE v.source = 'unvotes' AND r.year = 2015 AND v.vote IN (1, 2, 3)"
    ).fetchdf()
    wide = v.pivot_table(index="rcid", columns="iso3", values="vote")
    # Cohen's kappa for every pair at once, from vote indicator matrices (rows roll calls, columns states)
    m = wide.notna().to_numpy(float)
    ind = [(wide == k).to_numpy(float) for k in (1, 2, 3)]
    n = m.T @ m
    with np.errstate(invalid="ignore", divide="ignore"):
        po = sum(i.T @ i for i in ind) / n
        pe = sum((i.T @ m) * (m.T @ i) for i in ind) / n**2
        kappa = (po - pe) / (1 - pe)
    states = list(wide.columns)
    iu = np.triu_indices(len(states), 1)
    s = pd.Series(kappa[iu], index=pd.MultiIndex.from_arrays([np.array(states)[iu[0]], np.array(states)[iu[1]]]))
    s = s[np.isfinite(s)]
    pct = (s <= s[("CHN", "RUS")]).mean() * 100
    df = api.votes("CHN", "RUS", measure=["kappa", "agreement"], percentile=True, wh=full_wh).data
    got = float(df.set_index("year").loc[2015, "kappa_pct"])
    assert got == pytest.approx(pct, abs=0.5)


def test_scorecard_has_every_dimension():
    sc = assess.scorecard("CHN", "RUS")
    dims = ["treaties", "UN votes", "trade dependence", "energy", "arms", "events", "rhetoric", "third region",
            "political systems"]  # fmt: skip
    assert sc.dimension.tolist() == dims
    assert set(sc.direction) <= {"converging", "diverging", "stable", "no data"}
    assert sc.set_index("dimension").loc["political systems", "direction"] != "no data"
    assert all(isinstance(r, str) and r for r in sc.reason)


def test_cli_assess_json(capsys):
    from helpers import run_cli

    code, out, _ = run_cli(capsys, "assess", "CHN", "RUS", "--year", "2015", "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["verdict"] == "alignment" and d["year"] == 2015
    assert {"dimension", "rule", "value", "threshold", "source"} <= set(d["evidence"][0])
    assert {r["dyad"] for r in d["references"]} >= {"USA–GBR", "CHN–PRK", "USA–CHN"}
    code, out, _ = run_cli(capsys, "assess", "CHN", "RUS")
    assert code == 0 and "ALIGNMENT" in out


def test_cli_assess_unknown_country(capsys):
    from helpers import run_cli

    code, _, err = run_cli(capsys, "assess", "CHN", "Atlantis")
    assert code != 0 and "Atlantis" in err


def test_config_is_versioned_and_thresholds_relative():
    cfg = assess.config()
    assert cfg["version"]
    assert 50 < cfg["votes"]["aligned_percentile"] <= 100 and 0 <= cfg["votes"]["opposed_percentile"] < 50
    assert ["USA", "GBR"] in cfg["reference_dyads"] and ["CHN", "PRK"] in cfg["reference_dyads"]


@given(first=st.floats(-5, 5), last=st.floats(-5, 5), band=st.floats(0.001, 1))
def test_direction_is_antisymmetric(first, last, band):
    d = assess._direction(first, last, band)
    back = assess._direction(last, first, band)
    flip = {"converging": "diverging", "diverging": "converging", "stable": "stable"}
    assert back == flip[d]
    assert (d == "stable") == (abs(last - first) < band)
    assert assess._direction(first, last, band, closer_is_higher=False) == back


def test_year_outside_every_source_is_an_error_not_a_verdict():
    from dyadwatch.errors import NoDataError

    with pytest.raises(NoDataError, match="No treaty or UN vote data for CHN–RUS in 2040"):
        assess.assess("CHN", "RUS", year=2040)


def test_scorecard_energy_row_matches_plain_pandas(tmp_path, shared):
    import pandas as pd

    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    f = shared / "energy/china_crude_imports_by_origin_monthly_2020_2023.csv"
    with Warehouse(tmp_path / "e.duckdb") as wh:
        wh.ingest(sources.get("china_crude"), [f])
    with Warehouse(tmp_path / "e.duckdb", read_only=True) as wh:
        sc = assess.scorecard("CHN", "RUS", wh=wh).set_index("dimension")
    raw = pd.read_csv(f)
    y23 = raw[raw.period // 100 == 2023]
    share = y23[y23.partner == "Russian Federation"].value_usd_bn.sum() / y23.value_usd_bn.sum()
    row = sc.loc["energy"]
    assert row.year == 2023 and float(row.latest) == pytest.approx(share, abs=5e-4)
    y20 = raw[raw.period // 100 == 2020]
    first = y20[y20.partner == "Russian Federation"].value_usd_bn.sum() / y20.value_usd_bn.sum()
    assert row.direction == (
        "converging" if share - first >= 0.02 else "stable" if abs(share - first) < 0.02 else "diverging"
    )
    # No trade in this warehouse: the row reads the pack's COW trade, as the report's Economy section does.
    assert sc.loc["trade dependence", "source"] == "cow_trade" and sc.loc["trade dependence", "year"] == 2014
