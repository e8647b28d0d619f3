"""What is new for a dyad after an update: roll calls, event change points, trade periods, the verdict.

Two ways to say "new":

* ``since`` (a date): data dated after it — roll calls voted after the date,
  events and trade periods after it; the verdict for the year before the date
  against the verdict now.
* ``since_ingest`` (an id of the ``ingests`` table, see ``dyadwatch ingests``):
  what the ingests after it brought. For a source re-read whole (votes, COW
  trade) the files of its previous ingest (at or before the id; ``update`` keeps
  them in the cache) are read again and the new rows are those not in them; for
  a source ingested file by file (GDELT, Comtrade) the new rows are those of
  files first ingested after the id. If the previous files are gone, that
  source's rows are reported as unknown, never as all new.

The verdict "before" is the assessment for the last year before the new data
(what the dyad looked like then), "now" the latest; ``changed`` says whether the
label differs.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dyadwatch import countries, sources
from dyadwatch.errors import DyadwatchError, NoDataError
from dyadwatch.sources._files import DataWarning

VOTE_LABELS = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "not a member"}
KEYS = {"roll_calls": ["rcid"], "events": ["event_id"], "trade_flows": ["reporter", "partner", "period", "flow",
        "hs_code"], "trade_dyad_year": ["iso3_a", "iso3_b", "year"]}  # fmt: skip


@dataclass
class Changes:
    a: str
    b: str
    since: dt.date | None
    since_ingest: int | None
    roll_calls: pd.DataFrame
    change_points: pd.DataFrame
    trade: pd.DataFrame
    verdict: dict
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        def records(df):
            return json.loads(df.to_json(orient="records", date_format="iso"))

        return {
            "a": self.a, "b": self.b, "since": self.since.isoformat() if self.since else None,
            "since_ingest": self.since_ingest, "roll_calls": records(self.roll_calls),
            "change_points": records(self.change_points), "trade": records(self.trade), "verdict": self.verdict,
            "notes": self.notes,
        }  # fmt: skip

    def to_frame(self) -> pd.DataFrame:
        """One flat table (for CSV): section, source, when, item, the two values, detail."""
        rows = [
            {"section": "roll_call", "source": r.source, "when": str(r.date), "item": r.resolution,
             "a": r.vote_a, "b": r.vote_b, "detail": "same vote" if r.same else "different votes"}
            for r in self.roll_calls.itertuples()
        ]  # fmt: skip
        rows += [
            {"section": "change_point", "source": r.source, "when": r.period, "item": r.series,
             "a": r.before, "b": r.after, "detail": "level before → after"}
            for r in self.change_points.itertuples()
        ]  # fmt: skip
        rows += [
            {"section": "trade", "source": r.source, "when": r.period, "item": "turnover (USD)", "a": r.turnover,
             "b": r.growth, "detail": "turnover, growth on a year earlier"}
            for r in self.trade.itertuples()
        ]  # fmt: skip
        v = self.verdict
        detail = "changed" if v.get("changed") else "unchanged"
        rows.append({"section": "verdict", "source": v.get("basis"), "when": v.get("year_now"), "item": "verdict",
                     "a": v.get("before"), "b": v.get("now"), "detail": detail})  # fmt: skip
        return pd.DataFrame(rows, columns=["section", "source", "when", "item", "a", "b", "detail"])


def changes(
    a: str, b: str, *, since: dt.date | None = None, since_ingest: int | None = None, wh=None, db=None
) -> Changes:
    """What is new for the dyad since a date or since an ingest (see the module notes)."""
    if (since is None) == (since_ingest is None):
        raise DyadwatchError("Give exactly one of --since DATE or --since-ingest ID (see `dyadwatch ingests`).")
    from dyadwatch.api import open_warehouse

    ca, cb = countries.resolve(a), countries.resolve(b)
    own = wh or open_warehouse(db)
    if own is None:
        raise NoDataError("No warehouse yet. Fix: `dyadwatch update SOURCE` (see `dyadwatch fetch --recipes`).")
    try:
        notes: list[str] = []
        if since_ingest is not None:
            ids = [i["id"] for i in own.ingests()]
            if since_ingest not in ids:
                raise NoDataError(f"No ingest {since_ingest} in {own.path}; ingests are {ids or 'none'}.")
            new = {t: _new_rows(own, t, since_ingest, notes) for t in KEYS}
        else:
            new = None
        rc = _roll_calls(own, ca.iso3, cb.iso3, since, new)
        cps, ev_cut = _change_points(own, ca.iso3, cb.iso3, since, new, notes)
        tr = _trade(own, ca.iso3, cb.iso3, since, new, notes)
        first_new = min(
            [d for d in (since, _first_date(rc, "date"), ev_cut, _period_date(tr)) if d is not None], default=None
        )
        verdict = _verdict(own, ca.iso3, cb.iso3, first_new, notes)
    finally:
        if wh is None:
            own.close()
    return Changes(ca.iso3, cb.iso3, since, since_ingest, rc, cps, tr, verdict, notes)


# -- which rows are new ---------------------------------------------------------------------------------------


def _new_rows(wh, table: str, since_ingest: int, notes: list[str]) -> dict[str, pd.DataFrame]:
    """Per source: the keys of ``table``'s rows that the ingests after ``since_ingest`` brought."""
    if not wh.has(table):
        return {}
    ings = wh.ingests()
    after = [i for i in ings if i["id"] > since_ingest and table in json.loads(i["rows"] or "{}")]
    out = {}
    for src in dict.fromkeys(i["source"] for i in after):
        keys = KEYS[table]
        t = wh.table(table)
        cols = [*keys, "file"] if "file" in t.columns else keys
        cur = t.filter(t.source == src).select(*cols).distinct().to_pandas()
        mod = sources.get(src)
        if getattr(mod.META, "mode", None) == "add":
            names = lambda rows: {Path(f).name for i in rows for f in json.loads(i["files"])}  # noqa: E731
            fresh = names(a for a in after if a["source"] == src) - names(
                i for i in ings if i["source"] == src and i["id"] <= since_ingest
            )
            # the file column holds each file's resolved path: compare base names with the ingest records
            out[src] = cur[cur["file"].map(lambda f: Path(str(f)).name).isin(fresh)][keys]
            continue
        prev = [i for i in ings if i["source"] == src and i["id"] <= since_ingest]
        if not prev:
            out[src] = cur[keys]
            continue
        paths = [Path(p) for p in json.loads(prev[-1]["files"])]
        if not all(p.exists() for p in paths):
            notes.append(
                f"{src}: the files of ingest {prev[-1]['id']} are gone, so its new {table} rows cannot be told from "
                "the old; use --since DATE instead."
            )
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            old = mod.load(paths).get(table)
        if old is None:
            out[src] = cur[keys]
            continue
        old = old.select(keys).to_pandas().drop_duplicates()
        merged = cur[keys].merge(old.astype(cur[keys].dtypes.to_dict()), on=keys, how="left", indicator=True)
        out[src] = merged[merged["_merge"] == "left_only"][keys]
    return out


