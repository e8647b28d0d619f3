"""data/assess.yaml is checked with pydantic: a bad key or value is one ConfigError naming it, at load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dyadwatch import assess, assess_config, yamlfile
from dyadwatch.errors import ConfigError

SRC = Path(assess.__file__).resolve().parent
BUNDLED = (SRC / "data" / "assess.yaml").read_text("utf-8")


def _with(edit) -> str:
    raw = yaml.safe_load(BUNDLED)
    edit(raw)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def test_the_bundled_rules_are_valid_and_read_as_before():
    expected = yaml.safe_load(BUNDLED)
    expected["scorecard"]["third_region"]["states"] = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]  # the group's states
    assert assess.config() == expected
    assert assess.config()["votes"]["aligned_percentile"] == 80  # an int stays an int (thresholds print as "80")


@pytest.mark.parametrize(
    ("edit", "key", "says"),
    [
        (lambda r: r["votes"].update(window=0), "votes.window", "greater than or equal to 1"),
        (lambda r: r["votes"].update(window="5"), "votes.window", "valid integer"),
        (lambda r: r["votes"].update(measure="kapa"), "votes.measure", "not a vote measure"),
        (lambda r: r["votes"].update(opposed_percentile=90), "votes", "below aligned_percentile"),
        (lambda r: r["votes"].pop("fallback_measure"), "votes.fallback_measure", "Field required"),
        (lambda r: r["alliance"].update(alliance=["defence"]), "alliance.alliance.0", "'defense'"),
        (lambda r: r["alliance"].update(weak=["consul"]), "alliance", "both 'alignment' and 'weak'"),
        (lambda r: r["scorecard"]["stable"].update(trade=-0.01), "scorecard.stable.trade", "greater than or equal"),
        (lambda r: r["scorecard"]["stable"].update(tarde=0.01), "scorecard.stable.tarde", "unknown key"),
        (lambda r: r["scorecard"]["third_region"].update(group=None, states=["KAZ", "Atlantis"]),
         "scorecard.third_region.states", "Unknown country 'Atlantis'"),
        (lambda r: r["scorecard"]["third_region"].update(group=None, states=["Kazakhstan"]),
         "scorecard.third_region.states", "write 'KAZ'"),
        (lambda r: r["scorecard"]["third_region"].update(group="central asia"), "scorecard.third_region.group",
         "Unknown country group 'central asia'"),
        (lambda r: r["scorecard"]["third_region"].update(states=["KAZ"]), "scorecard.third_region", "not both"),
        (lambda r: r["reference_dyads"].append(["USA"]), "reference_dyads", "two different states"),
        (lambda r: r["regimes"].update(measure="polity2"), "regimes.measure", "'polyarchy'"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_one_error_naming_the_key(edit, key, says, tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text(_with(edit), "utf-8")
    with pytest.raises(ConfigError) as e:
        assess_config.load(p)
    msg = str(e.value)
    assert msg.startswith(f"{p}: invalid assessment rules: key {key!r}"), msg
    assert says in msg and "Fix" in msg


def test_a_region_may_list_its_states(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text(_with(lambda r: r["scorecard"].update(third_region={"name": "Two", "states": ["KAZ", "UZB"]})))
    assert assess_config.load(p)["scorecard"]["third_region"] == {"name": "Two", "states": ["KAZ", "UZB"]}


def test_a_rules_file_that_is_not_yaml_or_not_there(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text("votes:\n  window: 5\n   measure: kappa\n", "utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{p}: not valid YAML at line 3")):
        assess_config.load(p)
    with pytest.raises(ConfigError, match="no such rules file"):
        assess_config.load(tmp_path / "absent.yaml")


@settings(max_examples=40, deadline=None)
@given(st.integers(-5, 40), st.floats(-10, 110, allow_nan=False), st.floats(-10, 110, allow_nan=False))
def test_vote_thresholds_are_accepted_exactly_when_they_make_sense(window, hi, lo):
    text = _with(lambda r: r["votes"].update(window=window, aligned_percentile=hi, opposed_percentile=lo))
    ok = 1 <= window <= 30 and 0 <= lo < hi <= 100
    if ok:
        assert assess_config.parse(text, "x")["votes"]["window"] == window
    else:
        with pytest.raises(ConfigError, match=r"key 'votes"):
            assess_config.parse(text, "x")


@pytest.mark.parametrize("path", sorted(p.relative_to(SRC) for p in SRC.rglob("*.yaml")), ids=str)
def test_every_bundled_yaml_reads_the_same_with_the_c_and_python_parsers(path):
    text = (SRC / path).read_text("utf-8")
    assert yamlfile.load(text, str(path)) == yaml.load(text, Loader=yaml.SafeLoader)
