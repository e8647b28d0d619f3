"""Alliance or alignment: the verdict on a dyad, its evidence, reference dyads and a concord/tension scorecard.

Vocabulary (docs/assess.md):

* **alliance** — an active defence or offence obligation (ATOP, else COW);
* **alignment** — no such obligation, but a consultation / non-aggression /
  neutrality / entente tie, or UNGA voting in the top of all dyads that year;
* **rivalry** — no treaty tie and UNGA voting in the bottom of all dyads;
* **unaligned** — none of these.

Thresholds live in ``data/assess.yaml`` (versioned); behavioural rules are
relative to all dyads of the same year, never absolute cut-offs. Works from
the embedded pack on a fresh machine, from the warehouse when it has the data.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dyadwatch import countries
from dyadwatch.errors import DyadwatchError, NoDataError
from dyadwatch.evidence import Evidence

if TYPE_CHECKING:
    import pandas as pd

# numpy, pandas and the rules file's pydantic schema are loaded by the functions that compute: a verdict kept
# from an earlier run (``store.cached(..., persist=True)``) is printed without them, in a fraction of the time.

VERDICTS = ("alliance", "alignment", "unaligned", "rivalry")


def config() -> dict:
    from dyadwatch.assess_config import config as checked

    return checked()


@dataclass
class Assessment:
    a: str
    b: str
    year: int
    verdict: str
    evidence: list[Evidence]
    basis: str
    sources: list[str]
    config_version: str
    notes: list[str] = field(default_factory=list)

    def strongest(self, n: int = 3) -> list[Evidence]:
        return sorted(self.evidence, key=lambda e: (not e.fired, -e.strength))[:n]

    def as_dict(self) -> dict:
        return {
            "a": self.a, "b": self.b, "year": self.year, "verdict": self.verdict,
            "evidence": [e.as_dict() for e in self.evidence], "basis": self.basis, "sources": self.sources,
            "config_version": self.config_version, "notes": self.notes,
        }  # fmt: skip


# ----------------------------------------------------------------- data access


def _alliances(a: str, b: str, wh, db) -> tuple[pd.DataFrame, str, str]:
    """Both directions' obligations per year (max of a→b and b→a), its source and basis."""
    import numpy as np
    import pandas as pd

    from dyadwatch import api

    cfg = config()["alliance"]
    last: Exception | None = None
    for src in cfg["source_preference"]:
        try:
            ab = api.alliances(a, b, wh=wh, db=db, source=src)
            ba = api.alliances(b, a, wh=wh, db=db, source=src)
        except NoDataError as e:
            last = e
            continue
        cols = [c for c in ("defense", "offense", "neutral", "nonagg", "consul", "entente") if c in ab.data]
        years = ab.data.year.to_numpy()
        if not np.array_equal(years, ba.data.year.to_numpy()):  # both directions fill the source's coverage
            raise AssertionError(f"alliance years of {a}→{b} and {b}→{a} differ (a bug in dyadwatch)")
        x = ab.data[cols].to_numpy(dtype=float, na_value=np.nan)
        y = ba.data[cols].to_numpy(dtype=float, na_value=np.nan)
        both = np.fmax(x, y)  # the larger where either is listed, NULL where neither is
        frame = {"year": years, **{c: pd.array(both[:, i], dtype="Float64") for i, c in enumerate(cols)}}
        return pd.DataFrame(frame), src, ab.basis
    raise NoDataError(f"No alliance data for {a}–{b}: {last}")


def _votes(a: str, b: str, wh, db) -> tuple[pd.DataFrame, str, str]:
    """Per year: n, the vote measures and their percentiles among all dyads (``<m>_pct``, 0–100)."""
    from dyadwatch import api

    cfg = config()["votes"]
    names = [cfg["measure"], cfg["fallback_measure"]]
    res = api.votes(a, b, measure=names, percentile=True, wh=wh, db=db)
    return res.data, ",".join(res.sources), res.basis


def _regimes(a: str, b: str, wh) -> tuple[pd.DataFrame, str]:
    from dyadwatch import api
    from dyadwatch.indicators import regimes

    res = api.regimes([a, b], wh=wh)
    return regimes.dyad(res.data, a, b), res.basis


