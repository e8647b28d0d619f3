"""Blocks a panel can add (``--add``): each reads one canonical table through the store and joins it.

A block declares the unit of the table it reads (checked against
``tables.py`` before the join), the source it prefers, and every column it
adds with its meaning and unit (the codebook). Values are NULL outside the
source's coverage; inside it, event data (alliances, disputes, rivalries)
that list only the dyad-years where something happened give 0 for the rest.
Dyad-year panels get ``_a``/``_b`` columns for state attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import pandas as pd

from dyadwatch.errors import NoDataError
from dyadwatch.panel.frames import PanelOptionError, check_unit, left_join


@dataclass
class Added:
    """What a block did: columns (name → (meaning, unit)), the source used, its years, notes."""

    block: str
    source: str
    table: str
    years: tuple[int, int] | None
    columns: dict[str, tuple[str, str]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Block:
    name: str
    table: str
    unit: str
    preference: tuple[str, ...]
    doc: str
    add: Callable  # (store, frame, kind, source, opts) -> (frame, Added)


def pick(store, table: str, preference: tuple[str, ...], requested: str | None, block: str) -> str:
    have = store.sources_of(table)
    if requested:
        if requested not in have:
            raise NoDataError(f"Block {block!r}: no {table!r} rows from {requested!r} (have: {have or 'none'}).")
        return requested
    for s in (*preference, *have):
        if s in have:
            return s
    hint = " or ".join(f"`dyadwatch ingest {p} FILE`" for p in preference)
    raise NoDataError(f"Block {block!r} needs the {table!r} table. Fix: {hint}.")


def _years(t, lo_col: str = "year", hi_col: str = "year") -> tuple[int, int]:
    r = t.aggregate(lo=t[lo_col].min(), hi=t[hi_col].max()).execute().iloc[0]
    return int(r["lo"]), int(r["hi"])


def _inside(frame, years: tuple[int, int]):
    return frame.year.between(years[0], years[1])


def _zero_inside(frame, col, years):
    """0 for an unlisted dyad-year inside coverage, NULL outside (missing is not zero)."""
    return ibis.ifelse(_inside(frame, years), col.fill_null(0), ibis.null(col.type()))


def _sides(frame, kind: str, sy, cols: dict[str, tuple[str, str]], key: str = "cow"):
    """Join a state-year table once (state-year) or per side (dyad-year); returns the frame and columns."""
    sy = sy.select(key, "year", *cols)
    if kind == "state-year":
        return left_join(frame, sy, {"code": key, "year": "year"}), dict(cols)
    out = {}
    for side in ("a", "b"):
        ren = sy.rename({f"{c}_{side}": c for c in cols})
        frame = left_join(frame, ren, {f"code_{side}": key, "year": "year"})
        out.update({f"{c}_{side}": (f"{m} (state {side})", u) for c, (m, u) in cols.items()})
    return frame, out


# ----------------------------------------------------------------- state-year blocks

_NMC = {
    "milex": ("military expenditure", "thousands of current USD (before 1914: thousands of GBP)"),
    "milper": ("military personnel", "thousands"),
    "irst": ("iron and steel production", "thousands of tons"),
    "pec": ("primary energy consumption", "thousands of coal-ton equivalents"),
    "tpop": ("total population", "thousands"),
    "upop": ("urban population", "thousands"),
    "cinc": ("Composite Index of National Capability", "share of the system total (0-1)"),
}


def _capabilities(store, frame, kind, source, opts):
    t = store.table("capabilities").filter(lambda t: t.source == source)
    frame, cols = _sides(frame, kind, t, _NMC)
    if kind != "state-year":
        frame = frame.mutate(cinc_ratio=frame.cinc_a / frame.cinc_b.nullif(0))
        cols["cinc_ratio"] = ("CINC of a divided by CINC of b (> 1: a is the stronger)", "ratio")
    return frame, Added("capabilities", source, "capabilities", _years(t), cols)


_GDP = {
    "ln_gdp": ("GDP estimate, natural log", "ln 2011 USD"),
    "ln_sdp": ("surplus domestic product estimate, natural log", "ln 2011 USD"),
    "ln_pop": ("population estimate, natural log", "ln persons"),
    "ln_gdppc": ("GDP per capita estimate, natural log", "ln 2011 USD"),
}


def _gdp(store, frame, kind, source, opts):
    t = store.table("economy_state_year").filter(lambda t: t.source == source)
    frame, cols = _sides(frame, kind, t, _GDP)
    if kind != "state-year":
        frame = frame.mutate(gdp_ratio=(frame.ln_gdp_a - frame.ln_gdp_b).exp())
        cols["gdp_ratio"] = ("GDP of a divided by GDP of b (> 1: a is the larger economy)", "ratio")
    return frame, Added("gdp", source, "economy_state_year", _years(t), cols)


_DEM = {
    "polyarchy": ("V-Dem electoral democracy index", "0-1"),
    "polity2": ("Polity2 score", "-10..10"),
    "uds": ("Marquez extended Unified Democracy Score", "latent, mean 0"),
}


def _democracy(store, frame, kind, source, opts):
    t = store.table("regimes").filter(lambda t: t.source == source)
    frame, cols = _sides(frame, kind, t, _DEM)
    return frame, Added("democracy", source, "regimes", _years(t), cols)


_IDEAL = {"ideal_point": ("UNGA ideal point (Bailey-Strezhnev-Voeten)", "latent scale")}


def _idealpoints(store, frame, kind, source, opts):
    t = store.table("ideal_points").filter(lambda t: t.source == source)
    frame, cols = _sides(frame, kind, t, _IDEAL)
    if kind != "state-year":
        frame = frame.mutate(ideal_point_distance=(frame.ideal_point_a - frame.ideal_point_b).abs())
        cols["ideal_point_distance"] = ("absolute distance between the two ideal points", "latent scale")
    return frame, Added("idealpoints", source, "ideal_points", _years(t), cols)


# ------------------------------------------------------------------ dyadic blocks


def _dyadic_only(kind: str, block: str) -> None:
    if kind == "state-year":
        raise PanelOptionError(f"Block {block!r} is dyadic; add it to a dyad-year panel, not a state-year one.")


_ALLY = {
    "defense": "defence pact in force",
    "offense": "offence pact in force",
    "neutral": "neutrality pledge in force",
    "nonagg": "non-aggression pledge in force",
    "consul": "consultation pact in force",
    "entente": "entente in force",
}


def _alliances(store, frame, kind, source, opts):
    _dyadic_only(kind, "alliances")
    t = store.table("alliance_dyad_year").filter(lambda t: t.source == source)
    years = _years(t)
    measured = t.aggregate(**{o: t[o].count() for o in _ALLY}).execute().iloc[0]
    obs = [o for o in _ALLY if measured[o] > 0]
    j = left_join(frame, t.select("cow_a", "cow_b", "year", *obs), {"code_a": "cow_a", "code_b": "cow_b",
                                                                     "year": "year"})  # fmt: skip
    j = j.mutate(**{f"atop_{o}" if source == "atop" else f"cow_{o}": _zero_inside(j, j[o], years) for o in obs})
    j = j.drop(*obs)
    pre = "atop" if source == "atop" else "cow"
    cols = {f"{pre}_{o}": (f"{_ALLY[o]} from a to b ({source})", "1 yes, 0 no") for o in obs}
    return j, Added("alliances", source, "alliance_dyad_year", years, cols)


def _mids(store, frame, kind, source, opts):
    _dyadic_only(kind, "mids")
    t = store.table("mids").filter(lambda t: t.source == source)
    years = _years(t)
    agg = t.group_by(["cow_a", "cow_b", "year"]).aggregate(
        _onset=t.onset.max(), _ongoing=t.ongoing.max(), _n=t.dispnum.nunique(), mid_hostlev=t.hostlev.max(),
        mid_hiact_a=t.hiact_a.max(), mid_fatal=(t.fatality > 0).cast("int8").max(), mid_sidea_a=t.sidea_a.max(),
        mid_orig_a=t.orig_a.max(), mid_revstate_a=t.revstate_a.max(),
    )  # fmt: skip
    j = left_join(frame, agg, {"code_a": "cow_a", "code_b": "cow_b", "year": "year"})
    j = j.mutate(mid_onset=_zero_inside(j, j._onset, years), mid_ongoing=_zero_inside(j, j._ongoing, years),
                 mid_count=_zero_inside(j, j._n, years)).drop("_onset", "_ongoing", "_n")  # fmt: skip
    cols = {
        "mid_onset": ("a new militarized interstate dispute began between a and b", "1 yes, 0 no"),
        "mid_ongoing": ("a dispute between a and b was ongoing", "1 yes, 0 no"),
        "mid_count": ("distinct disputes between a and b in the year", "count"),
        "mid_hostlev": ("highest dispute-level hostility (NULL: no dispute)", "1 none … 4 use of force, 5 war"),
        "mid_hiact_a": ("highest action taken by a (NULL: no dispute)", "MID action code 0-21"),
        "mid_fatal": ("any fatalities in the dispute (NULL: no dispute or unknown)", "1 yes, 0 no"),
        "mid_sidea_a": ("a was on side A (the initiating side)", "1 yes, 0 no"),
        "mid_orig_a": ("a was an originator of the dispute", "1 yes, 0 no"),
        "mid_revstate_a": ("a was a revisionist state (gml_dirdisp only)", "1 yes, 0 no"),
    }
    return j, Added("mids", source, "mids", years, cols)


def _rivalry(store, frame, kind, source, opts):
    _dyadic_only(kind, "rivalry")
    t = store.table("rivalries").filter(lambda t: t.source == source)
    years = _years(t, "start", "end")
    # Spells to dyad-years on both orientations, then one row per dyad-year (rivalries do not overlap in a dyad).
    both = t.select("rivalry_id", "cow_a", "cow_b", "start", "end", "spatial", "positional", "ideological",
                    "interventionary").union(
        t.select("rivalry_id", cow_a=t.cow_b, cow_b=t.cow_a, start=t.start, end=t.end, spatial=t.spatial,
                 positional=t.positional, ideological=t.ideological, interventionary=t.interventionary))  # fmt: skip
    fy = frame.select(code_a=frame.code_a, code_b=frame.code_b, fyear=frame.year).distinct()
    hit = fy.join(both, [fy.code_a == both.cow_a, fy.code_b == both.cow_b, fy.fyear >= both.start,
                         fy.fyear <= both.end])  # fmt: skip
    per = hit.group_by([hit.code_a, hit.code_b, hit.fyear]).aggregate(
        rivalry_id=hit.rivalry_id.max(), _sp=hit.spatial.max(), _po=hit.positional.max(),
        _id=hit.ideological.max(), _in=hit.interventionary.max(),
    ).rename(ca="code_a", cb="code_b")  # fmt: skip
    j = left_join(frame, per, {"code_a": "ca", "code_b": "cb", "year": "fyear"})
    j = j.mutate(
        rivalry=ibis.ifelse(_inside(j, years), j.rivalry_id.notnull().cast("int8"), ibis.null("int8")),
        rivalry_spatial=_zero_inside(j, j._sp.cast("int8"), years),
        rivalry_positional=_zero_inside(j, j._po.cast("int8"), years),
        rivalry_ideological=_zero_inside(j, j._id.cast("int8"), years),
        rivalry_interventionary=_zero_inside(j, j._in.cast("int8"), years),
    ).drop("_sp", "_po", "_id", "_in")
    cols = {
        "rivalry": (f"a strategic rivalry between a and b is in force ({source})", "1 yes, 0 no"),
        "rivalry_id": ("the rivalry's id in the source (NULL: none)", "id"),
        "rivalry_spatial": ("the rivalry is spatial (territory)", "1 yes, 0 no"),
        "rivalry_positional": ("the rivalry is positional (status, influence)", "1 yes, 0 no"),
        "rivalry_ideological": ("the rivalry is ideological", "1 yes, 0 no"),
        "rivalry_interventionary": ("the rivalry is interventionary", "1 yes, 0 no"),
    }
    return j, Added("rivalry", source, "rivalries", years, cols, [f"Rivalry data ({source}) end in {years[1]}."])


def _undirected(frame, t, cols: list[str]):
    """Join a non-directed (cow_a < cow_b) table on the frame's ordered pair."""
    lo = ibis.least(frame.code_a, frame.code_b)
    hi = ibis.greatest(frame.code_a, frame.code_b)
    f = frame.mutate(_lo=lo, _hi=hi)
    j = left_join(f, t.select("cow_a", "cow_b", "year", *cols), {"_lo": "cow_a", "_hi": "cow_b", "year": "year"})
    return j


