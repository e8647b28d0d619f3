"""Country identity across code systems: the one place that knows it.

dyadwatch's key is ISO 3166-1 alpha-3 (``iso3``), extended with codes for
states that no longer exist (CSK, DDR, YAR, YMD, ZAN, RVN, the German and
Italian states before unification, ...). Names are matched by
``country_converter`` (one converter for the process); COW codes come from the
bundled crosswalk ``data/cow_codes.csv`` (COW state system v2016, with
successor rules noted); everything else dyadwatch knows about countries —
historical entities, aliases, the publishers' own code systems (Comtrade,
CAMEO, the facts files) and named groups (the pack's focus states, Central
Asia) — is data in ``data/countries.yaml``. Every lookup after the first is a
dict lookup.

Successor rules, stated once here because the datasets disagree:

* the USSR votes, allies and trades as COW 365 / ISO2 ``RU``: it is ``RUS``;
* COW 260 (German Federal Republic) is ``DEU``; the GDR is ``DDR``;
* COW 345 (Yugoslavia, then Serbia) is ``SRB``;
* the China seat at the UN is held by the Republic of China (``TWN``, COW 713)
  until 25 October 1971 and by the PRC (``CHN``) after.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from dyadwatch.errors import AmbiguousNameWarning, ConfigError, UnknownCountryError

PRC_SEATED = dt.date(1971, 10, 25)
CODE_SYSTEMS = ("comtrade", "comtrade_names", "cameo", "facts")
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    iso2: str | None = None
    cow: int | None = None
    gw: int | None = None
    m49: int | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"


# ------------------------------------------------------------------ the data files


@cache
def crosswalk() -> dict[str, Any]:
    """``data/countries.yaml``, checked: every value is an iso3 code (or null for areas that are not states)."""
    from dyadwatch import yamlfile  # here: `dyadwatch --help` imports this module, and YAML costs ~0.05 s

    where = "dyadwatch/data/countries.yaml"
    raw = yamlfile.load(resources.files("dyadwatch.data").joinpath("countries.yaml").read_text("utf-8"), where)
    return check_crosswalk(raw, where)


def check_crosswalk(raw: object, where: str) -> dict[str, Any]:
    """Validate a parsed crosswalk; ConfigError names the key and the fix."""

    def fail(key: str, what: str) -> None:
        raise ConfigError(f"{where}: key {key!r} {what}. Fix that entry (codes are ISO3, upper case, or null).")

    def code(key: str, v: object, nullable: bool = True) -> None:
        if not (isinstance(v, str) and _ISO3.match(v)) and not (nullable and v is None):
            fail(key, f"is {v!r}, not a three-letter iso3 code" + (" or null" if nullable else ""))

    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with keys historical, aliases, iso2_extra, codes, groups.")
    for top in ("historical", "aliases", "iso2_extra", "codes", "groups"):
        if not isinstance(raw.get(top), dict):
            fail(top, "is missing or not a mapping")
    for iso3, h in raw["historical"].items():
        code(f"historical.{iso3}", iso3, nullable=False)
        if not isinstance(h, dict) or not isinstance(h.get("name"), str):
            fail(f"historical.{iso3}", "needs a name")
        if set(h) - {"iso2", "name", "aliases"}:
            fail(f"historical.{iso3}", f"has unknown keys {sorted(set(h) - {'iso2', 'name', 'aliases'})}")
    for name, iso3 in raw["aliases"].items():
        if not isinstance(name, str) or name != name.lower():
            fail(f"aliases.{name}", "must be a lower-case name")
        code(f"aliases.{name}", iso3, nullable=False)
    for iso2, iso3 in raw["iso2_extra"].items():
        code(f"iso2_extra.{iso2}", iso3, nullable=False)
    missing = [s for s in CODE_SYSTEMS if not isinstance(raw["codes"].get(s), dict)]
    if missing:
        fail("codes", f"lacks the code system(s) {missing}")
    for system, mapping in raw["codes"].items():
        for k, v in mapping.items():
            code(f"codes.{system}.{k}", v)
    for name, codes in (raw.get("ambiguous") or {}).items():
        if name != name.lower() or not isinstance(codes, list) or len(codes) < 2:
            fail(f"ambiguous.{name}", "must be a lower-case name with a list of two or more iso3 codes")
        for c in codes:
            code(f"ambiguous.{name}", c, nullable=False)
    for g, members in raw["groups"].items():
        if not isinstance(members, list) or not members:
            fail(f"groups.{g}", "must be a non-empty list of iso3 codes")
        for m in members:
            code(f"groups.{g}", m, nullable=False)
        if len(set(members)) != len(members):
            fail(f"groups.{g}", "lists a state twice")
    return raw


def code_map(system: str) -> dict:
    """A publisher's codes → iso3 (None: an area that is not a state), e.g. ``code_map("cameo")["ROM"]``.

    Systems: ``comtrade`` (numeric area codes that are not UN M49), ``comtrade_names`` (lower-case area
    names), ``cameo`` (CAMEO country and region codes), ``facts`` (two-letter tokens of fact metrics).
    """
    if system not in CODE_SYSTEMS:
        raise KeyError(f"Unknown code system {system!r}: one of {', '.join(CODE_SYSTEMS)}.")
    return dict(crosswalk()["codes"][system])


def group(name: str) -> tuple[str, ...]:
    """A named group of states (``focus``, ``central_asia``, ``p5``) as iso3 codes, in the file's order."""
    groups = crosswalk()["groups"]
    if name not in groups:
        raise KeyError(f"Unknown country group {name!r}: one of {', '.join(groups)} (data/countries.yaml).")
    return tuple(groups[name])