# --------------------------------------------------------------------- verdict


def _label(obs: dict[str, float | None]) -> str:
    from dyadwatch.indicators.alliances import LABELS

    on = [LABELS.get(k, k) for k, v in obs.items() if v == 1]
    return ", ".join(on) if on else "none"


def _treaty_lines(al: pd.DataFrame, src: str, year: int) -> tuple[list[Evidence], float]:
    """Evidence from treaties and the tie level: 2 alliance, 1 alignment tie, 0.5 weak tie only, 0 none."""
    cfg = config()["alliance"]
    measured = al.dropna(how="all", subset=[c for c in al.columns if c != "year"])
    covered = measured[measured.year <= year]
    if covered.empty:
        return [Evidence("treaties", "no treaty data for the year", "no data", "—", src, year=year)], 0
    row = covered.iloc[-1]
    y = int(row.year)
    carried = year - y
    if carried > cfg["carry_forward_years"]:
        return [Evidence("treaties", f"treaty data end in {y}, too long before {year}", "no data",
                         f"carry forward ≤ {cfg['carry_forward_years']} years", src, year=year)], 0  # fmt: skip
    import pandas as pd

    obs = {k: (None if pd.isna(row[k]) else float(row[k])) for k in al.columns if k != "year"}
    when = f"{y}" + (f" (carried forward to {year}: {src} ends in {y})" if carried else "")
    ally = {k: obs.get(k) for k in cfg["alliance"] if k in obs}
    tie = {k: obs.get(k) for k in cfg["alignment"] if k in obs}
    lines = []
    if any(v == 1 for v in ally.values()):
        lines.append(Evidence("treaties", "an active defence or offence obligation → alliance",
                              f"{_label(ally)} in force, {when}", "any of " + "/".join(cfg["alliance"]) + " = 1",
                              src, True, 1.0, y))  # fmt: skip
        level: float = 2
    else:
        lines.append(Evidence("treaties", "no defence or offence obligation → not an alliance",
                              f"none in force, {when}", "all of " + "/".join(cfg["alliance"]) + " = 0", src,
                              True, 0.9, y))  # fmt: skip
        level = 0
    weak = {k: obs.get(k) for k in cfg["weak"] if k in obs}
    if any(v == 1 for v in tie.values()):
        thr = "any of " + "/".join(cfg["alignment"]) + " = 1"
        lines.append(Evidence("treaties", "consultation / entente tie → alignment",
                              f"{_label({**tie, **weak})} in force, {when}", thr, src, level < 2, 0.8, y))  # fmt: skip
        level = max(level, 1)
    elif any(v == 1 for v in weak.values()) and level < 2:
        lines.append(Evidence("treaties", "non-aggression / neutrality pledge only → alignment unless votes opposed",
                              f"{_label(weak)} in force, {when}", "any of " + "/".join(cfg["weak"]) + " = 1",
                              src, False, 0.5, y))  # fmt: skip
        level = 0.5
    return lines, level


def _vote_line(vt: pd.DataFrame, src: str, year: int) -> tuple[Evidence, float | None]:
    cfg = config()["votes"]
    m = cfg["measure"] if f"{cfg['measure']}_pct" in vt else cfg["fallback_measure"]
    col = f"{m}_pct"
    if col not in vt:
        win = vt[(vt.year <= year) & (vt.year > year - cfg["window"])] if "agreement" in vt else vt.iloc[0:0]
        value = f"agreement {win.agreement.mean():.2f} ({len(win)} years), unranked" if len(win) else "no data"
        return Evidence("UN votes", "percentile among all dyads not available in this basis (not used)", value, "—",
                        src, year=year), None  # fmt: skip
    win = vt[(vt.year <= year) & (vt.year > year - cfg["window"]) & vt[col].notna()]
    if win.empty:
        return Evidence("UN votes", f"no UNGA votes in the {cfg['window']} years to {year}", "no data", "—", src,
                        year=year), None  # fmt: skip
    pct = float(win[col].mean())
    raw = float(win[m].mean()) if m in win else float("nan")
    span = f"{int(win.year.min())}–{int(win.year.max())}"
    value = f"{m} {raw:.2f}, percentile {pct:.0f} among all dyads ({span} mean)"
    hi, lo = cfg["aligned_percentile"], cfg["opposed_percentile"]
    if pct >= hi:
        rule, fired = "UNGA voting in the top of all dyads → behavioural alignment", True
    elif pct <= lo:
        rule, fired = "UNGA voting in the bottom of all dyads → behavioural opposition", True
    else:
        rule, fired = "UNGA voting neither aligned nor opposed", False
    strength = min(1.0, abs(pct - 50) / 50)
    return Evidence("UN votes", rule, value, f"aligned ≥ p{hi}, opposed ≤ p{lo}", src, fired, strength,
                    int(win.year.max())), pct  # fmt: skip


