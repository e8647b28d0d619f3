"""The facts source: published figures with their publisher; bad rows named."""

from __future__ import annotations

import pandas as pd
import pytest

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
