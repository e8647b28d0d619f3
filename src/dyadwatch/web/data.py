"""The dashboard's one door to the library: every number the web pages and the JSON API show.

Everything here calls ``dyadwatch.api``, ``dyadwatch.assess``, ``dyadwatch.claims``,
``indicators.votes_panel`` and ``indicators.idealpoints``; nothing else in ``web/`` imports
the library's data code, so when the API changes (one ``Result`` from a ``Store``) only this
module is repointed. Three small functions are new here because the library has no
equivalent yet: ``similarity`` (closest *and* farthest states), ``alliance_partners`` and
``compare`` (one indicator for several dyads in one long table).

The store is opened read-only once per server (DuckDB ``read_only=True``; the pack is
read-only files), and every call runs under one lock: a DuckDB connection must not be used
by two threads at once, and responses are cached by the store's version in front of this.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
import threading
from collections import OrderedDict
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dyadwatch import __version__, api, countries
from dyadwatch.errors import DyadwatchError, NoDataError, UnknownCountryError
from dyadwatch.store import in_years
from dyadwatch.tables import TABLES
from dyadwatch.web.data_more import MoreFamilies
from dyadwatch.web.frame import Frame

if TYPE_CHECKING:
    from dyadwatch.store import ChainStore, PackStore

VOTE_MEASURES = ("agreement", "agreement_half", "s_abs", "s_sq", "pi", "kappa", "pi_sq", "kappa_sq")
TRADE_MEASURES = ("turnover", "exports_a_to_b", "imports_a_from_b", "share_of_a_trade", "share_of_b_trade")
COMPARE_INDICATORS = (*VOTE_MEASURES, *TRADE_MEASURES, "ideal_distance")
MAX_COMPARE = 6
DYAD_MEMO = 512  # verdicts and scorecards kept in memory


class WebStore(MoreFamilies):
    """The store the server reads: the warehouse (read-only) when the file exists, before the embedded pack."""

    def __init__(self, db: str | Path | None = None):
        from dyadwatch import api
        from dyadwatch.warehouse import default_path

        self.path = Path(db) if db else default_path()
        self.store = api.open_store(db)  # a given path must exist; the default location may be absent
        self.wh = self.store.warehouse  # the user's warehouse alone, or None
        self.lock = threading.RLock()
        self.version = self._version()
        self._memo: dict[str, object] = {}  # whole-store results (claims, summary, sources): the store is read-only
        # Verdicts and scorecards by dyad: they do not depend on a page's years or measure, and on a full
        # warehouse one costs seconds, so changing the view of a dyad must not recompute them.
        self._dyad_memo: OrderedDict[tuple, object] = OrderedDict()

    @property
    def basis(self) -> str:
        return "warehouse" if self.wh is not None else "pack"

    @property
    def pack(self) -> PackStore:
        """The embedded pack, which ``api.open_store`` always chains last: what answers without a warehouse."""
        pk = self.store.pack
        if pk is None:  # a chain without the pack is not one api.open_store builds
            raise NoDataError("The embedded pack is missing from this installation; reinstall dyadwatch.")
        return pk

    def close(self) -> None:
        self.store.close()

    def _version(self) -> str:
        """Changes whenever the data can: the dyadwatch version plus the ingests (or the pack manifest)."""
        state = json.dumps(self.wh.ingests(), default=str, sort_keys=True) if self.wh is not None else ""
        state += self.store.version()
        return hashlib.sha256(f"{__version__}|{self.basis}|{self.path}|{state}".encode()).hexdigest()[:20]

    def _kw(self) -> dict:
        # The server's one store: the library never opens the user's default warehouse behind its back.
        return {"wh": self.store}

    # ------------------------------------------------------------ indicators

    def votes(self, a: str, b: str, *, measure: str = "agreement", year_from: int | None = None,
              year_to: int | None = None, issue: str | None = None, important: bool = False) -> Frame:  # fmt: skip
        return self._api(
            "votes", a, b, measure=measure, year_from=year_from, year_to=year_to, issue=issue, important=important
        )

    def alliances(self, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None,
                  source: str | None = None) -> Frame:  # fmt: skip
        return self._api("alliances", a, b, source=source, year_from=year_from, year_to=year_to)

    def trade(self, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None) -> Frame:
        return self._api("trade", a, b, year_from=year_from, year_to=year_to)

    def energy_crude(self, importer: str, origin: str, *, freq: str = "M") -> Frame:
        return self._api("energy_crude", importer, origin, freq=freq)

    def facts(self, entities: list[str]) -> Frame:
        return self._api("facts", entities)

    def idealpoints(self, states: list[str], *, year_from: int | None = None, year_to: int | None = None) -> Frame:
        return self._api("idealpoints", states=states, year_from=year_from, year_to=year_to)

    def ideal_distance(self, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None) -> Frame:
        from dyadwatch.indicators import idealpoints as ip

        ia, ib = countries.resolve(a).iso3, countries.resolve(b).iso3
        f = self.idealpoints([ia, ib], year_from=year_from, year_to=year_to)
        return Frame(ip.distance(f.data, ia, ib), f.basis, f.sources, f.notes)

    def regimes(self, a: str, b: str, *, year_from: int | None = None, year_to: int | None = None) -> Frame:
        """Both states' regime scores per year and their gaps (``api.regimes`` and ``indicators.regimes.dyad``)."""
        from dyadwatch.indicators import regimes

        f = self._api("regimes", [a, b])
        d = in_years(regimes.dyad(f.data, a, b), year_from, year_to)
        return Frame(d.reset_index(drop=True), f.basis, f.sources)

    def neighbours(self, state: str, *, year: int | None = None, measure: str = "agreement", top: int = 10) -> Frame:
        return self._api("neighbours", state, year, measure=measure, top=top)

    def matrix(self, year: int, *, measure: str = "agreement", states: list[str] | None = None) -> Frame:
        from dyadwatch import api

        with self.lock:
            res = api.matrix(year, measure=measure, states=states or None, **self._kw())
        df = res.data.rename_axis("iso3").reset_index()
        return Frame(df, res.basis, list(res.sources), list(res.notes))

    def similarity(self, state: str, *, year: int | None = None, measure: str = "agreement", top: int = 10) -> Frame:
        """Closest and farthest states by a vote measure in one year (new here: the library gives the closest).

        From the warehouse, every state; from the pack, the focus states only (it holds their dyads).
        """
        from dyadwatch.indicators import votes as iv
        from dyadwatch.indicators import votes_panel as vp

        iso = countries.resolve(state).iso3

        def own(s: ChainStore) -> tuple[pd.DataFrame, int, list[str], list[str]]:
            src = iv.pick_source(s, None)
            y = year if year is not None else int(vp.all_dyads(s, source=src, measures=["agreement"]).year.max())
            return vp.all_dyads(s, source=src, year_from=y, year_to=y), y, [src], []

        def derived(s: ChainStore) -> tuple[pd.DataFrame, int, list[str], list[str]]:
            s.derived("vote_measures", (iso,))  # refuses a state the pack does not cover
            panel = s.derived("vote_measures")
            note = "The embedded pack holds the focus countries' dyads only: ranks are among them."
            return panel, int(panel.year.max()) if year is None else year, sorted(panel.source.unique()), [note]

        with self.lock:
            (panel, y, sources, notes), basis = api.answer(self.store, "votes", own, derived)
            ranked = vp.neighbours(panel, iso, y, measure=measure, top=10_000, min_n=10)
        closest = ranked.head(top).assign(side="closest")
        farthest = ranked.iloc[::-1].head(top).assign(side="farthest")
        farthest = farthest[~farthest.iso3.isin(closest.iso3)] if len(ranked) <= 2 * top else farthest
        df = pd.concat([closest, farthest], ignore_index=True)
        df.insert(3, "name", [countries.resolve(x).name for x in df.iso3])
        return Frame(df, basis, sources, notes)

    def alliance_partners(self, state: str, *, year: int | None = None) -> Frame:
        """The states ``state`` has an obligation towards in ``year`` (default: the source's last year)."""
        from dyadwatch.indicators import alliances as ia

        iso = countries.resolve(state).iso3
        cols = list(ia.OBLIGATIONS)

        def own(s: ChainStore) -> tuple[pd.DataFrame, int, str]:
            src = ia.pick_source(s, None)
            t = s.table("alliance_dyad_year")
            t = t.filter((t.source == src) & (t.iso3_a == iso))
            y = year if year is not None else int(t.year.max().to_pandas() or 0)
            return t.filter(t.year == y).select("iso3_b", *cols).to_pandas(), y, src

        def derived(s: ChainStore) -> tuple[pd.DataFrame, int, str]:
            s.derived("alliance_panel", (iso,))  # refuses a state the pack does not cover
            src = ia.SOURCE_PREFERENCE[0]
            p = s.derived("alliance_panel")
            p = p[(p.source == src) & (p.iso3_a == iso)]
            y = year if year is not None else int(p.year.max())
            return p[p.year == y][["iso3_b", *cols]], y, src

        with self.lock:
            (rows, y, src), basis = api.answer(self.store, "alliances", own, derived)
        flags = rows[cols].apply(pd.to_numeric, errors="coerce")
        rows = rows[(flags.fillna(0).max(axis=1) > 0).to_numpy()].copy()
        rows.insert(0, "year", y)
        rows.insert(2, "name", [countries.resolve(x).name for x in rows.iso3_b])
        rows["ties"] = [", ".join(ia.LABELS[c] for c in cols if r[c] == 1) for _, r in rows.iterrows()]
        notes = [] if basis != "pack" else ["The embedded pack holds the focus countries' dyads only."]
        return Frame(rows.rename(columns={"iso3_b": "iso3"}).reset_index(drop=True), basis, [src], notes)

    def compare(self, dyads: list[tuple[str, str]], indicator: str, *, year_from: int | None = None,
                year_to: int | None = None) -> Frame:  # fmt: skip
        """One indicator for up to six dyads, long format (dyad, year, value); a dyad without data is a note."""
        if indicator not in COMPARE_INDICATORS:
            raise DyadwatchError(f"Unknown indicator {indicator!r}; choose one of {', '.join(COMPARE_INDICATORS)}.")
        parts, sources, bases, notes = [], set(), set(), []
        for a, b in dyads[:MAX_COMPARE]:
            label = f"{a}–{b}"
            try:
                if indicator in VOTE_MEASURES:
                    f = self.votes(a, b, measure=indicator, year_from=year_from, year_to=year_to)
                    d = f.data[["year", indicator]]
                elif indicator in TRADE_MEASURES:
                    f = self.trade(a, b, year_from=year_from, year_to=year_to)
                    d = f.data[["period", indicator]].rename(columns={"period": "year"})
                    d = d[d.year.astype(str).str.fullmatch(r"\d{4}")].astype({"year": int})
                else:
                    f = self.ideal_distance(a, b, year_from=year_from, year_to=year_to)
                    d = f.data[["year", "distance"]]
            except DyadwatchError as e:
                notes.append(f"{label}: {e}")
                continue
            parts.append(pd.DataFrame({"dyad": label, "year": d.iloc[:, 0].to_numpy(), "value": d.iloc[:, 1]}))
            sources.update(f.sources)
            bases.add(f.basis)
        df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["dyad", "year", "value"])
        return Frame(df, " + ".join(sorted(bases)) or self.basis, sorted(sources), notes)

    # ------------------------------------------------------------ assessment and claims

    def _by_dyad(self, key: tuple, fn):
        with self.lock:
            if key in self._dyad_memo:
                self._dyad_memo.move_to_end(key)
            else:
                self._dyad_memo[key] = fn()
                while len(self._dyad_memo) > DYAD_MEMO:
                    self._dyad_memo.popitem(last=False)
            return copy.deepcopy(self._dyad_memo[key])

    def assess(self, a: str, b: str, *, year: int | None = None) -> dict:
        from dyadwatch import assess

        return self._by_dyad(("assess", a, b, year), lambda: assess.assess(a, b, year=year, **self._kw()).as_dict())

    def scorecard(self, a: str, b: str) -> Frame:
        from dyadwatch import assess

        df = self._by_dyad(("scorecard", a, b), lambda: assess.scorecard(a, b, **self._kw()))
        return Frame(df, self.basis, sorted({s for s in df.source if s}))

    def _once(self, key: str, fn):
        with self.lock:
            if key not in self._memo:
                self._memo[key] = fn()
            return copy.deepcopy(self._memo[key])

    def claims(self) -> dict:
        """Every claim of the article, checked: ``{"document", "counts", "claims": [outcome dicts]}``."""
        from dyadwatch.claims import engine

        return self._once("claims", lambda: engine.check(**self._kw()).as_dict())

    # ------------------------------------------------------------ what the store holds

    def summary(self) -> dict:
        """Basis, version and per table: rows, sources and the years it covers."""
        return self._once("summary", self._summary)

    def _summary(self) -> dict:
        tables = []
        with self.lock:
            if self.wh is not None:
                for name in sorted(t for t in self.wh.tables() if t in TABLES):  # not the bookkeeping tables
                    if name == "ingests":
                        continue
                    t = self.wh.table(name)
                    cols = t.columns
                    agg = {"rows": t.count()}
                    if "year" in cols:
                        agg.update(lo=t.year.min(), hi=t.year.max())
                    r = t.aggregate(**agg).to_pandas().iloc[0]
                    tables.append({"table": name, "rows": int(r["rows"]), "sources": self.wh.sources_of(name),
                                   "from": _int(r.get("lo")), "to": _int(r.get("hi")), "about": ""})  # fmt: skip
            else:
                pk = self.pack
                for name, meta in pk.manifest["tables"].items():
                    df = pk.frame(name)
                    lo = hi = None
                    if "year" in df:
                        lo, hi = _int(df.year.min()), _int(df.year.max())
                    tables.append({"table": name, "rows": int(meta["rows"]), "sources": meta["sources"],
                                   "from": lo, "to": hi, "about": meta["doc"]})  # fmt: skip
        years = [t[k] for t in tables for k in ("from", "to") if t[k] is not None]
        return {"basis": self.basis, "version": self.version, "path": str(self.path) if self.wh else None,
                "tables": tables, "years": [min(years), max(years)] if years else None,
                "focus": list(self.store.focus) if self.wh is None else None}  # fmt: skip

    def year_range(self) -> tuple[int, int]:
        """The years any table of the store covers: the range a ``from``/``to``/``year`` must fall in."""
        ys = self.summary()["years"]
        if not ys:
            raise NoDataError("The store holds no yearly data.")
        return int(ys[0]), int(ys[1])

    def sources(self) -> list[dict]:
        """Every source: version, licence, citation, BibTeX, and the sha256 of the files this store used."""
        return self._once("sources", self._sources)

    def _sources(self) -> list[dict]:
        from dyadwatch import sources

        digests: dict[str, list[dict]] = {}
        with self.lock:
            if self.wh is not None:
                for ing in self.wh.ingests():  # files and sha256 are JSON lists, in the same order
                    files, shas = _json_list(ing.get("files")), _json_list(ing.get("sha256"))
                    for f, s in zip(files, shas, strict=False):
                        digests.setdefault(ing["source"], []).append({"file": f, "sha256": s})
            else:
                for name, inp in self.pack.manifest["inputs"].items():
                    digests[name] = [{"file": f, "sha256": s} for f, s in inp["files"].items()]
        out = []
        for name, mod in sorted(sources.registry().items()):
            m = mod.META
            out.append({"name": name, "title": m.title, "publisher": m.publisher, "version": m.version,
                        "licence": m.licence, "citation": m.citation, "url": m.url, "tables": list(m.tables),
                        "redistributable": m.redistributable, "bibtex": m.bibtex_entry(),
                        "files": digests.get(name, [])})  # fmt: skip
        return out