def _regime_line(rg: pd.DataFrame, year: int) -> Evidence | None:
    cfg = config()["regimes"]
    m = cfg["measure"]
    d = rg[(rg.year <= year) & rg[f"{m}_gap"].notna()]
    if d.empty:
        return None
    r = d.iloc[-1]
    gap = float(r[f"{m}_gap"])
    similar = gap < cfg["similar_gap"]
    return Evidence(
        "political systems", "similar regimes (supporting only, never the verdict)" if similar
        else "different regimes (supporting only, never the verdict)",
        f"{m} {r[f'{m}_a']:.2f} vs {r[f'{m}_b']:.2f}, gap {gap:.2f} ({int(r.year)})",
        f"similar if gap < {cfg['similar_gap']}", "democracy", False, 0.3 if similar else 0.2, int(r.year),
    )  # fmt: skip


def assess(a: str, b: str, *, year: int | None = None, wh=None, db: str | Path | None = None) -> Assessment:
    """The verdict for the dyad in ``year`` (default: the latest year with vote or treaty data)."""
    from dyadwatch import api

    with api.using(db, wh) as store:
        # The verdict reads seven dimensions' tables: once per store content (a report asks for it from three
        # sections, and for ten reference dyads), kept for the next process; a copy out, callers may annotate it.
        a, b = countries.resolve(a).iso3, countries.resolve(b).iso3
        kept = store.cached(("assess", a, b, year), lambda: _assess(a, b, year, store), persist=True)
        return copy.deepcopy(kept)


def _assess(a: str, b: str, year: int | None, wh) -> Assessment:
    db = None
    ca, cb = countries.resolve(a), countries.resolve(b)
    a, b = ca.iso3, cb.iso3
    if a == b:
        raise DyadwatchError(f"A dyad needs two different states; got {a} twice.")
    notes, sources, bases = [], set(), set()
    try:
        al, asrc, abasis = _alliances(a, b, wh, db)
        sources.add(asrc)
        bases.add(abasis)
    except NoDataError as e:
        al, asrc = None, "atop"
        notes.append(str(e))
    try:
        vt, vsrc, vbasis = _votes(a, b, wh, db)
        sources.update(vsrc.split(","))
        bases.add(vbasis)
    except NoDataError as e:
        vt, vsrc = None, "unvotes"
        notes.append(str(e))
    if al is None and vt is None:
        raise NoDataError(f"No treaty or vote data for {a}–{b}; nothing to assess. " + " ".join(notes))
    if year is None:
        ys = []
        if vt is not None and len(vt):
            ys.append(int(vt.year.max()))
        if al is not None and len(al):
            ys.append(int(al.dropna(how="all", subset=[c for c in al.columns if c != "year"]).year.max()))
        year = max(ys)
    evidence: list[Evidence] = []
    level: float = 0
    if al is not None:
        lines, level = _treaty_lines(al, asrc, year)
        evidence += lines
    pct = None
    if vt is not None:
        line, pct = _vote_line(vt, vsrc, year)
        evidence.append(line)
    try:
        rg, _rbasis = _regimes(a, b, wh)
        regime_line = _regime_line(rg, year)
        if regime_line:
            evidence.append(regime_line)
            sources.add("democracy")
    except DyadwatchError as e:
        notes.append(f"Regime scores: {e}")
    if pct is None and not any(e.dimension == "treaties" and e.value != "no data" for e in evidence):
        raise NoDataError(
            f"No treaty or UN vote data for {a}–{b} in {year}: ATOP covers 1815–2018 (COW 1816–2012), "
            "UN votes 1946–2019. Choose a year inside them with --year."
        )
    cfg = config()["votes"]
    opposed = pct is not None and pct <= cfg["opposed_percentile"]
    if level == 2:
        verdict = "alliance"
    elif level == 1 or (pct is not None and pct >= cfg["aligned_percentile"]):
        verdict = "alignment"
    elif level == 0.5 and not opposed:
        verdict = "alignment"
    elif opposed:
        verdict = "rivalry"
    else:
        verdict = "unaligned"
    from dyadwatch import assess_conflict  # rivalry, disputes, power, IGOs (issue 10)

    verdict = assess_conflict.apply(a, b, int(year), verdict, evidence, sources, notes, wh)
    for ev in evidence:  # the weak-tie line decides when it makes the alignment
        if ev.rule.startswith("non-aggression / neutrality") and verdict == "alignment" and level == 0.5:
            ev.fired = True
    own = "+".join(sorted(bases - {"pack"}))  # the user's store: warehouse, lake, spark…
    basis = "pack" if bases == {"pack"} else (own if "pack" not in bases else f"{own} + pack")
    return Assessment(a, b, int(year), verdict, evidence, basis, sorted(sources), str(config()["version"]), notes)


