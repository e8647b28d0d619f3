"""The facts source: published figures with their publisher; bad rows named."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import facts
from dyadwatch.warehouse import Warehouse


def test_reference_facts(shared, wh_path):
    raw = pd.read_csv(shared / "trade/reference_facts.csv")
    with Warehouse(wh_path) as wh:
        wh.ingest(facts, [shared / "trade/reference_facts.csv"])
        df = wh.table("facts").to_pandas()
    assert len(df) == len(raw)
    assert df.publisher.notna().all() and df.url.notna().all()
    t = df[(df.metric == "cn_ru_trade_turnover") & (df.period == "2022")].iloc[0]
    assert (t.entity_a, t.entity_b, t.value) == ("CHN", "RUS", 190.271)
    assert df[df.metric == "cn_imports_from_ru"].entity_b.eq("RUS").all()


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("m,2022,abc,pct,X,http://x\n", "not a number"),
        ("m,2022,1,pct,,http://x\n", "publisher"),
        ("m,22/23,1,pct,X,http://x\n", "not understood"),
    ],
)
def test_bad_facts(tmp_path, row, match):
    p = tmp_path / "f.csv"
    p.write_text("metric,period,value,unit,source_org,url\n" + row)
    with pytest.raises(SourceFormatError, match=match):
        facts.load([p])


@given(year=st.integers(1990, 2030), form=st.sampled_from(["Y", "M", "H", "Q", "R"]), a=st.integers(1, 12),
       b=st.integers(1, 12))  # fmt: skip
def test_period_months_of_every_spelling(year, form, a, b):
    """Each facts period spelling gives its first and last month, in order, inside its year."""
    from dyadwatch.sources.facts import MONTHS, period_months

    lo, hi = sorted((a, b))
    label, want = {
        "Y": (f"{year}", (1, 12)),
        "M": (f"{year}-{a:02d}", (a, a)),
        "H": (f"{year}H{1 + (a > 6)}", (1, 6) if a <= 6 else (7, 12)),
        "Q": (f"{year}Q{(a - 1) // 3 + 1}", ((a - 1) // 3 * 3 + 1, (a - 1) // 3 * 3 + 3)),
        "R": (f"{year}{MONTHS[lo - 1]}-{MONTHS[hi - 1]}", (lo, hi)),
    }[form]
    assert period_months(label) == (f"{year}-{want[0]:02d}", f"{year}-{want[1]:02d}")