def _json_list(v) -> list[str]:
    try:
        got = json.loads(v) if isinstance(v, str) else v
    except ValueError:
        return [str(v)]
    return [str(x) for x in got] if isinstance(got, list) else [str(got)]


def _int(v) -> int | None:
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None


def reference_dyads() -> list[tuple[str, str]]:
    """The reference dyads of the assessment rules (``data/assess.yaml``): suggestions on the home page."""
    from dyadwatch import assess

    return [(countries.resolve(a).iso3, countries.resolve(b).iso3) for a, b in assess.config()["reference_dyads"]]


def name(iso3: str) -> str:
    return countries.resolve(iso3).name


# ------------------------------------------------------------ country identity


_NAMELIKE = re.compile(r"^[\w\s.,'’()&:-]+$")


@lru_cache(maxsize=4096)
def _resolve(query: str) -> countries.Country | str:
    """The Country, or the error message (cached too: resolving a miss runs country_converter, ~0.15 s)."""
    if not _NAMELIKE.match(query):  # no state's name or code has these characters: answer before any lookup
        hint = ", ".join(f"{d['name']} ({d['iso3']})" for d in closest(re.sub(r"[^\w ]+", " ", query))) or "none"
        return (
            f"Unknown country {query[:60]!r}. Closest matches: {hint}. "
            "Use a name, an ISO2/ISO3 code or a COW code (`dyadwatch countries` lists them)."
        )
    try:
        return countries.resolve(query)
    except UnknownCountryError as e:
        return str(e)


