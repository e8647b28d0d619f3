"""Property tests: the vote loader keeps every vote, and rejects what the publisher never writes."""

from pathlib import Path

import pandas as pd
import pyreadr
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import voeten

COW = [2, 365, 710, 200, 220, 750]


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["rcid", "ccode", "vote"])
    df["session"] = 1
    df["date"] = df["rcid"].map(lambda r: f"{1 + r % 12}/{1 + r % 28}/{1990 + r % 20}")
    df["year"] = 1990.0 + df["rcid"] % 20
    df["unres"] = "R/1/" + df["rcid"].astype(str)
    df["importantvote"] = 0
    df["member"] = 1
    for i in ("me", "nu", "di", "hr", "co", "ec"):
        df[i] = (df["rcid"] % 2).astype(str)
    return df


def _write(tmp: Path, df: pd.DataFrame) -> Path:
    path = tmp / "UNVotesPublished.RData"
    pyreadr.write_rdata(str(path), df, df_name="x")
    return path


votes_st = st.dictionaries(
    st.tuples(st.integers(1, 40), st.sampled_from(COW)), st.sampled_from([1, 2, 3, 8, 9]), min_size=1, max_size=60
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(votes_st)
def test_voeten_keeps_every_vote(tmp_path, votes):
    rows = [(r, c, v) for (r, c), v in votes.items()]
    out = voeten.load([_write(tmp_path, _frame(rows))])
    got = out["votes"].to_pandas()
    assert len(got) == len(rows)
    assert sorted(zip(got.rcid, got.cow, got.vote, strict=True)) == sorted(rows)
    rc = out["roll_calls"].to_pandas()
    assert sorted(rc.rcid) == sorted({r for r, _ in votes})
    # The year is the calendar year of the date, not the file's session year.
    assert all(y == 1990 + r % 20 for r, y in zip(rc.rcid, rc.year, strict=True))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(votes_st, st.integers(-5, 20).filter(lambda v: v not in (1, 2, 3, 8, 9)))
def test_voeten_rejects_unknown_vote_codes(tmp_path, votes, bad):
    rows = [(r, c, v) for (r, c), v in votes.items()]
    rows[0] = (rows[0][0], rows[0][1], bad)
    with pytest.raises(SourceFormatError, match="outside 1 yes, 2 abstain, 3 no"):
        voeten.load([_write(tmp_path, _frame(rows))])


def test_voeten_rejects_duplicate_rows(tmp_path):
    with pytest.raises(SourceFormatError, match="repeat a \\(roll call, country\\) pair"):
        voeten.load([_write(tmp_path, _frame([(1, 2, 1), (1, 2, 3), (1, 365, 1)]))])


def test_voeten_rejects_unknown_cow_codes(tmp_path):
    with pytest.raises(SourceFormatError, match="COW codes dyadwatch does not know: \\[999\\]"):
        voeten.load([_write(tmp_path, _frame([(1, 2, 1), (1, 999, 3)]))])


def test_voeten_rejects_two_codes_for_one_state(tmp_path):
    # COW 260 (FRG) and 255 (Germany) are both DEU: on one roll call that would be two German votes.
    with pytest.raises(SourceFormatError, match="two codes map to one state"):
        voeten.load([_write(tmp_path, _frame([(1, 260, 1), (1, 255, 3), (1, 2, 1)]))])
