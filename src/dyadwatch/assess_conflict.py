"""Conflict and power in the verdict: strategic rivalry, recent militarized disputes, power asymmetry, IGOs.

The rules (``data/assess.yaml``, section ``conflict``; docs/assess.md):

* a **strategic rivalry in force** makes the verdict "rivalry" — unless the two are treaty allies: an
  alliance stays an alliance (Greece and Turkey are NATO allies and Thompson–Dreyer rivals), and the
  rivalry line says "allied rivals". The treaty is a fact about obligations; the rivalry a fact about
  threat perception; the verdict names the first and the evidence shows both. A rivalry in force in a
  source's last year is carried forward (at most ``rivalry_carry_forward_years``), and the line says so;
* a **fatal militarized dispute in the last ``mid_window`` years** (no rivalry) turns "alignment" into
  "unaligned": states that killed each other's soldiers recently are not aligned;
* power asymmetry (CINC, GDP: who is the junior partner), IGO co-memberships and the dyad's conflict
  history (past rivalries, disputes with use of force) are evidence only, never the verdict.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dyadwatch.errors import DyadwatchError


def _cfg() -> dict:
    from dyadwatch.assess_config import config

    return config()["conflict"]


def _types(r) -> str:
    from dyadwatch.indicators.conflict import TYPES

    return ", ".join(t for t in TYPES if r.get(t) == 1) or "type not coded"


def rivalry_lines(riv: pd.DataFrame, year: int, allied: bool):
    """(evidence lines, in_force) for the rivalry dimension."""
    from dyadwatch.evidence import Evidence

    cfg = _cfg()
    src = next((s for s in cfg["rivalry_sources"] if s in set(riv.source)), None)
    if src is None:
        srcs = "/".join(cfg["rivalry_sources"])
        none = Evidence("strategic rivalry", "no strategic rivalry recorded between the two", "none",
                        "any rivalry spell covering the year", srcs, year=year)  # fmt: skip
        return [none], False
    r = riv[riv.source == src]
    end = int(r.data_end.iloc[0])
    carried = year > end
    at = min(year, end)
    live = r[(r.start <= at) & (r.end >= at)]
    lines = []
    if carried and year - end > cfg["rivalry_carry_forward_years"]:
        live = live.iloc[0:0]
    if len(live):
        x = live.iloc[0]
        when = (f"in force in {end}, the last year {src} covers (carried forward to {year})" if carried and x.end == end
                else f"in force in {year}")  # fmt: skip
        value = f"{x['name']} ({_types(x)}), since {int(x.start)}; {when}"
        if allied:
            rule = "a strategic rivalry in force, but the two are treaty allies → the alliance stands (allied rivals)"
        else:
            rule = "a strategic rivalry in force → rivalry (never alignment)"
        lines.append(Evidence("strategic rivalry", rule, value, "a rivalry spell covering the year", src, True,
                              1.0, at))  # fmt: skip
    past = r[r.end < at]
    if len(past):
        spells = "; ".join(f"{p['name']} {int(p.start)}–{int(p.end)} ({_types(p)})" for _, p in past.iterrows())
        lines.append(Evidence("conflict history", "past strategic rivalries (history, not the verdict)", spells,
                              "—", src, False, 0.4, int(past.end.max())))  # fmt: skip
    if not len(live) and not len(past):
        lines.append(Evidence("strategic rivalry", "no strategic rivalry recorded between the two", "none",
                              f"{src} covers to {end}", src, year=year))  # fmt: skip
    elif not len(live):
        lines.insert(0, Evidence("strategic rivalry", "no strategic rivalry in force", f"none in {at}",
                                 f"{src} covers to {end}", src, year=at))  # fmt: skip
    return lines, bool(len(live))


def mid_lines(mids: pd.DataFrame, cov: pd.DataFrame, year: int):
    """(evidence lines, fatal_recent) for recent disputes and the dispute history."""
    from dyadwatch.evidence import Evidence
    from dyadwatch.indicators.conflict import HOSTLEV

    cfg = _cfg()
    n = cfg["mid_window"]
    have = set(cov.source)
    src = next((s for s in cfg["mid_sources"] if s in have), None)
    if src is None:
        return [], False
    hi = int(cov.set_index("source").loc[src].hi)
    lo_w, hi_w = year - n + 1, min(year, hi)
    m = mids[mids.source == src]
    lines = []
    if hi_w < lo_w:
        lines.append(Evidence("militarized disputes", f"no dispute data for the {n} years to {year}", "no data",
                              f"{src} ends in {hi}", src, year=year))  # fmt: skip
        fatal = False
    else:
        w = m[(m.year >= lo_w) & (m.year <= hi_w)]
        span = f"{lo_w}–{hi_w}" + (f" ({src} ends in {hi}; {hi + 1}–{year} no data)" if hi < year else "")
        fatal = bool((w.fatal == 1).any())
        if w.empty:
            value = f"none in {span}"
        else:
            k = len({d for s in w.dispnums for d in str(s).split()})
            top = int(w.hostlev.max())
            fat = (f"fatal ({', '.join(str(int(y)) for y in w[w.fatal == 1].year)})" if fatal
                   else ("fatality unknown" if w.fatal.isna().all() else "none fatal"))  # fmt: skip
            value = f"{k} dispute(s) in {span}; highest hostility {HOSTLEV.get(top, top)}; {fat}"
        rule = (f"a fatal dispute in the last {n} years → not alignment" if fatal
                else f"militarized disputes in the last {n} years (none fatal: not decisive)")  # fmt: skip
        lines.append(Evidence("militarized disputes", rule, value, f"any fatal dispute in {n} years", src, fatal,
                              0.8 if fatal else 0.3, hi_w))  # fmt: skip
    big = m[(m.hostlev >= 4) & (m.year < lo_w)].sort_values("year")
    if len(big):
        since = cfg["history_since"]
        fat = big[(big.fatal == 1) & (big.year >= since)].year.astype(int).tolist()
        shown = ", ".join(map(str, fat[-cfg["history_disputes"] :]))
        latest = f", latest {cfg['history_disputes']}" if len(fat) > cfg["history_disputes"] else ""
        value = f"fatal disputes in {shown} (since {since}{latest}); " if fat else f"no fatal dispute since {since}; "
        value += f"{len(big)} dispute-years with use of force or war since {int(big.year.min())}"
        lines.append(Evidence("conflict history", "disputes with use of force or war (history, not the verdict)",
                              value, "hostility ≥ 4", src, False, 0.4, int(big.year.max())))  # fmt: skip
    return lines, fatal


def _last_with(df: pd.DataFrame, *cols: str) -> pd.Series | None:
    """The last row with every one of ``cols`` non-NULL, or None (a dropna per reference dyad is slow)."""
    ok = np.logical_and.reduce([df[c].notna().to_numpy() for c in cols])
    at = np.flatnonzero(ok)
    return df.iloc[at[-1]] if len(at) else None


def power_line(pw: pd.DataFrame, a: str, b: str, year: int):
    from dyadwatch.evidence import Evidence

    d = pw[pw.year <= year]
    parts, last_year = [], None
    c = _last_with(d, "cinc_a", "cinc_b")
    if c is not None:
        r = c
        junior = b if r.cinc_a >= r.cinc_b else a
        ratio = max(r.cinc_a, r.cinc_b) / max(min(r.cinc_a, r.cinc_b), 1e-12)
        parts.append(f"CINC {a} {r.cinc_a:.3f} vs {b} {r.cinc_b:.3f} ({int(r.year)}): {junior} is the junior "
                     f"partner, {ratio:.1f}×")  # fmt: skip
        last_year = int(r.year)
    g = _last_with(d, "ln_gdp_a", "ln_gdp_b")
    if g is not None:
        r = g
        bigger = a if r.ln_gdp_a >= r.ln_gdp_b else b
        parts.append(f"GDP: {bigger}'s is {float(np.exp(abs(r.ln_gdp_a - r.ln_gdp_b))):.1f}× the other's "
                     f"({int(r.year)})")  # fmt: skip
        last_year = max(last_year or 0, int(r.year))
    if not parts:
        return None
    return Evidence("power asymmetry", "who is the junior partner (supporting only, never the verdict)",
                    "; ".join(parts), "CINC and GDP ratios", "cow_nmc, sdp_gdp", False, 0.3, last_year)  # fmt: skip


def igo_line(ig: pd.DataFrame, year: int):
    from dyadwatch.evidence import Evidence

    r = _last_with(ig[ig.year <= year], "igos")
    if r is None:
        return None
    return Evidence("IGO co-memberships", "shared intergovernmental organisations (supporting only)",
                    f"{int(r.igos)} shared IGOs ({int(r.year)}); the COW dyadic file counts them and names none "
                    "(so SCO, CSTO, BRICS or NATO cannot be singled out)", "—", "cow_igo", False, 0.2,
                    int(r.year))  # fmt: skip


def apply(a: str, b: str, year: int, verdict: str, evidence: list, sources: set, notes: list, wh) -> str:
    """Add the conflict and power evidence to ``evidence`` and return the verdict these rules leave."""
    from dyadwatch import api
    from dyadwatch.indicators import conflict

    in_force = fatal = False
    try:
        riv, _ = conflict.dyad_rivalries(wh, a, b)
        lines, in_force = rivalry_lines(riv, year, allied=verdict == "alliance")
        evidence += lines
        sources.update(lines[0].source.split("/")[:1] if lines else [])
    except DyadwatchError as e:
        notes.append(f"Strategic rivalries: {e}")
    try:
        mids, _ = conflict.dyad_mids(wh, a, b)
        lines, fatal = mid_lines(mids, api.dispute_coverage(wh=wh).data, year)
        evidence += lines
        sources.update({ln.source for ln in lines})
    except DyadwatchError as e:
        notes.append(f"Militarized disputes: {e}")
    for what in ("power", "igos"):
        try:
            df = api.power(a, b, wh=wh).data if what == "power" else conflict.dyad_igos(wh, a, b)[0]
        except DyadwatchError as e:
            notes.append(str(e))
            continue
        line = power_line(df, a, b, year) if what == "power" else igo_line(df, year)
        if line:
            evidence.append(line)
            sources.update(s.strip() for s in line.source.split(","))
    if in_force and verdict != "alliance":
        return "rivalry"
    if fatal and verdict == "alignment":
        return "unaligned"
    return verdict
