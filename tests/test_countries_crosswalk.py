"""The crosswalk in data files gives exactly the answers the code maps it replaced gave.

``tests/golden/countries_crosswalk.json`` was written by the code before the move (commit ca4db6a, the
maps inline in countries.py, sources/comtrade.py, sources/gdelt.py, sources/facts.py and pack.py) with
``python tests/test_countries_crosswalk.py``; the test recomputes the same snapshot with today's code.
Answers for names read from the shared data (SIPRI, Comtrade code lists, energy files) are compared as a
sha256 of the sorted mapping, so no publisher's name list is copied into the repo.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import countries
from dyadwatch.errors import UnknownCountryError

GOLDEN = Path(__file__).resolve().parent / "golden" / "countries_crosswalk.json"
SHARED_NAME_FILES = {
    # file relative to shared/data: (column of names, lines to skip before the header)
    "arms/sipri_trade_register_2000_2023.csv": (("Supplier", "Recipient"), 11),
    "trade/comtrade_partner_codes.csv": (("text", "PartnerDesc"), 0),
    "trade/comtrade_reporter_codes.csv": (("text", "reporterDesc"), 0),
    "trade/comtrade_v1_partnerAreas.csv": (("text",), 0),
    "trade/comtrade_v1_reporterAreas.csv": (("text",), 0),
    "energy/china_crude_imports_by_origin_monthly_2020_2023.csv": (("partner",), 0),
    "energy/china_pipeline_gas_imports_monthly_2020_2024.csv": (("partner",), 0),
}


def _resolve(q) -> str | None:
    try:
        return countries.resolve(q).iso3
    except UnknownCountryError:
        return None


def _queries() -> list[str]:
    """Every code and name dyadwatch's own tables hold, plus numbers in every scheme."""
    import country_converter as coco

    qs: set[str] = set()
    for c in countries.all_countries():
        qs |= {c.iso3, c.name, c.name.upper(), f" {c.name.lower()} "}
        qs |= {str(x) for x in (c.iso2, c.cow) if x}
        qs |= {f"m49:{c.m49}" for _ in [0] if c.m49} | {f"gw:{c.gw}" for _ in [0] if c.gw}
    for row in countries._cow_rows():
        qs |= {row["cow_abb"], row["cow_name"], row["cow"]}
    data = coco.CountryConverter().data
    for col in ("name_short", "name_official"):
        qs |= {str(v) for v in data[col] if isinstance(v, str)}
    qs |= {"USSR", "Soviet Union", "West Germany", "East Germany", "GDR", "North Yemen", "South Yemen",
           "Serbia and Montenegro", "Republic of China", "People's Republic of China", "Viet Nam",
           "Congo - Kinshasa", "Côte d’Ivoire", "Chna", "Atlantis", "XX", "ZZZ", "m49:9999", "gw:1"}  # fmt: skip
    qs |= {str(n) for n in range(0, 1001)}
    return sorted(qs)


def _shared_names(shared: Path) -> list[str]:
    names: set[str] = set()
    for rel, (cols, skip) in SHARED_NAME_FILES.items():
        with open(shared / rel, encoding="utf-8-sig", newline="") as f:
            for _ in range(skip):
                next(f)
            for row in csv.DictReader(f):
                names |= {row[c].strip() for c in cols if row.get(c) and row[c].strip()}
    return sorted(names)


