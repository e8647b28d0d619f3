"""The crosswalk file (data/countries.yaml): groups, code systems, and one clear error for a bad entry."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyadwatch import countries, pack, yamlfile
from dyadwatch.errors import ConfigError

RAW = countries.crosswalk()


def test_groups_are_known_states_and_the_pack_focus_is_the_focus_group():
    assert pack.FOCUS == countries.group("focus")
    assert countries.group("central_asia") == ("KAZ", "KGZ", "TJK", "TKM", "UZB")
    for name in RAW["groups"]:
        for iso3 in countries.group(name):
            assert countries.resolve(iso3).iso3 == iso3
    assert set(countries.group("p5")) | set(countries.group("central_asia")) <= set(countries.group("focus"))
    with pytest.raises(KeyError, match="central_asia"):
        countries.group("central asia")


def test_code_maps_point_at_known_states_or_say_not_a_state():
    known = {c.iso3 for c in countries.all_countries()} | {"WLD"}  # Comtrade's "World" total
    for system in countries.CODE_SYSTEMS:
        m = countries.code_map(system)
        assert m, system
        assert {v for v in m.values() if v is not None} <= known, system
    assert countries.code_map("comtrade")[490] == "TWN" and countries.code_map("comtrade")[899] is None
    assert countries.code_map("cameo")["ROM"] == "ROU" and countries.code_map("cameo")["EUR"] is None
    with pytest.raises(KeyError, match="cameo"):
        countries.code_map("iso9")


def test_a_code_map_is_a_copy():
    countries.code_map("cameo")["ROM"] = "XXX"
    assert countries.code_map("cameo")["ROM"] == "ROU"


def _broken(path: tuple, value) -> dict:
    raw = copy.deepcopy(RAW)
    node = raw
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (("codes", "cameo", "ROM"), "rou", "codes.cameo.ROM"),
        (("codes", "comtrade", 490), 158, "codes.comtrade.490"),
        (("groups", "focus"), ["CHN", "CHN"], "groups.focus"),
        (("groups", "central_asia"), [], "groups.central_asia"),
        (("aliases", "West Germany"), "DEU", "aliases.West Germany"),
        (("historical", "CSK"), {"iso2": "CS"}, "historical.CSK"),
        (("codes",), {"cameo": {}}, "codes"),
    ],
)
def test_a_bad_entry_is_one_error_naming_its_key(path, value, named):
    with pytest.raises(ConfigError, match=re.escape(f"key {named!r}")):
        countries.check_crosswalk(_broken(path, value), "countries.yaml")


@pytest.mark.parametrize("loader", ["C", "pure Python"])
def test_a_yaml_syntax_error_names_line_and_column_with_either_parser(loader, monkeypatch):
    import yaml

    if loader == "pure Python":  # what runs where PyYAML was built without libyaml
        monkeypatch.setattr(yamlfile, "Loader", yaml.SafeLoader)
    assert yamlfile.load("groups:\n  p5: [CHN, RUS]\n", "x.yaml") == {"groups": {"p5": ["CHN", "RUS"]}}
    with pytest.raises(ConfigError, match=r"x\.yaml: not valid YAML at line 3, column 8: mapping values"):
        yamlfile.load("groups:\n  focus: [CHN]\n  p5: x: y\n", "x.yaml")


def test_the_c_parser_is_used_here():
    import yaml

    assert yaml.__with_libyaml__ and yamlfile.Loader is yaml.CSafeLoader


@given(
    st.dictionaries(st.from_regex(r"[A-Z]{3}", fullmatch=True), st.none() | st.from_regex(r"[A-Z]{3}", fullmatch=True))
)
def test_any_well_formed_code_map_is_accepted_and_read_back(mapping):
    raw = _broken(("codes", "cameo"), mapping)
    assert countries.check_crosswalk(raw, "x")["codes"]["cameo"] == mapping


@given(
    st.text(min_size=1, max_size=5).filter(lambda s: not (len(s) == 3 and s.isascii() and s.isupper() and s.isalpha()))
)
def test_any_malformed_code_is_refused(code):
    with pytest.raises(ConfigError, match=r"codes\.facts\.xx"):
        countries.check_crosswalk(_broken(("codes", "facts", "xx"), code), "x")


def test_the_bundled_converter_table_is_the_installed_country_converter():
    from importlib import resources

    bundled = resources.files("dyadwatch.data").joinpath(countries.COCO_TABLE).read_text("utf-8")
    assert [dict(r) for r in countries._coco_table()] == countries.coco_rows(), (
        "country_converter changed: run `python -c 'from dyadwatch import countries; countries.write_coco_table()'` "
        "and check the answers in tests/golden/countries_crosswalk.json still hold"
    )
    assert bundled.startswith("iso3,iso2,name,gw,m49\n")


def test_codes_and_listed_names_need_no_converter():
    import subprocess
    import sys

    code = (
        "import sys; from dyadwatch import countries; "
        "assert [countries.resolve(q).iso3 for q in ('CHN', 'Russia', '710', 'm49:398', 'USSR')] == "
        "['CHN', 'RUS', 'CHN', 'KAZ', 'RUS']; print('country_converter' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