def references(*, year: int | None = None, wh=None, db=None, dyads: list[list[str]] | None = None) -> pd.DataFrame:
    """The reference dyads' verdicts and key values side by side (one row per dyad)."""
    import pandas as pd

    return pd.DataFrame(reference_rows(year=year, wh=wh, db=db, dyads=dyads))


def reference_rows(*, year: int | None = None, wh=None, db=None, dyads: list[list[str]] | None = None) -> list[dict]:
    """``references`` as plain rows: kept for the next process, and printed without pandas."""
    from dyadwatch import api

    with api.using(db, wh) as store:
        key = ("references", year, tuple(tuple(d) for d in dyads) if dyads else None)
        return copy.deepcopy(store.cached(key, lambda: _references(year, store, dyads), persist=True))


def _references(year: int | None, store, dyads: list[list[str]] | None) -> list[dict]:
    rows = []
    for x, y in dyads or config()["reference_dyads"]:
        try:
            r = assess(x, y, year=year, wh=store)
        except DyadwatchError as e:
            rows.append({"dyad": f"{x}–{y}", "year": year, "verdict": "no data", "treaties": str(e)[:80],
                         "un_votes": None, "regimes": None, "rivalry": None})  # fmt: skip
            continue
        by: dict[str, Evidence] = {}
        for ev in r.evidence:  # per dimension, the line naming what is in force
            if ev.dimension not in by or by[ev.dimension].value.startswith("none"):
                by[ev.dimension] = ev
        rows.append({
            "dyad": f"{x}–{y}", "year": r.year, "verdict": r.verdict,
            "treaties": by["treaties"].value if "treaties" in by else "no data",
            "un_votes": by["UN votes"].value if "UN votes" in by else "no data",
            "regimes": by["political systems"].value if "political systems" in by else "no data",
            "rivalry": by["strategic rivalry"].value if "strategic rivalry" in by else "no data",
        })  # fmt: skip
    return rows


# ------------------------------------------------------------------- scorecard


def _direction(first: float | None, last: float | None, band: float, closer_is_higher: bool = True) -> str:
    if first is None or last is None or math.isnan(first) or math.isnan(last):
        return "no data"
    d = last - first if closer_is_higher else first - last
    if abs(d) < band:
        return "stable"
    return "converging" if d > 0 else "diverging"