def _digest(mapping: dict) -> str:
    return hashlib.sha256(json.dumps(mapping, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _runs(iso3: str) -> list[list]:
    """``to_cow(iso3, year)`` for 1810–2025 as runs [first year, last year, code]."""
    runs: list[list] = []
    for y in range(1810, 2026):
        code = countries.to_cow(iso3, y)
        if runs and runs[-1][2] == code:
            runs[-1][1] = y
        else:
            runs.append([y, y, code])
    return runs


def snapshot(shared: Path) -> dict:
    """Every answer of the crosswalk, as plain JSON."""
    from dyadwatch import pack
    from dyadwatch.sources import comtrade, facts, gdelt

    out: dict = {}
    out["all_countries"] = [[c.iso3, c.name, c.iso2, c.cow, c.gw, c.m49] for c in countries.all_countries()]
    out["cow_to_iso3"] = {str(k): v for k, v in sorted(countries.cow_to_iso3_map().items())}
    out["iso2_to_iso3"] = dict(sorted(countries.iso2_to_iso3_map().items()))
    out["resolve"] = {q: _resolve(q) for q in _queries()}
    iso3s = sorted({c.iso3 for c in countries.all_countries()})
    out["to_cow"] = {i: [countries.to_cow(i), _runs(i)] for i in iso3s}
    codes = {}
    for n in range(1000):
        try:
            codes[str(n)] = comtrade.code_to_iso3(n)
        except KeyError:
            codes[str(n)] = "KeyError"
    out["comtrade_code_to_iso3"] = codes
    comtrade.name_to_iso3.cache_clear()
    probe = ["Other Asia, nes", "World", "Fmr USSR", "USSR (...1990)", "China", "Rep. of Korea", "Areas, nes"]
    out["comtrade_name_to_iso3"] = {n: comtrade.name_to_iso3(n) for n in probe}
    cameo = [*iso3s, "ROM", "TMP", "ZAR", "KSV", "WSB", "GZS", "BUR", "YUG", "SCG", "UK", "AFR", "ASA", "BLK",
             "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM", "MEA", "MDT", "NAF", "NMR",
             "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST", "IGO", "NGO", "XXX", ""]  # fmt: skip
    mapped, unknown = gdelt.cameo_country_map(cameo)
    out["cameo"] = {"mapped": dict(sorted(mapped.items())), "unknown": sorted(unknown)}
    metrics = [f"{a}_{b}_trade" for a in ("cn", "ru", "kz", "kg", "tj", "tm", "uz", "us", "in", "de", "xx")
               for b in ("cn", "ru", "kz", "in", "eu")]  # fmt: skip
    metrics += ["cny_share", "rub_share", "usd_x", "eur_x", "unfriendly_share", "cn_central_asia5_trade", "gdp"]
    out["facts_entities"] = {m: list(facts.entities(m)) for m in metrics}
    out["focus"] = list(pack.FOCUS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = _shared_names(shared)
        comtrade.name_to_iso3.cache_clear()
        out["shared_names"] = {
            "count": len(names),
            "resolve_sha256": _digest({n: _resolve(n) for n in names}),
            "comtrade_name_to_iso3_sha256": _digest({n: comtrade.name_to_iso3(n) for n in names}),
        }
    return out


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text("utf-8"))


@pytest.fixture(scope="module")
def now(shared) -> dict:
    return snapshot(shared)


@pytest.mark.parametrize(
    "part",
    ["all_countries", "cow_to_iso3", "iso2_to_iso3", "resolve", "to_cow", "comtrade_code_to_iso3",
     "comtrade_name_to_iso3", "cameo", "facts_entities", "focus", "shared_names"],
)  # fmt: skip
def test_same_answers_as_before(golden, now, part):
    old, new = golden[part], now[part]
    if isinstance(old, dict):
        diff = {k: (old.get(k), new.get(k)) for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        assert not diff, f"{part}: {len(diff)} answers changed, e.g. {sorted(diff.items())[:10]}"
    assert new == old


_COUNTRIES = countries.all_countries()


@settings(deadline=None)
@given(st.sampled_from(_COUNTRIES), st.sampled_from([str.lower, str.upper, str.title, lambda s: f"  {s}\t"]))
def test_names_resolve_whatever_the_case_and_spacing(c, form):
    """A name is found however it is typed; the answer is the same Country every time (a dict lookup)."""
    first = countries.resolve(c.name)
    assert countries.resolve(form(c.name)) == first
    assert countries.resolve(c.name) is first


@settings(deadline=None)
@given(st.sampled_from(_COUNTRIES))
def test_every_code_of_a_country_leads_back_to_it(c):
    assert countries.resolve(c.iso3) == c
    if c.iso2 and countries.iso2_to_iso3_map()[c.iso2] == c.iso3:
        assert countries.resolve(c.iso2.lower()).iso3 == c.iso3
    if c.cow is not None and countries.cow_to_iso3_map()[c.cow] == c.iso3:
        assert countries.resolve(c.cow).iso3 == countries.resolve(f"cow:{c.cow}").iso3 == c.iso3
    if c.m49 is not None:
        assert countries.resolve(f"m49:{c.m49}").m49 == c.m49


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=30), st.integers(-5, 100_000).map(str), st.from_regex(r"[A-Za-z]{2,3}", fullmatch=True))
)
def test_any_text_is_a_country_or_one_clear_error(text):
    try:
        c = countries.resolve(text)
    except UnknownCountryError as e:
        assert "Use a name" in str(e) or "code" in str(e)
    else:
        assert c in _COUNTRIES


if __name__ == "__main__":  # regenerate (only when an answer is meant to change, and say why in the commit)
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    GOLDEN.write_text(json.dumps(snapshot(shared), ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {GOLDEN}")


@pytest.mark.parametrize(
    ("name", "chosen", "other"), [("Congo", "COG", "COD"), ("Korea", "KOR", "PRK"), ("korea", "KOR", "PRK")]
)
def test_an_ambiguous_name_says_which_state_was_chosen(name, chosen, other, monkeypatch):
    from dyadwatch.errors import AmbiguousNameWarning

    monkeypatch.setattr(countries, "_RESOLVED", {})  # the memo would answer without warning again
    with pytest.warns(AmbiguousNameWarning, match=rf"read as .*\({chosen}\).*write {other}"):
        assert countries.resolve_input(name).iso3 == chosen
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert countries.resolve(name).iso3 == chosen  # loaders: the publisher's one meaning, no note


def test_ambiguous_name_note_on_the_command_line(capsys, monkeypatch):
    from helpers import run_cli

    monkeypatch.setattr(countries, "_RESOLVED", {})
    code, out, err = run_cli(capsys, "votes", "Korea", "CHN", "--from", "2019", "--to", "2019", "--format", "csv")
    assert code == 0 and out.startswith("a,b,a_cow,b_cow,year,")
    assert "note: 'Korea' read as South Korea (KOR); for North Korea write PRK." in err


@pytest.mark.parametrize(("typo", "meant"), [("Rusia", "RUS"), ("Untied States", "USA"), ("Germny", "DEU")])
def test_suggestions_for_a_misspelt_name_are_the_near_best_names_only(typo, meant):
    with pytest.raises(UnknownCountryError) as e:
        countries.resolve(typo)
    msg = str(e.value)
    assert f"({meant})" in msg
    suggested = msg.split("Closest matches: ")[1].split(". Use")[0]
    assert suggested.count("(") == 1, suggested  # "Rusia" no longer suggests the United States or Tunisia