def _igos(store, frame, kind, source, opts):
    _dyadic_only(kind, "igos")
    t = store.table("igo_dyad_year").filter(lambda t: t.source == source)
    j = _undirected(frame, t, ["igos"]).rename(dyad_igos="igos").drop("_lo", "_hi")
    cols = {"dyad_igos": ("IGOs in which both a and b are full members (NULL: year not in the file)", "count")}
    return j, Added("igos", source, "igo_dyad_year", _years(t), cols)


def _trade(store, frame, kind, source, opts):
    _dyadic_only(kind, "trade")
    t = store.table("trade_dyad_year").filter(lambda t: t.source == source)
    j = _undirected(frame, t, ["flow1", "flow2"])
    a_lo = j.code_a == j._lo
    j = j.mutate(imports_a_from_b=ibis.ifelse(a_lo, j.flow1, j.flow2),
                 imports_b_from_a=ibis.ifelse(a_lo, j.flow2, j.flow1)).drop("flow1", "flow2", "_lo", "_hi")  # fmt: skip
    cols = {
        "imports_a_from_b": ("imports of a from b (COW trade)", "millions of current USD"),
        "imports_b_from_a": ("imports of b from a (COW trade)", "millions of current USD"),
    }
    return j, Added("trade", source, "trade_dyad_year", _years(t), cols)