@cache
def converter():
    """The process's one ``country_converter.CountryConverter`` (building one reads its table: ~0.3 s)."""
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    import country_converter as coco

    return coco.CountryConverter()


@cache
def _cow_rows() -> list[dict]:
    text = resources.files("dyadwatch.data").joinpath("cow_codes.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _historical() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """iso3 → (iso2 used by the UN vote files or "", name, aliases)."""
    return {
        iso3: (h.get("iso2") or "", h["name"], tuple(h.get("aliases") or ()))
        for iso3, h in crosswalk()["historical"].items()
    }


COCO_TABLE = "coco_countries.csv"  # iso3, iso2, name, gw, m49 of country_converter's table, in its order


def coco_rows() -> list[dict[str, str]]:
    """The columns dyadwatch uses of country_converter's table, as ``data/coco_countries.csv`` holds them.

    Reading that file instead of building a converter (pandas reads coco's full table, ~0.3 s) keeps
    the converter out of every run that only looks up codes and names dyadwatch lists; a test checks
    the file still equals the installed country_converter (``write_coco_table()`` rewrites it).
    """
    rows = []
    for r in converter().data.itertuples():
        iso2 = str(r.ISO2) if isinstance(r.ISO2, str) else ""
        if iso2.startswith("^"):  # coco keeps regexes for some: "^GB$|^UK$"
            iso2 = iso2.split("|")[0].strip("^$")
        m49 = _int(r.UNcode) or _int(r.ISOnumeric)
        gw = _int(r.GWcode)
        rows.append({"iso3": str(r.ISO3), "iso2": iso2, "name": str(r.name_short),
                     "gw": "" if gw is None else str(gw), "m49": "" if m49 is None else str(m49)})  # fmt: skip
    return rows


def write_coco_table(path=None) -> None:
    """Rewrite ``data/coco_countries.csv`` from the installed country_converter."""
    target = path or resources.files("dyadwatch.data").joinpath(COCO_TABLE)
    with open(str(target), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["iso3", "iso2", "name", "gw", "m49"], lineterminator="\n")
        w.writeheader()
        w.writerows(coco_rows())


@cache
def _coco_table() -> list[dict[str, str]]:
    text = resources.files("dyadwatch.data").joinpath(COCO_TABLE).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


@cache
def _table() -> dict[str, Country]:
    out: dict[str, Country] = {}
    cow_by_iso: dict[str, int] = {}
    for row in _cow_rows():  # later codes win: KOR→732 (not 730), DEU→255
        if row["iso3"] not in cow_by_iso or int(row["cow_to"]) >= 2000:
            cow_by_iso[row["iso3"]] = int(row["cow"])
    for r in _coco_table():
        out[r["iso3"]] = Country(
            r["iso3"], r["name"], r["iso2"] or None, cow_by_iso.get(r["iso3"]), _int(r["gw"]), _int(r["m49"])
        )
    historical = _historical()
    for row in _cow_rows():
        if row["iso3"] not in out:
            iso2, name, _ = historical.get(row["iso3"], ("", row["cow_name"], ()))
            out[row["iso3"]] = Country(row["iso3"], name, iso2 or None, int(row["cow"]))
    for iso3, (iso2, name, _) in historical.items():
        out.setdefault(iso3, Country(iso3, name, iso2 or None))
    return out


def all_countries() -> list[Country]:
    """Every entity dyadwatch knows, current and historical."""
    return sorted(_table().values(), key=lambda c: c.iso3)


@cache
def cow_to_iso3_map() -> dict[int, str]:
    """COW state code → dyadwatch iso3 (successor rules applied)."""
    return {int(r["cow"]): r["iso3"] for r in _cow_rows()}


@cache
def iso2_to_iso3_map() -> dict[str, str]:
    """ISO2 (as the UN vote files use it) → iso3, successor rules applied."""
    m = {c.iso2: c.iso3 for c in _table().values() if c.iso2}
    m.update(crosswalk()["iso2_extra"])
    return m


@cache
def _numeric(scheme: str) -> dict[int, str]:
    """M49 or GW code → iso3; the first country in the table holding a code keeps it."""
    out: dict[int, str] = {}
    for c in _table().values():
        num = c.m49 if scheme == "m49" else c.gw
        if num is not None:
            out.setdefault(num, c.iso3)
    return out


@cache
def _cow_abbreviations() -> dict[str, str]:
    return {r["cow_abb"]: r["iso3"] for r in _cow_rows()}


@cache
def _cow_periods() -> dict[str, list[tuple[int, int, int]]]:
    """iso3 → [(first year, last year, COW code)] in the file's order."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for r in _cow_rows():
        out.setdefault(r["iso3"], []).append((int(r["cow_from"]), int(r["cow_to"]), int(r["cow"])))
    return out


@cache
def _names() -> dict[str, str]:
    names = {c.name.lower(): c.iso3 for c in _table().values()}
    for row in _cow_rows():
        names.setdefault(row["cow_name"].lower(), row["iso3"])
    for iso3, (_, name, aliases) in _historical().items():
        names[name.lower()] = iso3
        for a in aliases:
            names[a.lower()] = iso3
    names.update(crosswalk()["aliases"])
    return names


def to_cow(iso3: str, year: int | None = None) -> int | None:
    """The COW code of ``iso3`` in ``year`` (e.g. DEU is 260 in 1955–1990, 255 otherwise)."""
    if year is not None:
        dated = [code for lo, hi, code in _cow_periods().get(iso3, ()) if lo <= year <= hi]
        if dated:
            return dated[-1]
    c = _table().get(iso3)
    return c.cow if c else None


# Answers already given, by (text, scheme): the SIPRI register asks for ~280 names, many twice.
_RESOLVED: dict[tuple[str, str | None], Country] = {}


def resolve(query: str | int, scheme: str | None = None) -> Country:
    """Resolve a name or code to one Country.

    Numbers are COW codes unless ``scheme`` is ``"m49"``, ``"gw"`` or
    ``"iso_numeric"``; a prefix such as ``"m49:156"`` does the same.
    Unknown input raises UnknownCountryError listing the closest matches.
    """
    key = (str(query).strip(), scheme)
    hit = _RESOLVED.get(key)
    if hit is None:
        hit = _RESOLVED[key] = _resolve(*key)
    return hit


def resolve_input(query: str | int, scheme: str | None = None) -> Country:
    """``resolve`` for what a person typed: a name several states answer to ("Korea", "Congo") is read as its
    usual state, with an AmbiguousNameWarning naming the others and their codes.

    Loaders use ``resolve``: in a publisher's file "Congo" has the publisher's one meaning.
    """
    c = resolve(query, scheme)
    options = (crosswalk().get("ambiguous") or {}).get(str(query).strip().lower())
    if options:
        alt = "; ".join(f"for {_table()[o].name} write {o}" for o in options[1:])
        # One location for every caller, so the default filter shows a name's note once per process.
        warnings.warn(f"{str(query).strip()!r} read as {c.name} ({c.iso3}); {alt}.", AmbiguousNameWarning, stacklevel=1)
    return c


def _resolve(text: str, scheme: str | None) -> Country:
    table = _table()
    if scheme is None and ":" in text:
        scheme, text = (p.strip() for p in text.split(":", 1))
    scheme = (scheme or "").lower() or None
    if not text:
        raise UnknownCountryError("Empty country name: give a name, ISO2/ISO3 code or COW code.")
    if text.isdigit():
        num = int(text)
        if scheme in (None, "cow"):
            iso3 = cow_to_iso3_map().get(num)
        elif scheme in ("m49", "iso_numeric", "un"):
            iso3 = _numeric("m49").get(num)
        elif scheme in ("gw", "gleditsch-ward"):
            iso3 = _numeric("gw").get(num)
        else:
            raise UnknownCountryError(f"Unknown code scheme {scheme!r}: use cow, m49 or gw.")
        if iso3 is None:
            raise UnknownCountryError(
                f"No country has {scheme or 'COW'} code {num}. Numbers are read as COW codes; "
                "write m49:NNN or gw:NNN for the other numeric schemes."
            )
        return table[iso3]
    upper = text.upper()
    if len(upper) == 3 and upper in table:
        return table[upper]
    if len(upper) == 3 and upper in _cow_abbreviations():
        return table[_cow_abbreviations()[upper]]
    if len(upper) == 2 and upper in iso2_to_iso3_map():
        return table[iso2_to_iso3_map()[upper]]
    lower = text.lower()
    if lower in (crosswalk().get("ambiguous") or {}):  # the usual reading; resolve_input says so
        return table[crosswalk()["ambiguous"][lower][0]]
    if lower in _names():
        return table[_names()[lower]]
    if len(text) > 3:  # country_converter's regular expressions know the spellings dyadwatch does not list
        iso3 = converter().convert(text, to="ISO3", not_found=None)
        if isinstance(iso3, str) and iso3 in table:
            return table[iso3]
    candidates = list(_names()) + [c.iso3.lower() for c in table.values()]
    if len(text) > 3:  # a misspelt name is compared with names, not codes ("Rusia" is not "usa")
        candidates = [c for c in candidates if len(c) > 3]
    close = difflib.get_close_matches(lower, candidates, n=5, cutoff=0.6)
    if close:  # only the near-best: after "Russia" (0.91), "Tunisia" (0.67) is noise
        best = difflib.SequenceMatcher(None, lower, close[0]).ratio()
        close = [c for c in close if difflib.SequenceMatcher(None, lower, c).ratio() >= best - 0.15]
    found = dict.fromkeys(str(table[_names().get(c, c.upper())]) for c in close)
    hint = ", ".join(found) if found else "none"
    raise UnknownCountryError(
        f"Unknown country {text!r}. Closest matches: {hint}. "
        "Use a name, an ISO2/ISO3 code or a COW code (`dyadwatch countries` lists them)."
    )


def un_seat_note(iso3: str, year_from: int | None, year_to: int | None = None) -> str | None:
    """A sentence for readers when a period crosses the China seat change of 1971."""
    lo = year_from or 1946
    if iso3 == "CHN" and lo < PRC_SEATED.year:
        return (
            "The UN seat of China was held by the Republic of China (TWN) until "
            "25 October 1971; votes before then are Taiwan's, not the PRC's."
        )
    if iso3 == "RUS" and lo < 1992:
        return "Votes before 1992 are the USSR's, counted as Russia's (successor state)."
    return None
