"""The committed embedded pack equals a rebuild from the shared real data."""

import json

import pandas as pd
import pytest

from dyadwatch import api, pack


@pytest.mark.slow
def test_committed_pack_equals_rebuild(shared, full_wh, tmp_path):
    # Tables whose inputs the session's full warehouse holds are computed from it; the rest (ATOP without the
    # member-level file, GEM's subset) from a fresh ingest, as `dyadwatch pack build` does.
    out = pack.build(shared, tmp_path / "pack", warehouse=full_wh)
    committed = pack.pack_dir()
    assert json.loads((out / "manifest.json").read_text()) == json.loads((committed / "manifest.json").read_text())
    for t in pack.pack_tables():
        new = pd.read_csv(out / f"{t.name}.csv")
        old = pd.read_csv(committed / f"{t.name}.csv")
        pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-10)


def test_pack_serves_focus_dyads_and_refuses_others(tmp_path):
    res = api.votes("CHN", "RUS", db=tmp_path / "empty.duckdb")
    assert res.basis == "pack" and res.data.year.max() == 2019
    from dyadwatch.errors import NoDataError

    with pytest.raises(NoDataError, match="focus countries"):
        api.votes("CHN", "FJI", db=tmp_path / "empty.duckdb")