def vote_table(store, basis: str, source: str) -> pd.DataFrame:
    """Undirected iso3 dyad-years with n, agreement (and kappa for the calendar basis)."""
    if basis == "session":
        from dyadwatch.indicators import votes_replication as vr

        return vr.session_panel(store, source=source)
    from dyadwatch.indicators import votes_panel as vp

    return vp.all_dyads(store, source=source, measures=["agreement", "kappa"]).drop(columns="source")


def _votes(store, frame, kind, source, opts):
    _dyadic_only(kind, "votes")
    basis = opts.get("vote_basis", "calendar")
    df = opts.get("vote_table")
    if df is None:
        df = vote_table(store, basis, source)
    keep = [c for c in ("n", "agreement", "kappa") if c in df]
    vt = ibis.memtable(df[["iso3_a", "iso3_b", "year", *keep]].astype({"year": "int16"}))
    lo = ibis.least(frame.iso3_a, frame.iso3_b)
    hi = ibis.greatest(frame.iso3_a, frame.iso3_b)
    f = frame.mutate(_lo=lo, _hi=hi)
    j = left_join(f, vt, {"_lo": "iso3_a", "_hi": "iso3_b", "year": "year"}).drop("_lo", "_hi")
    j = j.rename(**{f"un_{c}": c for c in keep})
    what = ("session years (session + 1945), unanimous roll calls dropped (Bailey-Strezhnev-Voeten replication)"
            if basis == "session" else "calendar years of the vote dates")  # fmt: skip
    cols = {
        "un_n": (f"UNGA roll calls both voted yes/abstain/no on, {what}", "count"),
        "un_agreement": ("share of those roll calls with identical votes", "0-1"),
    }
    if "kappa" in keep:
        cols["un_kappa"] = ("Cohen's kappa of the two states' votes", "-1..1")
    yrs = (int(df.year.min()), int(df.year.max())) if len(df) else None
    return j, Added("votes", source, "votes", yrs, cols, [f"Vote year basis: {basis}."])