def _series_row(dim: str, s: pd.Series, label: str, band: float, src: str, fmt: str = "{:.3f}",
                closer_is_higher: bool = True) -> dict:  # fmt: skip
    """A scorecard row from a year-indexed series: latest value and direction over the window."""
    n = config()["scorecard"]["years"]
    s = s.dropna().sort_index()
    if s.empty:
        return {"dimension": dim, "latest": "no data", "year": None, "direction": "no data",
                "reason": f"no {label} for this dyad", "source": src}  # fmt: skip
    last_y = int(s.index[-1])
    w = s[s.index > last_y - n]
    first, last = float(w.iloc[0]), float(w.iloc[-1])
    d = _direction(first, last, band, closer_is_higher)
    verb = {"converging": "closer", "diverging": "further apart", "stable": "about the same"}.get(d, "")
    reason = f"{label} {fmt.format(first)} in {int(w.index[0])} → {fmt.format(last)} in {last_y}: {verb}"
    return {"dimension": dim, "latest": fmt.format(last), "year": last_y, "direction": d, "reason": reason,
            "source": src}  # fmt: skip


def _no_row(dim: str, why: str) -> dict:
    return {"dimension": dim, "latest": "no data", "year": None, "direction": "no data", "reason": why, "source": ""}


def scorecard(a: str, b: str, *, wh=None, db=None) -> pd.DataFrame:
    """Concord and tension per dimension: latest value, direction over the last N years, one-line reason."""
    from dyadwatch import api

    with api.using(db, wh) as store:
        a, b = countries.resolve(a).iso3, countries.resolve(b).iso3
        out: pd.DataFrame = store.cached(("scorecard", a, b), lambda: _scorecard(a, b, store), persist=True)
        return out.copy()


def _scorecard(a: str, b: str, wh) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    db = None
    a, b = countries.resolve(a).iso3, countries.resolve(b).iso3
    sc = config()["scorecard"]
    band = sc["stable"]
    rows = []
    try:
        al, src, _ = _alliances(a, b, wh, db)
        cfg = config()["alliance"]
        f = al.set_index("year")
        lvl = np.where(f[cfg["alliance"]].max(axis=1) == 1, 2.0,
                       np.where(f[[c for c in cfg["alignment"] if c in f]].max(axis=1) == 1, 1.0, 0.0))  # fmt: skip
        s = pd.Series(lvl, index=f.index).where(f.notna().any(axis=1))
        rows.append(_series_row("treaties", s, "treaty tie level (0 none, 1 alignment, 2 alliance)", band["treaties"],
                                src, "{:.0f}"))  # fmt: skip
    except NoDataError as e:
        rows.append(_no_row("treaties", str(e)))
    try:
        vt, src, _ = _votes(a, b, wh, db)
        m = config()["votes"]["measure"]
        col = next((c for c in (f"{m}_pct", "agreement_pct") if c in vt), None)
        if col:
            rows.append(_series_row("UN votes", vt.set_index("year")[col], f"{col.replace('_pct', '')} percentile",
                                    band["votes"], src, "{:.0f}"))  # fmt: skip
        else:
            rows.append(_series_row("UN votes", vt.set_index("year")["agreement"], "agreement", 0.02, src))
    except NoDataError as e:
        rows.append(_no_row("UN votes", str(e)))
    rows.append(_trade_row(a, b, wh, band["trade"]))
    rows.append(_energy_row(a, b, wh, band["energy"]))
    rows.append(_arms_row(a, b, wh, band["arms"]))
    rows.append(_events_row(a, b, wh, band["events"]))
    rows.append(_rhetoric_row(a, b, wh, band["rhetoric"]))
    rows.append(_region_row(a, b, wh, db, sc["third_region"], band["third_region"]))
    try:
        rg, _ = _regimes(a, b, wh)
        rows.append(_series_row("political systems", rg.set_index("year")["polyarchy_gap"], "polyarchy gap",
                                band["regimes"], "democracy", closer_is_higher=False))  # fmt: skip
    except DyadwatchError as e:
        rows.append(_no_row("political systems", str(e)))
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


def _need(wh, table: str, hint: str) -> str | None:
    if wh is None or not wh.has(table):
        return f"no {table} data ingested ({hint})"
    return None