# -- sections -------------------------------------------------------------------------------------------------


def _roll_calls(
    wh, a: str, b: str, since: dt.date | None, new: dict[str, dict[str, pd.DataFrame]] | None
) -> pd.DataFrame:
    """The dyad's roll calls dated after ``since``, or (``new``, per table and source) added by the ingests."""
    cols = ["source", "date", "resolution", "description", "vote_a", "vote_b", "same"]
    if not wh.has("roll_calls"):
        return pd.DataFrame(columns=cols)
    if new is None:
        from dyadwatch.indicators import votes as iv

        plan: dict[str, pd.DataFrame | None] = {iv.pick_source(wh): None}  # every roll call after `since`
    else:
        plan = dict(new["roll_calls"].items())
    frames = []
    from dyadwatch.indicators.votes_sources import rows

    for src, keys in plan.items():
        rc = rows(wh, "roll_calls", src).to_pandas()
        rc["date"] = pd.to_datetime(rc["date"]).dt.date
        rc = rc[rc.date > since] if keys is None else rc[rc.rcid.isin(keys.rcid)]
        if rc.empty:
            continue
        v = rows(wh, "votes", src)
        v = v.filter(v.iso3.isin([a, b]) & v.rcid.isin(rc.rcid.tolist())).to_pandas()
        wide = v.pivot_table(index="rcid", columns="iso3", values="vote", aggfunc="first")
        rc = rc.assign(
            vote_a=rc.rcid.map(wide.get(a, pd.Series(dtype=float))).map(VOTE_LABELS),
            vote_b=rc.rcid.map(wide.get(b, pd.Series(dtype=float))).map(VOTE_LABELS),
        )
        rc = rc.dropna(subset=["vote_a", "vote_b"], how="all")
        rc["same"] = rc.vote_a.notna() & (rc.vote_a == rc.vote_b)
        frames.append(rc[cols])
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames).sort_values(["date", "resolution"]).reset_index(drop=True)