BLOCKS: dict[str, Block] = {
    b.name: b
    for b in [
        Block("votes", "votes", "country-roll-call", ("unvotes", "voeten"), "UNGA voting agreement", _votes),
        Block("alliances", "alliance_dyad_year", "dyad-year (directed)", ("atop", "cow_alliance"),
              "alliance obligations", _alliances),
        Block("mids", "mids", "dispute-dyad-year (directed)", ("gml_mid", "cow_mid", "gml_dirdisp"),
              "militarized interstate disputes", _mids),
        Block("rivalry", "rivalries", "rivalry (undirected dyad spell)", ("td_rivalry", "tss_rivalry"),
              "strategic rivalries", _rivalry),
        Block("capabilities", "capabilities", "state-year", ("cow_nmc",), "national material capabilities",
              _capabilities),
        Block("gdp", "economy_state_year", "state-year", ("sdp_gdp",), "GDP, SDP and population", _gdp),
        Block("igos", "igo_dyad_year", "dyad-year (undirected)", ("cow_igo",), "IGO co-memberships", _igos),
        Block("trade", "trade_dyad_year", "dyad-year (undirected)", ("cow_trade",), "bilateral trade", _trade),
        Block("democracy", "regimes", "state-year", ("democracy",), "regime scores", _democracy),
        Block("idealpoints", "ideal_points", "state-year", ("idealpoints",), "UNGA ideal points", _idealpoints),
    ]
}  # fmt: skip


def add(store, frame, kind: str, name: str, source: str | None = None, **opts):
    """Add block ``name`` to ``frame``; returns (frame, Added)."""
    if name not in BLOCKS:
        raise PanelOptionError(f"Unknown block {name!r}; choose from {', '.join(BLOCKS)}.")
    b = BLOCKS[name]
    check_unit(store, b.table, b.unit)
    src = pick(store, b.table, b.preference, source, name)
    return b.add(store, frame, kind, src, opts)