def _trade_row(a, b, wh, band) -> dict:
    # The same figures the report's Economy section shows: the warehouse's trade, else the pack's COW trade.
    from dyadwatch import api

    try:
        df = api.trade(a, b, wh=wh).data
    except DyadwatchError as e:
        return _no_row("trade dependence", str(e))
    df = df[df.period.str.len() == 4]
    # Only years with both sides' shares: a year with one side missing would compare different things.
    df = df[df.share_of_a_trade.notna() & df.share_of_b_trade.notna()]
    s = df.set_index(df.period.astype(int))[["share_of_a_trade", "share_of_b_trade"]].max(axis=1)
    return _series_row(
        "trade dependence",
        s,
        "the more dependent side's trade share",
        band,
        ",".join(sorted({x for v in df.source.dropna() for x in str(v).split(",")})),
    )


def _energy_row(a, b, wh, band) -> dict:
    # The same figures the report's Energy section shows: the warehouse's crude flows, else the pack's.
    from dyadwatch import api

    for imp, org in ((a, b), (b, a)):
        try:
            df = api.energy_crude(imp, org, freq="A", wh=wh).data
        except DyadwatchError:
            continue
        s = df.set_index("period").share_value
        if len(s):
            s.index = s.index.astype(int)
            return _series_row("energy", s, f"{org}'s share of {imp}'s crude imports (value)", band, "china_crude")
    return _no_row("energy", f"no crude flows between {a} and {b} in the ingested data")


def _arms_row(a, b, wh, band) -> dict:
    if _need(wh, "arms_transfers", ""):
        return _no_row("arms", "no arms transfers ingested (`dyadwatch ingest sipri …`)")
    from dyadwatch.indicators import arms

    best = None
    for sup, rec in ((a, b), (b, a)):
        try:
            df = arms.transfers(wh, sup, rec)
        except DyadwatchError:
            continue
        if best is None or df.tiv.sum() > best[1].tiv.sum():
            best = ((sup, rec), df)
    if best is None or best[1].tiv.sum() == 0:
        return _no_row("arms", f"no arms deliveries between {a} and {b} in the ingested register")
    (sup, rec), df = best
    return _series_row(
        "arms", df.set_index("year").share_of_b_imports, f"{sup}'s share of {rec}'s arms imports", band, "sipri"
    )


def _events_row(a, b, wh, band) -> dict:
    if _need(wh, "events", ""):
        return _no_row("events", "no events ingested (`dyadwatch ingest gdelt …`)")
    try:
        from dyadwatch.indicators import events

        df = events.dyad_events(wh, a, b, period="year")
    except DyadwatchError as e:
        return _no_row("events", f"events indicator: {e}")
    col = next((c for c in ("goldstein_mean", "mean_goldstein", "goldstein", "net_cooperation") if c in df), None)
    if col is None:
        return _no_row("events", "the events indicator has no Goldstein column")
    s = df.set_index(df["period"].astype(str).str[:4].astype(int) if "period" in df else df.index)[col]
    return _series_row("events", s.groupby(level=0).mean(), f"events {col}", band, ",".join(wh.sources_of("events")))


def _rhetoric_row(a, b, wh, band) -> dict:
    if _need(wh, "speeches", ""):
        return _no_row("rhetoric", "no speeches ingested (`dyadwatch ingest ungdc …`)")
    from dyadwatch.indicators import textsim

    try:
        df = textsim.dyad_similarity(wh, a, b)
    except DyadwatchError as e:
        return _no_row("rhetoric", str(e))
    return _series_row("rhetoric", df.set_index("year").similarity, "General Debate speech similarity", band, "ungdc")


def _region_row(a, b, wh, db, region: dict, band) -> dict:
    """How alike the two vote with a third region's states: gap in mean agreement (smaller = concord)."""
    import pandas as pd

    from dyadwatch import api

    gaps = {}
    try:
        per = []
        for s in region["states"]:
            if s in (a, b):
                continue
            va = api.votes(a, s, wh=wh, db=db).data.set_index("year").agreement
            vb = api.votes(b, s, wh=wh, db=db).data.set_index("year").agreement
            per.append((va - vb).abs())
        if not per:
            return _no_row("third region", f"{a} or {b} is itself in {region['name']}")
        gaps = pd.concat(per, axis=1).mean(axis=1)
    except DyadwatchError as e:
        return _no_row("third region", str(e))
    return _series_row(
        "third region", gaps, f"gap in UNGA agreement with {region['name']}", band, "unvotes", closer_is_higher=False
    )
