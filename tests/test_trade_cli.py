"""The CLI commands trade, composition, energy, region and the report sections, on the shared files."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from dyadwatch import api, countries, sources
from dyadwatch.errors import NoDataError
from dyadwatch.indicators.trade import PeriodError
from dyadwatch.report.base import ReportContext
from dyadwatch.warehouse import Warehouse

runner = CliRunner()

INGEST = {
    "cow_trade": ["trade/cow_trade_ndy.rda", "trade/cow_trade_sy.rda"],
    "comtrade": ["trade/comtrade_v1_china_imports_from_russia_2019.xlsx", "trade/harmonized_system.csv",
                 "trade/comtrade_reporter_codes.csv", "trade/comtrade_partner_codes.csv",
                 "trade/comtrade_v1_reporterAreas.csv", "trade/comtrade_v1_partnerAreas.csv"],
    "china_tables": ["trade/comtrade_china_trade_balance_2014_2025.xlsx",
                     "trade/comtrade_china_import_partners_2014_2025.xlsx",
                     "trade/comtrade_china_export_partners_mirror_2014_2025.xlsx"],
    "facts": ["trade/reference_facts.csv"],
    "china_crude": ["energy/china_crude_imports_by_origin_monthly_2020_2023.csv"],
    "china_gas": ["energy/china_pipeline_gas_imports_monthly_2020_2024.csv"],
    "gem": ["energy/gem_asia_gas_tracker_utf16.csv", "energy/gem_pipelines_ru_ca_cn_subset.csv"],
}  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared, full_wh_path):
    """Every file in shared/data/trade and shared/data/energy, each through its documented source.

    A copy of the session's full warehouse: its ingests of these files are no-ops (same sha256s), so only GEM's
    subset file, which the full warehouse leaves out, is read here.
    """
    path = tmp_path_factory.mktemp("cli") / "t.duckdb"
    shutil.copyfile(full_wh_path, path)
    with Warehouse(path) as wh:
        for name, files in INGEST.items():
            wh.ingest(sources.get(name), [shared / f for f in files])
    return path


def test_every_shared_file_is_covered(shared):
    listed = {f for files in INGEST.values() for f in files}
    on_disk = {f"{d}/{p.name}" for d in ("trade", "energy") for p in (shared / d).iterdir()}
    assert on_disk == listed


def _run(db, *args):
    from dyadwatch.cli import app

    res = runner.invoke(app, [*args, "--db", str(db)])
    return res


def _csv(res) -> pd.DataFrame:
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout))


REQUIRED = ["period", "exports_a_to_b", "imports_a_from_b", "turnover", "growth", "share_of_a_trade",
            "share_of_b_trade", "asymmetry", "basis"]  # fmt: skip


def test_trade_csv(db):
    df = _csv(_run(db, "trade", "China", "Russia", "--format", "csv", "--from", "2010"))
    assert set(REQUIRED) <= set(df.columns)
    assert df.period.astype(str).tolist()[:5] == ["2010", "2011", "2012", "2013", "2014"]
    assert set(df.basis) == {"reported", "mirror"}
    one = _csv(_run(db, "trade", "CHN", "RUS", "--period", "2019", "-f", "csv"))
    assert len(one) == 1 and one.basis_imports.iloc[0] == "reported"


def test_trade_ytd_period_without_monthly_data_says_so(db):
    res = _run(db, "trade", "CHN", "RUS", "--period", "2023-01..2023-08")
    assert isinstance(res.exception, NoDataError) and res.exception.exit_code == 4
    assert "monthly" in str(res.exception)


def test_bad_period_exit_code(db):
    res = _run(db, "trade", "CHN", "RUS", "--period", "2023-13")
    assert isinstance(res.exception, PeriodError) and res.exception.exit_code == 2
    assert "months run from 01 to 12" in str(res.exception)


def test_composition_cli(db):
    df = _csv(
        _run(db, "composition", "CHN", "RUS", "--period", "2019", "--flow", "M", "--level", "section", "-f", "csv")
    )
    assert df.code.iloc[0] == "V" and df.share.sum() == pytest.approx(1.0)


def test_energy_crude_cli(db):
    df = _csv(_run(db, "energy", "crude", "--importer", "CHN", "--origin", "RUS", "--period", "2022", "-f", "csv"))
    need = ["period", "volume", "value", "share_volume", "share_value", "unit_value", "avg_unit_value", "discount"]
    assert set(need) <= set(df.columns)
    assert df.discount.iloc[0] == pytest.approx(1 - df.unit_value.iloc[0] / df.avg_unit_value.iloc[0])
    g = _csv(_run(db, "energy", "crude", "--gains-from", "2022-04", "--gains-to", "2023-08", "-f", "csv"))
    assert len(g) == 17


def test_energy_gas_and_pipelines_cli(db):
    df = _csv(_run(db, "energy", "gas", "--importer", "CHN", "--period", "2023-01..2023-08", "-f", "csv"))
    assert df.period.unique().tolist() == ["2023-01..2023-08"]
    assert df.share_value.sum() == pytest.approx(1.0)
    p = _csv(_run(db, "energy", "pipelines", "--compare", "-f", "csv"))
    assert p.set_index("pipeline").capacity_bcm_y["Power of Siberia"] == 38.0


@pytest.mark.slow
def test_region_cli(db):
    res = _run(db, "region", "CHN", "RUS", "--states", "KAZ,KGZ,TJK,TKM,UZB", "--from", "2010", "-f", "csv")
    df = _csv(res)
    assert set(df.state) <= {"KAZ", "KGZ", "TJK", "TKM", "UZB"} and "KAZ" in set(df.state)
    kz = df[(df.state == "KAZ") & (df.period.astype(str) == "2014")].iloc[0]
    assert kz.share_a > 0 and kz.share_b > 0  # COW years: both shares computed
    assert "Published: kz_cn_share_of_kz_trade" in res.stderr


@pytest.mark.slow
def test_report_sections(db):
    from dyadwatch.report.sections import central_asia, currency, economy, energy

    with Warehouse(db, read_only=True) as wh:
        ctx = ReportContext(countries.resolve("CHN"), countries.resolve("RUS"), None, None, wh)
        out = {m.__name__.rsplit(".", 1)[1]: m.render(ctx) for m in (economy, energy, currency, central_asia)}
    assert "<svg" in out["economy"].html and "cow_trade" in out["economy"].sources
    assert "RUS has not reported since 2021" in out["economy"].html
    assert "mirror" in out["economy"].html
    assert {"china_crude", "china_gas", "gem"} <= set(out["energy"].sources)
    assert "Bank of Russia" in out["currency"].html and out["currency"].sources == ["facts"]
    assert "facts" in out["central_asia"].sources
    for m in (economy, energy, currency, central_asia):
        assert 40 <= m.ORDER <= 49


def test_report_sections_without_data():
    # Fiji is outside the embedded pack's focus countries: nothing to show, and the section says how to get it.
    from dyadwatch.report.sections import central_asia, currency, economy, energy

    ctx = ReportContext(countries.resolve("FJI"), countries.resolve("TON"), None, None, None)
    # No section of "no data" paragraphs: each is left out; what the user could ingest is said once, at the top.
    for m in (economy, energy, central_asia, currency):
        assert m.render(ctx) is None, m.TITLE
    assert [m.part for m in ctx.missing] == ["Trade (COW, Comtrade)"] and "ingest cow_trade" in ctx.missing[0].fix


def test_region_trend_against_cow(db, shared):
    """KAZ 2000–2014 from COW: China's and Russia's share of Kazakhstan's trade, first and last year."""
    import pyreadr

    from dyadwatch.indicators import trade_region

    ndy = pyreadr.read_r(shared / "trade/cow_trade_ndy.rda")["cow_trade_ndy"]
    sy = pyreadr.read_r(shared / "trade/cow_trade_sy.rda")["cow_trade_sy"].set_index(["ccode", "year"])

    def share(partner: int, year: int) -> float:
        r = ndy[(ndy.year == year) & (ndy[["ccode1", "ccode2"]].isin([705, partner]).all(axis=1))].iloc[0]
        return (r.flow1 + r.flow2) / (sy.loc[(705, year), "imports"] + sy.loc[(705, year), "exports"])

    with Warehouse(db, read_only=True) as wh:
        df = trade_region.region(wh, "CHN", "RUS", ["KAZ"], year_from=2000, year_to=2014)
        tr = trade_region.region_trend(df).iloc[0]
        cur = api.currency(["RUS"], wh=wh).data
    assert tr.share_change_a_pp == pytest.approx(100 * (share(710, 2014) - share(710, 2000)))
    assert tr.share_change_b_pp == pytest.approx(100 * (share(365, 2014) - share(365, 2000)))
    assert set(cur.metric) >= {"cny_share_ru_export_settlements", "cny_share_moex_fx_spot"}
    assert (cur.publisher.str.contains("Bank of Russia")).all()
    res = _run(db, "region", "CHN", "RUS", "--states", "KAZ", "--from", "2000", "--to", "2014", "--trend", "-f", "csv")
    assert _csv(res).share_change_a_pp.iloc[0] == pytest.approx(tr.share_change_a_pp)


def test_cli_falls_back_to_the_pack_without_a_warehouse(capsys, fresh_machine):
    """A new user's first economic commands work offline for focus dyads, and say where the figures come from."""
    import io

    import pandas as pd

    from helpers import run_cli

    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--from", "2012", "-f", "csv")
    assert code == 0 and "embedded pack" in err
    df = pd.read_csv(io.StringIO(out))
    assert df.period.tolist() == [2012, 2013, 2014] and (df.source == "cow_trade").all()
    code, out, err = run_cli(capsys, "energy", "crude", "--period", "2022-01..2022-04", "-f", "csv")
    assert code == 0 and "embedded pack" in err
    assert pd.read_csv(io.StringIO(out)).period.tolist() == ["2022-01", "2022-02", "2022-03", "2022-04"]
    code, out, err = run_cli(capsys, "trade", "CHN", "RUS", "--period", "2013-01..2013-03")
    assert code == 2 and "whole years" in err
