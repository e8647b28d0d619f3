"""The rows of a panel: directed or non-directed dyad-years, or state-years, of a state system.

The dyad-year frame is the published one (``dyad_frames``, from
``cow_ddy.rda``/``gw_ddy.rda``) when the store has it; otherwise the COW
frame is generated from the state list (``state_system``): every ordered
pair of states that are both members at some point of the year. A test
proves the generated frame equals the published one row for row.
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, NoDataError, UnitOfAnalysisError
from dyadwatch.store import in_years
from dyadwatch.tables import spec

SYSTEMS = ("cow", "gw")


class PanelOptionError(ValueError, DyadwatchError):
    """A panel option that cannot be honoured (unknown system, years outside the frame...)."""

    exit_code = 2


def left_join(left, right, on: dict[str, str]):
    """``left`` with ``right``'s non-key columns, matched on {left column: right column}; keys from left only."""
    ren = {f"{r}__k": r for r in on.values()}
    r = right.rename(ren)
    pred = [left[lc] == r[f"{rc}__k"] for lc, rc in on.items()]
    j = left.left_join(r, pred)
    return j.select(*left.columns, *[c for c in r.columns if c not in ren])


def check_unit(store, table: str, expected: str) -> None:
    """Fail unless ``table`` is declared with unit ``expected`` (peacesciencer's ps_data_type check)."""
    unit = spec(table).unit
    if unit != expected:
        raise UnitOfAnalysisError(
            f"Table {table!r} is {unit!r} data, but this join needs {expected!r}. Fix: aggregate it to "
            f"{expected} first (dyadwatch.panel.blocks shows how each block does it)."
        )


def code_map(system: str) -> pd.DataFrame:
    """code → iso3 for a system. GW codes are read as the COW code of the same number (see docs/panels.md)."""
    m = countries.cow_to_iso3_map()
    return pd.DataFrame({"code": np.array(list(m), dtype="int16"), "iso3": list(m.values())})


def member_years(states: pd.DataFrame) -> pd.DataFrame:
    """State-years (code, year) from membership spells: every year a spell touches."""
    m = states[states.kind == "member"]
    rows = [(int(c), y) for c, s, e in zip(m.code, m.start, m.end, strict=True)
            for y in range(pd.Timestamp(s).year, pd.Timestamp(e).year + 1)]  # fmt: skip
    return pd.DataFrame(rows, columns=["code", "year"]).drop_duplicates().sort_values(["code", "year"])


def generate_cow_ddy(states: pd.DataFrame, extend_to: int | None = None) -> pd.DataFrame:
    """The directed COW dyad-year frame from the membership spells (code_a, code_b, year).

    Two states form a dyad in a year when their memberships overlap on some day of it (so the two
    Germanys of 1990, one ending on 2 October and the other starting on 3 October, do not). States in
    the system on the list's last day are carried to ``extend_to``, as peacesciencer's frames do
    (``cow_ddy`` runs to 2024 on the 2016 list).
    """
    m = states[states.kind == "member"]
    start = pd.to_datetime(m.start).to_numpy()
    end = pd.to_datetime(m.end).to_numpy()
    last = end.max()
    if extend_to is not None:
        end = np.where(end == last, np.datetime64(f"{extend_to}-12-31"), end)
    code = m.code.to_numpy().astype(np.int64)
    parts = []
    for year in range(pd.Timestamp(start.min()).year, pd.Timestamp(end.max()).year + 1):
        y0, y1 = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
        on = (start <= y1) & (end >= y0)
        if on.sum() < 2:
            continue
        c, s, e = code[on], np.maximum(start[on], y0), np.minimum(end[on], y1)
        ok = (s[:, None] <= e[None, :]) & (s[None, :] <= e[:, None]) & (c[:, None] != c[None, :])
        ia, ib = np.nonzero(ok)
        parts.append(pd.DataFrame({"code_a": c[ia], "code_b": c[ib], "year": year}))
    out = pd.concat(parts, ignore_index=True).drop_duplicates()
    return out.sort_values(["code_a", "code_b", "year"], ignore_index=True)


