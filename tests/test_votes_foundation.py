"""China–Russia agreement per year against an independent computation from the raw files."""

import pandas as pd
import pytest

from dyadwatch import api
from dyadwatch.indicators import votes
from dyadwatch.sources._files import read_rdata


@pytest.fixture(scope="module")
def voeten_cast(shared) -> pd.DataFrame:
    """Voeten's yes/abstain/no votes read with pyreadr alone, with the calendar year of each vote's date."""
    x = read_rdata(shared / "unga/UNVotesPublished.RData", "test")
    x = x[x.vote.isin([1, 2, 3])]
    year = pd.to_datetime(x.date, format="%m/%d/%Y", errors="coerce").dt.year.fillna(x.year)
    return x.assign(y=year.astype(int))


def _independent_voeten(x: pd.DataFrame, c1: int, c2: int) -> pd.DataFrame:
    a = x[x.ccode == c1][["rcid", "y", "vote"]]
    b = x[x.ccode == c2][["rcid", "vote"]]
    m = a.merge(b, on="rcid", suffixes=("_a", "_b"))
    g = m.groupby("y").apply(
        lambda d: pd.Series({"n": len(d), "agreement": (d.vote_a == d.vote_b).mean()}), include_groups=False
    )
    return g.reset_index().rename(columns={"y": "year"})


def _independent_unvotes(shared, c1: str, c2: str) -> pd.DataFrame:
    v = read_rdata(shared / "unga/un_votes.rda", "test")
    rc = read_rdata(shared / "unga/un_roll_calls.rda", "test")
    years = dict(zip(rc.rcid, pd.to_datetime(rc.date).dt.year, strict=True))
    a = v[v.country_code == c1][["rcid", "vote"]]
    b = v[v.country_code == c2][["rcid", "vote"]]
    m = a.merge(b, on="rcid", suffixes=("_a", "_b"))
    m["year"] = m.rcid.map(years)
    g = m.groupby("year").apply(
        lambda d: pd.Series({"n": len(d), "agreement": (d.vote_a.astype(str) == d.vote_b.astype(str)).mean()}),
        include_groups=False,
    )
    return g.reset_index()


@pytest.mark.parametrize(("c1", "c2", "i1", "i2"), [(710, 365, "CHN", "RUS"), (710, 2, "CHN", "USA")])
def test_voeten_matches_independent(full_wh, voeten_cast, c1, c2, i1, i2):
    ours = votes.agreement(full_wh, i1, i2, source="voeten")
    ref = _independent_voeten(voeten_cast, c1, c2)
    got = ours[ours.n > 0].reset_index(drop=True)
    assert got.year.tolist() == ref.year.astype(int).tolist()
    assert got.n.tolist() == ref.n.astype(int).tolist()
    assert got.agreement.to_numpy() == pytest.approx(ref.agreement.to_numpy(), abs=1e-12)


def test_unvotes_matches_independent(full_wh, shared):
    ours = votes.agreement(full_wh, "CHN", "RUS", source="unvotes")
    ref = _independent_unvotes(shared, "CN", "RU")
    got = ours[ours.n > 0].reset_index(drop=True)
    assert got.year.tolist() == ref.year.astype(int).tolist()
    assert got.n.tolist() == ref.n.astype(int).tolist()
    assert got.agreement.to_numpy() == pytest.approx(ref.agreement.to_numpy(), abs=1e-12)


def test_years_without_shared_votes_are_null_not_zero(full_wh):
    df = votes.agreement(full_wh, "CHN", "RUS", source="voeten", year_to=1975)
    before = df[df.year < 1971]
    assert len(before) > 20 and (before.n == 0).all() and before.agreement.isna().all()
    assert df[df.year == 1972].agreement.notna().all()


def test_absences_are_excluded(full_wh):
    n_all = full_wh.con.execute(
        "SELECT count(*) FROM votes v JOIN roll_calls r USING (source, rcid) "
        "WHERE v.source='voeten' AND iso3='CHN' AND r.year=2000"
    ).fetchone()[0]
    ours = votes.agreement(full_wh, "CHN", "RUS", source="voeten", year_from=2000, year_to=2000)
    assert 0 < ours.n.iloc[0] < n_all


def test_api_uses_warehouse_when_present(full_wh):
    res = api.votes("China", "Russia", wh=full_wh, year_from=2010)
    assert res.basis == "warehouse" and res.sources == ["unvotes"]
    assert res.data.year.min() == 2010 and res.data.year.max() == 2019
