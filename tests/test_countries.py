import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyadwatch import countries
from dyadwatch.errors import UnknownCountryError


@pytest.mark.parametrize(
    ("query", "iso3"),
    [
        ("CHN", "CHN"), ("China", "CHN"), ("710", "CHN"), ("CN", "CHN"), (710, "CHN"),
        ("Russian Federation", "RUS"), ("RU", "RUS"), ("365", "RUS"), ("USSR", "RUS"),
        ("m49:156", "CHN"), ("gw:365", "RUS"), ("UKG", "GBR"), ("Taiwan", "TWN"), ("713", "TWN"),
        ("Federal Republic of Germany", "DEU"), ("German Democratic Republic", "DDR"), ("Yugoslavia", "SRB"),
        ("Congo - Kinshasa", "COD"), ("Côte d’Ivoire", "CIV"), ("Kyrgyzstan", "KGZ"), ("Namibia", "NAM"),
    ],
)  # fmt: skip
def test_resolve(query, iso3):
    assert countries.resolve(query).iso3 == iso3


def test_codes_of_one_entity():
    c = countries.resolve("Russia")
    assert (c.iso3, c.iso2, c.cow, c.gw, c.m49) == ("RUS", "RU", 365, 365, 643)


def test_time_aware_cow():
    assert countries.to_cow("DEU", 1960) == 260
    assert countries.to_cow("DEU", 2000) == 255


def test_unknown_name_lists_closest_matches():
    with pytest.raises(UnknownCountryError, match=r"Closest matches: China \(CHN\)"):
        countries.resolve("Chna")
    with pytest.raises(UnknownCountryError, match="COW code 9999"):
        countries.resolve("9999")


def test_china_seat_note():
    assert "Republic of China" in countries.un_seat_note("CHN", 1960)
    assert countries.un_seat_note("CHN", 1990) is None


def test_every_cow_state_maps(shared):
    from dyadwatch.sources._files import read_rdata

    states = read_rdata(shared / "conflict/cow_states.rda", "test", "cow_states")
    cmap = countries.cow_to_iso3_map()
    assert set(states.ccode.astype(int)) <= set(cmap)


@given(st.sampled_from(countries.all_countries()))
def test_resolve_round_trip(c):
    assert countries.resolve(c.iso3) == c
    if c.cow is not None and countries.cow_to_iso3_map()[c.cow] == c.iso3:
        assert countries.resolve(str(c.cow)).iso3 == c.iso3
