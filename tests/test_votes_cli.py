"""Every form of `dyadwatch votes`, through the real entry point ``dyadwatch.cli.main``."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dyadwatch.indicators import votes_measures as vm
from helpers import run_cli


@pytest.fixture
def db(full_wh):
    return str(full_wh.path)


def _csv(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out))


def test_positional_dyad_all_measures(capsys, db):
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--measure", "all", "--from", "2015", "--format", "csv",
                             "--db", db)  # fmt: skip
    assert code == 0, err
    df = _csv(out)
    assert list(df.columns) == ["a", "b", "a_cow", "b_cow", "year", "n", *vm.MEASURES]
    assert df.year.tolist() == [2015, 2016, 2017, 2018, 2019]
    assert "Basis: your warehouse" in err


@pytest.mark.slow
def test_explicit_dyad_subcommand_and_subsets(capsys, db):
    code, out, err = run_cli(capsys, "votes", "dyad", "China", "Russia", "--issue", "hr", "--important",
                             "--measure", "kappa,s_abs", "--ci", "0.9", "--seed", "4", "--percentile",
                             "--from", "2000", "--format", "json", "--db", db)  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert set(rows[0]) == {"a", "b", "a_cow", "b_cow", "year", "n", "kappa", "kappa_lo", "kappa_hi", "s_abs",
                            "s_abs_lo", "s_abs_hi", "kappa_pct", "s_abs_pct"}  # fmt: skip
    code, out2, _ = run_cli(capsys, "votes", "CHN", "RUS", "--match", "nuclear", "--from", "2019", "--format", "csv",
                            "--db", db)  # fmt: skip
    assert code == 0 and _csv(out2).n.iloc[0] > 0


def test_all_dyads_to_parquet(capsys, db, tmp_path):
    out_file = tmp_path / "p.parquet"
    code, out, err = run_cli(capsys, "votes", "--all-dyads", "--out", out_file, "--from", "2018", "--db", db)
    assert code == 0, err
    df = pd.read_parquet(out_file)
    assert set(vm.MEASURES) <= set(df.columns) and set(df.year) == {2018, 2019}
    assert "dyad-years" in out


def test_neighbours_matrix_idealpoints(capsys, db):
    code, out, err = run_cli(capsys, "votes", "neighbours", "CHN", "--year", "2019", "--top", "3", "--format", "csv",
                             "--db", db)  # fmt: skip
    assert code == 0, err
    nb = _csv(out)
    assert nb["rank"].tolist() == [1, 2, 3] and "CHN" not in nb.iso3.tolist()
    code, out, err = run_cli(capsys, "votes", "matrix", "--year", "2019", "--states", "CHN,RUS,USA,GBR",
                             "--format", "csv", "--db", db)  # fmt: skip
    assert code == 0, err
    m = _csv(out).set_index("iso3")
    assert sorted(m.index) == ["CHN", "GBR", "RUS", "USA"] and m.loc["CHN", "CHN"] == 1
    code, out, err = run_cli(capsys, "votes", "idealpoints", "--estimate", "--from", "2010", "--to", "2010",
                             "--states", "CHN,RUS,USA", "--format", "csv", "--db", db)  # fmt: skip
    assert code == 0, err
    ipt = _csv(out)
    assert list(ipt.columns[:3]) == ["iso3", "year", "ideal_point"] and len(ipt) == 3


def test_offline_from_the_pack(capsys, fresh_machine):
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--measure", "all", "--format", "csv")
    assert code == 0, err
    assert "embedded pack" in err and _csv(out).year.max() == 2019
    code, out, err = run_cli(capsys, "votes", "neighbours", "CHN", "--format", "csv")
    assert code == 0, err
    code, out, err = run_cli(capsys, "votes", "idealpoints", "--states", "CHN,RUS", "--format", "csv")
    assert code == 0 and {"ideal_point_lo", "ideal_point_hi"} <= set(_csv(out).columns)
    code, out, err = run_cli(capsys, "votes", "idealpoints", "--states", "China,RUS", "--distance", "--from", "2019",
                             "--to", "2019", "--format", "csv")  # fmt: skip
    d = _csv(out)
    assert code == 0 and d.distance.iloc[0] == pytest.approx(abs(d.ideal_point_CHN - d.ideal_point_RUS).iloc[0])
    code, out, err = run_cli(capsys, "votes", "CHN", "RUS", "--issue", "hr")
    assert code == 4 and "need the roll calls" in err


def test_cli_errors(capsys, db, tmp_path):
    code, _, err = run_cli(capsys, "votes", "CHN", "RUS", "--measure", "cohen", "--db", db)
    assert code == 2 and "Unknown measure" in err
    from dyadwatch.warehouse import Warehouse

    Warehouse(tmp_path / "empty.duckdb").close()  # a warehouse without votes
    code, _, err = run_cli(capsys, "votes", "--all-dyads", "--out", tmp_path / "x.parquet", "--db",
                           tmp_path / "empty.duckdb")  # fmt: skip
    assert code == 4 and "ingest unvotes" in err
    code, _, err = run_cli(capsys, "votes", "CHN", "RUS", "--issue", "zz", "--db", db)
    assert code == 2 and "choose from" in err
    code, _, _ = run_cli(capsys, "votes", "CHN", "--db", db)
    assert code != 0
    code, out, _ = run_cli(capsys, "votes", "--help")
    assert code == 0 and "neighbours" in out and "idealpoints" in out
