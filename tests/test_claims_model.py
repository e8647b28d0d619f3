"""The claim file format: valid files load; malformed ones fail naming the claim id and the field."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyadwatch.claims import engine, model
from dyadwatch.claims.model import Comparator
from dyadwatch.errors import ClaimFileError, DyadwatchError

GOOD = """
version: 1
document: {title: Test}
claims:
  - id: first
    quote: "China and Russia formed an alliance in 1950"
    metric: alliance_obligation
    params: {dyad: [CHN, RUS], year: 1950, measure: defense}
    comparator: "="
    expected: 1
    unit: flag
"""


def _file(tmp_path, text: str):
    p = tmp_path / "claims.yaml"
    p.write_text(textwrap.dedent(text), "utf-8")
    return p


def _with(**over) -> str:
    claim = {
        "id": "second",
        "quote": "a quote",
        "metric": "fact",
        "params": "{fact: x, period: '2022', basis: published fact}",
        "comparator": '">="',
        "expected": "3",
        "unit": "pct",
    }
    claim.update(over)
    body = "\n".join(f"    {k}: {v}" for k, v in claim.items() if v is not None)
    return GOOD + "  - " + body.lstrip() + "\n"


def test_good_file_loads_with_ascii_comparators(tmp_path):
    cf = model.load(_file(tmp_path, _with()))
    assert [c.id for c in cf.claims] == ["first", "second"]
    assert cf.claims[1].comparator is Comparator.ge  # ">=" is read as "≥"
    assert cf.claims[1].params.basis == "published fact"
    assert cf.claims[0].params.get("year") == 1950


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"comparator": '"=>"'}, "comparator", "Input should be"),
        ({"expected": None}, "expected", "Field required"),
        ({"comparator": '"≈"'}, "(the claim itself)", "needs a tolerance"),
        ({"comparator": "in", "expected": "5"}, "(the claim itself)", "[low, high]"),
        ({"unit": '""'}, "unit", "at least 1 character"),
        ({"params": "{dyad: [CHN], period: '2022'}"}, "params.dyad", "exactly two states"),
        ({"params": "{basis: guessed}"}, "params.basis", "computed"),
        ({"params": "{transform: ratio}"}, "params", "needs base_period"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ({"id": '"Bad Id"'}, "id", "pattern"),
    ],
)
def test_bad_claim_names_id_and_field(tmp_path, over, field, words):
    path = _file(tmp_path, _with(**over))
    with pytest.raises(ClaimFileError) as e:
        model.load(path)
    msg = str(e.value)
    assert str(path) in msg
    assert "#2" in msg  # the second claim
    if "id" not in over:
        assert "'second'" in msg
    assert f"field {field!r}" in msg
    assert words in msg


def test_yaml_syntax_error_names_line(tmp_path):
    path = _file(tmp_path, GOOD + "  - id: [unclosed\n")
    with pytest.raises(ClaimFileError, match=r"not valid YAML at line \d+, column \d+"):
        model.load(path)


def test_not_a_mapping_and_missing_file(tmp_path):
    with pytest.raises(ClaimFileError, match="YAML mapping"):
        model.parse("- just\n- a list\n")
    with pytest.raises(ClaimFileError, match="no such claim file"):
        model.load(tmp_path / "absent.yaml")
    assert issubclass(ClaimFileError, DyadwatchError) and issubclass(ClaimFileError, ValueError)


def test_duplicate_ids_rejected():
    text = GOOD + GOOD.split("claims:\n", 1)[1]
    with pytest.raises(ClaimFileError, match="appears twice"):
        model.parse(text)


def test_unknown_metric_and_param_named(tmp_path):
    path = _file(tmp_path, _with(metric="no_such_metric"))
    cf = model.load(path)
    with pytest.raises(ClaimFileError, match=r"claim 'second' \(#2\), field 'metric': unknown metric 'no_such_metric'"):
        engine.validate_file(cf, str(path))
    cf = model.parse(_with(params="{fact: x, period: '2022', colour: red}"))
    with pytest.raises(ClaimFileError, match=r"field 'params': metric 'fact' takes no \['colour'\]"):
        engine.validate_file(cf, "x.yaml")


def test_packaged_article_file_is_valid(shared):
    path = engine.article_path()
    cf = model.load(path)
    engine.validate_file(cf, str(path))
    assert len(cf.claims) >= 60
    ids = {c.id for c in cf.claims}
    # claims the issue names explicitly
    musts = (
        "alliance-1950 treaty-2001-consultation china-vote-may-2023 turnover-2022-fact "
        "china-share-of-russia-trade-2022-from-facts russia-share-of-china-trade-2022-fact "
        "crude-gains-apr-2022-aug-2023 power-of-siberia-capacity yuan-share-exports-aug-2023 "
        "china-central-asia-trade-2022-fact remittances-kyrgyzstan-26pct russia-top10-2022"
    )
    for must in musts.split():
        assert must in ids
    text = _article_text(shared)
    for c in cf.claims:  # every claim quotes the article (its first words, up to an ellipsis)
        head = c.quote.lstrip("(").split("...")[0].strip()[:25]
        assert head in text, c.id
        if c.params.basis == "published fact":
            assert c.metric in ("fact", "fact_expr"), c.id


def _article_text(shared) -> str:
    p = shared.parent / "article" / "sino-russian-relationship.txt"
    return p.read_text("utf-8").replace("’", "'").replace("“", '"').replace("”", '"')


@given(
    v=st.floats(-1e6, 1e6, allow_nan=False),
    e=st.floats(-1e6, 1e6, allow_nan=False),
    tol=st.floats(0, 1e3, allow_nan=False),
)
def test_comparators_agree_with_python(v, e, tol):
    assert engine.compare(v, Comparator.ge, e, None) == (v >= e)
    assert engine.compare(v, Comparator.le, e, None) == (v <= e)
    assert engine.compare(v, Comparator.gt, e, None) == (v > e)
    assert engine.compare(v, Comparator.lt, e, None) == (v < e)
    assert engine.compare(v, Comparator.approx, e, tol) == (abs(v - e) <= tol + 1e-12)
    lo, hi = sorted([e, e + tol])
    assert engine.compare(v, Comparator.within, [lo, hi], None) == (lo <= v <= hi)
    # ≈ is symmetric and ≥/≤ partition the line with =
    assert engine.compare(v, Comparator.approx, e, tol) == engine.compare(e, Comparator.approx, v, tol)
    assert engine.compare(v, Comparator.ge, e, None) or engine.compare(v, Comparator.le, e, None)


def test_text_values_compare_case_insensitively():
    assert engine.compare("Alignment", Comparator.eq, "alignment", None)
    assert not engine.compare("alliance", Comparator.eq, "alignment", None)


def test_every_metric_is_documented():
    from pathlib import Path

    from dyadwatch.claims.metrics import METRICS

    doc = (Path(__file__).resolve().parents[1] / "docs/assess.md").read_text("utf-8")
    for name in METRICS:
        assert f"| `{name}` |" in doc, f"metric {name!r} is missing from docs/assess.md"


_ids = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}", fullmatch=True)
_num = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(
    cid=_ids,
    quote=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=3, max_size=60).filter(str.strip),
    comp=st.sampled_from(["=", "≥", "≤", ">", "<", ">=", "<="]),
    expected=_num,
    period=st.integers(1946, 2030),
)
def test_claim_round_trips_through_yaml(cid, quote, comp, expected, period):
    import yaml

    raw = {
        "version": 1,
        "document": {"title": "t"},
        "claims": [{"id": cid, "quote": quote, "metric": "fact", "unit": "u", "comparator": comp,
                    "expected": expected, "params": {"period": period, "fact": "x"}}],
    }  # fmt: skip
    cf = model.parse(yaml.safe_dump(raw, allow_unicode=True))
    c = cf.claims[0]
    assert c.id == cid and c.quote == quote and c.expected == expected
    assert c.params.period == str(period) and c.params.get("fact") == "x"
    assert c.comparator.value == {">=": "≥", "<=": "≤"}.get(comp, comp)