def dyad_years(store, *, system: str = "cow", directed: bool = True, year_from: int | None = None,
               year_to: int | None = None, states: list[int] | None = None, relevant: bool = False):  # fmt: skip
    """Ibis table (code_a, code_b, year, iso3_a, iso3_b[, microstate_a, microstate_b]) and notes."""
    if system not in SYSTEMS:
        raise PanelOptionError(f"Unknown state system {system!r}; choose cow or gw.")
    notes: list[str] = []
    if store.has("dyad_frames") and _has_system(store, system):
        check_unit(store, "dyad_frames", "dyad-year (directed)")
        t = store.table("dyad_frames")
        t = t.filter(t.system == system).select("code_a", "code_b", "year", "microstate_a", "microstate_b")
        notes.append(f"Frame: the published {system.upper()} directed dyad-year frame (peacesciencer {system}_ddy).")
    elif system == "cow" and store.has("state_system"):
        df = generate_cow_ddy(store.table("state_system").to_pandas())
        t = ibis.memtable(df.astype({"code_a": "int16", "code_b": "int16", "year": "int16"}))
        notes.append("Frame: generated from the COW state list (cow_states), 1816–2016; it equals the published "
                     "cow_ddy, which carries the 2016 system on to 2024.")  # fmt: skip
    else:
        fix = "`dyadwatch ingest ddy gw_ddy.rda`" if system == "gw" else "`dyadwatch ingest ddy cow_ddy.rda`"
        raise NoDataError(f"No {system.upper()} dyad-year frame in the store. Fix: {fix}.")
    if not directed:
        t = t.filter(t.code_a < t.code_b)
    if year_from is not None:
        t = t.filter(t.year >= year_from)
    if year_to is not None:
        t = t.filter(t.year <= year_to)
    if states:
        t = t.filter(t.code_a.isin(states) & t.code_b.isin(states))
    if relevant:
        t = _relevant(store, t, system)
        notes.append(
            "Politically relevant dyads: at least one side a COW major power that year (cow_majors). The data "
            "here have no contiguity file, so neighbours without a major power are not included."
        )
    cm = ibis.memtable(code_map(system))
    ca = cm.rename(code_a="code", iso3_a="iso3")
    cb = cm.rename(code_b="code", iso3_b="iso3")
    return left_join(left_join(t, ca, {"code_a": "code_a"}), cb, {"code_b": "code_b"}), notes


def _has_system(store, system: str) -> bool:
    t = store.table("dyad_frames")
    return bool(t.filter(t.system == system).limit(1).count().execute())


def majors(store) -> pd.DataFrame:
    """Major-power state-years (code, year)."""
    if not store.has("state_system"):
        raise NoDataError("--relevant needs the major-power list. Fix: `dyadwatch ingest cow_states cow_states.rda "
                          "cow_majors.rda`.")  # fmt: skip
    st = store.table("state_system").to_pandas()
    mj = st[st.kind == "major"]
    if mj.empty:
        raise NoDataError("No major powers ingested. Fix: `dyadwatch ingest cow_states cow_states.rda cow_majors.rda`.")
    return member_years(mj.assign(kind="member"))


def _relevant(store, t, system: str):
    mj = ibis.memtable(majors(store).astype({"code": "int16", "year": "int16"}).assign(major=1))
    ma = mj.rename(code_a="code", major_a="major")
    mb = mj.rename(code_b="code", major_b="major")
    t2 = left_join(left_join(t, ma, {"code_a": "code_a", "year": "year"}), mb, {"code_b": "code_b", "year": "year"})
    t2 = t2.filter((t2.major_a.notnull()) | (t2.major_b.notnull()))
    return t2.select(*t.columns)


def state_years(store, *, system: str = "cow", year_from: int | None = None, year_to: int | None = None,
                states: list[int] | None = None):  # fmt: skip
    """Ibis table (code, year, iso3) of the COW state system's member years."""
    if system != "cow":
        raise PanelOptionError("state-year panels use the COW state list; the GW state list is not in the data here.")
    if not store.has("state_system"):
        raise NoDataError(
            "No state list in the store. Fix: `dyadwatch ingest cow_states cow_states.rda cow_majors.rda`."
        )
    sy = member_years(store.table("state_system").to_pandas())
    sy = in_years(sy, year_from, year_to)
    if states:
        sy = sy[sy.code.isin(states)]
    sy = sy.merge(code_map("cow"), on="code", how="left")
    return ibis.memtable(sy.astype({"code": "int16", "year": "int16"})), ["Frame: COW state-years (cow_states)."]
