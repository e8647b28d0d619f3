from dyadwatch import api
from dyadwatch.indicators import alliances


def test_atop_timeline_china_russia(full_wh):
    df = alliances.obligations(full_wh, "CHN", "RUS", source="atop", year_from=1945, year_to=2018).set_index("year")
    assert (df.loc[1950:1980, "defense"] == 1).all()  # the 1950 Sino-Soviet treaty, to its end in 1980
    assert (df.loc[1981:2000, "defense"] == 0).all()
    assert (df.loc[2001:2018, "consul"] == 1).all()  # the 2001 Treaty of Good-Neighbourliness
    assert (df.loc[2001:2018, "nonagg"] == 1).all()
    assert df["entente"].isna().all()  # ATOP does not code entente: no data, not 0


def test_outside_coverage_is_null(full_wh):
    df = alliances.obligations(full_wh, "CHN", "RUS", source="atop", year_from=2015, year_to=2022).set_index("year")
    assert df.loc[2018, "consul"] == 1
    assert df.loc[2019:2022, "defense"].isna().all()


def test_cow_source(full_wh):
    df = alliances.obligations(full_wh, "CHN", "RUS", source="cow_alliance", year_from=1996, year_to=2012)
    assert (df.entente == 1).all() and df.offense.isna().all()


def test_pack_and_warehouse_agree(full_wh, fresh_machine):
    w = api.alliances("CHN", "RUS", wh=full_wh, year_from=1900, year_to=2018)
    p = api.alliances("CHN", "RUS", year_from=1900, year_to=2018)  # no warehouse: the pack
    assert p.basis == "pack" and w.basis == "warehouse"
    assert w.data.astype(str).equals(p.data.astype(str))


def test_successor_codes_merge_into_one_dyad_year(full_wh):
    # COW 260 (FRG) and 255 (Germany) both have 1990 rows; as DEU they become one, obligations combined.
    dup = full_wh.con.execute(
        "SELECT count(*) FROM (SELECT source, iso3_a, iso3_b, year FROM alliance_dyad_year "
        "GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    assert dup == 0
    df = alliances.obligations(full_wh, "DEU", "USA", source="atop", year_from=1989, year_to=1991)
    assert (df.defense == 1).all()
    notes = [i["notes"] for i in full_wh.ingests() if i["source"] == "atop"]
    assert any("under two COW codes" in n for n in notes)


def test_an_unknown_source_on_the_pack_is_a_clean_error(fresh_machine):
    """The pack path raised a bare KeyError('bogus'); both paths now share the warehouse's message."""
    import pytest

    from dyadwatch.errors import NoDataError

    with pytest.raises(NoDataError, match=r"source 'bogus' in dyadwatch's embedded pack; ingested: \['atop', "):
        api.alliances("CHN", "RUS", source="bogus")


def test_one_path_for_every_store(full_wh, fresh_machine):
    """The same derived tables answer on the pack and on a warehouse: every source, window and direction agree
    with the obligations read straight from the warehouse's rows."""
    import pandas as pd

    pack = api.open_store(None)
    for a, b in [("CHN", "RUS"), ("RUS", "CHN"), ("USA", "GBR")]:
        for source in ("atop", "cow_alliance"):
            for window in ({}, {"year_from": 1990, "year_to": 2030}):
                want = alliances.obligations(full_wh, a, b, source=source, **window)
                own, basis = alliances.dyad(full_wh, a, b, source=source, **window)
                pd.testing.assert_frame_equal(own, want)
                assert basis == "warehouse"
                if a in ("CHN", "RUS"):
                    got, pbasis = alliances.dyad(pack, a, b, source=source, **window)
                    assert got.astype(str).equals(want.astype(str)) and pbasis == "pack"