def resolve(query: str) -> countries.Country:
    """A state from a name or code; UnknownCountryError (with the closest matches) otherwise."""
    got = _resolve(query.strip())
    if isinstance(got, str):
        raise UnknownCountryError(got)
    return got


@cache
def _index() -> list[tuple[str, str, str]]:
    """(lower-case search text, iso3, name) for every state, current ones first."""
    rows = []
    for c in countries.all_countries():
        rows.append((f"{c.name} {c.iso3} {c.iso2 or ''}".lower(), c.iso3, c.name))
    return rows


def search(q: str, limit: int = 8) -> list[dict]:
    """States whose name starts with, or contains, ``q`` (then codes, then near spellings)."""
    q = q.strip().lower()
    if not q:
        return []
    starts, contains, codes = [], [], []
    for text, iso3, name in _index():
        if name.lower().startswith(q):
            starts.append((name, iso3))
        elif q in name.lower():
            contains.append((name, iso3))
        elif q in (iso3.lower(), *text.split()[-1:]):
            codes.append((name, iso3))
    hits = sorted(starts) + sorted(contains) + codes
    if not hits:
        names = {name.lower(): (name, iso3) for _, iso3, name in _index()}
        hits = [names[n] for n in difflib.get_close_matches(q, list(names), n=limit, cutoff=0.6)]
    return [{"iso3": iso3, "name": name} for name, iso3 in hits[:limit]]


def closest(query: str, limit: int = 5) -> list[dict]:
    """The closest states to a query that did not resolve (for the 404 page)."""
    hits = search(query, limit)
    if hits:
        return hits
    names = {name.lower(): (name, iso3) for _, iso3, name in _index()}
    keys = list(names) + [iso3.lower() for _, iso3, _ in _index()]
    out = []
    for k in difflib.get_close_matches(query.strip().lower(), keys, n=limit, cutoff=0.4):
        name, iso3 = names.get(k) or next((n, i) for _, i, n in _index() if i.lower() == k)
        out.append({"iso3": iso3, "name": name})
    return list({d["iso3"]: d for d in out}.values())


__all__ = ["COMPARE_INDICATORS", "VOTE_MEASURES", "Frame", "UnknownCountryError", "WebStore", "closest", "search"]