def _change_points(wh, a: str, b: str, since, new, notes) -> tuple[pd.DataFrame, dt.date | None]:
    cols = ["source", "period", "series", "before", "after"]
    empty = pd.DataFrame(columns=cols), None
    if not wh.has("events"):
        return empty
    from dyadwatch.indicators import events as ie

    if new is None:
        cut = since
    else:
        ids = [k.event_id for k in new["events"].values()]
        ids = pd.concat(ids).tolist() if ids else []
        if not ids:
            return empty
        t = wh.table("events")
        dyad = t.filter(
            t.event_id.isin(ids) & (((t.actor_a == a) & (t.actor_b == b)) | ((t.actor_a == b) & (t.actor_b == a)))
        )
        first = dyad.date.min().to_pyarrow().as_py()
        if first is None:
            return empty
        cut = first
    try:
        df = ie.dyad_events(wh, a, b)
    except NoDataError:
        return empty
    cut_label = f"{cut:%Y-%m}"
    now = ie.dyad_change_points(df)
    before = ie.dyad_change_points(df[df.period < cut_label].reset_index(drop=True))
    fresh = [p for p in now if p not in before]  # found only with the new data (it may date the shift earlier)
    rows = []
    series = df.set_index("period")["net_cooperation"]
    for p in fresh:
        i = list(series.index).index(p)
        before, after = series.iloc[max(0, i - 3) : i].mean(), series.iloc[i : i + 3].mean()
        rows.append({"source": ",".join(wh.sources_of("events")), "period": p, "series": "net_cooperation",
                     "before": float(before), "after": float(after)})  # fmt: skip
    if len(df) < 6:
        notes.append(f"events: {len(df)} months of {a}–{b} events; change points need at least 6.")
    return pd.DataFrame(rows, columns=cols), cut


def _trade(wh, a: str, b: str, since, new, notes) -> pd.DataFrame:
    cols = ["source", "period", "turnover", "growth"]
    if not (wh.has("trade_flows") or wh.has("trade_dyad_year")):
        return pd.DataFrame(columns=cols)
    from dyadwatch.indicators import trade as it

    try:
        df = it.trade(wh, a, b, rank=False)
    except NoDataError:
        return pd.DataFrame(columns=cols)
    if new is None:
        label = f"{since:%Y-%m}"
        keep = df.period.map(lambda p: (p if len(p) > 4 else p + "-12") >= label)  # a year counts to December
    else:
        periods = set()
        for k in new.get("trade_flows", {}).values():
            periods |= set(k[(k.reporter.isin([a, b])) & (k.partner.isin([a, b]))].period)
        for k in new.get("trade_dyad_year", {}).values():
            periods |= {str(y) for y in k[k.iso3_a.isin([a, b]) & k.iso3_b.isin([a, b])].year}
        keep = df.period.isin(periods)
    out = df[keep]
    return out.assign(source=out.get("source", "")).reindex(columns=cols).reset_index(drop=True)


def _verdict(wh, a: str, b: str, first_new: dt.date | None, notes) -> dict:
    from dyadwatch.assess import assess

    try:
        now = assess(a, b, wh=wh)
    except (NoDataError, DyadwatchError) as e:
        notes.append(f"verdict: {e}")
        return {"before": None, "now": None, "changed": False, "year_before": None, "year_now": None, "basis": None}
    before, year_before = None, None
    if first_new is not None and first_new.year - 1 < now.year:
        year_before = first_new.year - 1
        try:
            before = assess(a, b, year=year_before, wh=wh).verdict
        except DyadwatchError as e:
            notes.append(f"verdict before: {e}")
    return {"before": before, "now": now.verdict, "changed": before is not None and before != now.verdict,
            "year_before": year_before, "year_now": now.year, "basis": now.basis}  # fmt: skip


def _first_date(df: pd.DataFrame, col: str) -> dt.date | None:
    return None if df.empty else pd.to_datetime(df[col]).min().date()


def _period_date(df: pd.DataFrame) -> dt.date | None:
    if df.empty:
        return None
    p = sorted(df.period)[0]
    return dt.date(int(p[:4]), int(p[5:7]) if len(p) > 4 else 1, 1)
