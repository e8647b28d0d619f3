"""The session caches the other tests rely on: one parse per shared R file, and the full warehouse."""

from __future__ import annotations

import os

import pandas as pd
import pyreadr

from helpers import RCache
from shared_layout import FULL


def test_r_cache_parses_a_shared_file_once_and_hands_out_copies(tmp_path):
    root = tmp_path / "shared"
    root.mkdir()
    path = root / "x.rda"
    pyreadr.write_rdata(str(path), pd.DataFrame({"a": [1.0, 2.0]}), df_name="x")
    cache = RCache(pyreadr.read_r, root)
    first = cache(path)
    first["x"].loc[0, "a"] = 99.0  # a caller changing its frame ...
    second = cache(str(path))
    assert second["x"].a.tolist() == [1.0, 2.0]  # ... does not change what the next caller reads
    assert list(second) == ["x"] and cache.parses == 1

    pyreadr.write_rdata(str(path), pd.DataFrame({"a": [3.0]}), df_name="x")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a rewritten file is parsed again
    assert cache(path)["x"].a.tolist() == [3.0] and cache.parses == 2


def test_r_cache_leaves_files_outside_the_shared_folder_alone(tmp_path):
    path = tmp_path / "y.rda"
    cache = RCache(pyreadr.read_r, tmp_path / "shared")
    for value in (1.0, 2.0):  # the same path rewritten at once, as the property tests do
        pyreadr.write_rdata(str(path), pd.DataFrame({"a": [value]}), df_name="y")
        assert cache(path)["y"].a.tolist() == [value]
    assert cache.parses == 0


def test_shared_r_files_are_parsed_once_per_session(shared, _one_parse_per_r_file):
    cache = _one_parse_per_r_file
    path = shared / "alliances/cow_alliance.rda"
    pyreadr.read_r(path)
    before = cache.parses
    assert pyreadr.read_r(str(path))["cow_alliance"].shape[0] > 0
    assert cache.parses == before


def test_full_warehouse_holds_every_shared_source(full_wh, shared):
    from dyadwatch import sources

    assert {i["source"] for i in full_wh.ingests()} == {name for name, _ in FULL}
    for name, files in FULL:
        assert full_wh.holds(sources.get(name), [shared / f for f in files]), name
