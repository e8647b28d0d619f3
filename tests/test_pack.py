"""The committed embedded pack equals a rebuild from the shared real data, and serves through the store."""

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dyadwatch import api, pack
from dyadwatch.derived import DERIVED
from dyadwatch.errors import NeedsIngestError, NoDataError
from dyadwatch.store import PackStore, pack_dir
from dyadwatch.tables import TABLES


@pytest.mark.slow
def test_committed_pack_equals_rebuild(shared, tmp_path):
    out = pack.build(shared, tmp_path / "pack")
    committed = pack_dir()
    assert json.loads((out / "manifest.json").read_text()) == json.loads((committed / "manifest.json").read_text())
    for name in DERIVED:
        new = pq.read_table(out / f"{name}.parquet").to_pandas()
        old = pq.read_table(committed / f"{name}.parquet").to_pandas()
        pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-10)


def test_pack_serves_focus_dyads_and_refuses_others(fresh_machine):
    res = api.votes("CHN", "RUS", db=None)
    assert res.basis == "pack" and res.data.year.max() == 2019
    with pytest.raises(NoDataError, match="focus countries"):
        api.votes("CHN", "FJI", db=None)


def test_pack_is_a_read_only_store_of_derived_tables():
    store = PackStore()
    assert set(store.manifest["tables"]) == set(DERIVED)
    assert not set(DERIVED) & set(TABLES)  # a derived name never hides a canonical table in a chain
    t = store.table("vote_measures")
    assert {"iso3_a", "iso3_b", "year", "n", "kappa"} <= set(t.columns)
    assert not store.has("votes") and store.covers(["CHN", "RUS"]) and not store.covers(["CHN", "FJI"])
    with pytest.raises(NeedsIngestError, match="focus countries"):
        store.derived("vote_measures", ("CHN", "FJI"))
    import duckdb

    with pytest.raises(duckdb.Error):  # the tables are views over the package's Parquet files
        store.con.execute("INSERT INTO vote_measures SELECT * FROM vote_measures LIMIT 1")


@pytest.mark.parametrize("argv", [["assess", "CHN", "RUS"], ["claims", "check"], ["votes", "CHN", "RUS"]])
def test_commands_answered_from_the_pack_load_no_engine(fresh_machine, argv):
    """The pack's derived tables are read with pyarrow: DuckDB, Ibis, scipy and Altair (a second or more of
    imports on this machine) stay unloaded, so a first command on a fresh machine starts quickly."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom dyadwatch.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('loaded:', *sorted(m for m in ('duckdb', 'ibis', 'scipy', 'altair') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "loaded:"
