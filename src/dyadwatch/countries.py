"""Country identity across code systems: the one place that knows it.

dyadwatch's key is ISO 3166-1 alpha-3 (``iso3``), extended with codes for
states that no longer exist (CSK, DDR, YAR, YMD, ZAN, RVN, the German and
Italian states before unification, ...). Names are matched by
``country_converter``; COW codes come from the bundled crosswalk
``data/cow_codes.csv`` (COW state system v2016, with successor rules noted).

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
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dyadwatch.errors import UnknownCountryError

PRC_SEATED = dt.date(1971, 10, 25)

# Entities outside ISO 3166-1 that appear in the vote, alliance and trade files.
_HISTORICAL = {
    # iso3: (iso2 used by the UN vote files, name, aliases)
    "CSK": ("CS", "Czechoslovakia", ()),
    "DDR": ("DD", "German Democratic Republic", ("East Germany", "GDR")),
    "YAR": ("", "Yemen Arab Republic", ("North Yemen",)),
    "YMD": ("YD", "Yemen People's Republic", ("South Yemen", "People's Democratic Republic of Yemen")),
    "ZAN": ("", "Zanzibar", ()),
    "RVN": ("", "Republic of Vietnam", ("South Vietnam",)),
    "AUH": ("", "Austria-Hungary", ()),
    "PAP": ("", "Papal States", ()),
}
# Names in the datasets that country_converter maps elsewhere or not at all.
_NAME_ALIASES = {
    "federal republic of germany": "DEU",
    "german federal republic": "DEU",
    "west germany": "DEU",
    "yugoslavia": "SRB",
    "serbia and montenegro": "SRB",
    "ussr": "RUS",
    "soviet union": "RUS",
    "union of soviet socialist republics": "RUS",
    "republic of china": "TWN",
    "people's republic of china": "CHN",
}
# ISO2 codes in the UN vote files that are not (or no longer) ISO 3166-1.
_ISO2_EXTRA = {"YU": "SRB", "CS": "CSK", "DD": "DDR", "YD": "YMD", "XK": "XKX"}


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


def _quiet_coco():
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    import country_converter as coco

    return coco


@cache
def _cow_rows() -> list[dict]:
    text = resources.files("dyadwatch.data").joinpath("cow_codes.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _table() -> dict[str, Country]:
    coco = _quiet_coco()
    data = coco.CountryConverter().data
    out: dict[str, Country] = {}

    def _int(v):
        try:
            return int(v)
        except (TypeError, ValueError):
            return None

    cow_by_iso: dict[str, int] = {}
    for row in _cow_rows():  # later codes win: KOR→732 (not 730), DEU→255
        if row["iso3"] not in cow_by_iso or int(row["cow_to"]) >= 2000:
            cow_by_iso[row["iso3"]] = int(row["cow"])
    for r in data.itertuples():
        iso3 = str(r.ISO3)
        iso2 = str(r.ISO2) if isinstance(r.ISO2, str) else None
        if iso2 and iso2.startswith("^"):  # coco keeps regexes for some: "^GB$|^UK$"
            iso2 = iso2.split("|")[0].strip("^$")
        out[iso3] = Country(
            iso3=iso3,
            name=str(r.name_short),
            iso2=iso2,
            cow=cow_by_iso.get(iso3),
            gw=_int(r.GWcode),
            m49=_int(r.UNcode) or _int(r.ISOnumeric),
        )
    for row in _cow_rows():
        if row["iso3"] not in out:
            iso2, name, _ = _HISTORICAL.get(row["iso3"], ("", row["cow_name"], ()))
            out[row["iso3"]] = Country(row["iso3"], name, iso2 or None, int(row["cow"]))
    for iso3, (iso2, name, _) in _HISTORICAL.items():
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
    m.update(_ISO2_EXTRA)
    return m


@cache
def _names() -> dict[str, str]:
    names = {c.name.lower(): c.iso3 for c in _table().values()}
    for row in _cow_rows():
        names.setdefault(row["cow_name"].lower(), row["iso3"])
    for iso3, (_, name, aliases) in _HISTORICAL.items():
        names[name.lower()] = iso3
        for a in aliases:
            names[a.lower()] = iso3
    names.update(_NAME_ALIASES)
    return names


def to_cow(iso3: str, year: int | None = None) -> int | None:
    """The COW code of ``iso3`` in ``year`` (e.g. DEU is 260 in 1955–1990, 255 otherwise)."""
    rows = [r for r in _cow_rows() if r["iso3"] == iso3]
    if year is not None:
        dated = [r for r in rows if int(r["cow_from"]) <= year <= int(r["cow_to"])]
        if dated:
            return int(dated[-1]["cow"])
    return _table()[iso3].cow if iso3 in _table() else None


def resolve(query: str | int, scheme: str | None = None) -> Country:
    """Resolve a name or code to one Country.

    Numbers are COW codes unless ``scheme`` is ``"m49"``, ``"gw"`` or
    ``"iso_numeric"``; a prefix such as ``"m49:156"`` does the same.
    Unknown input raises UnknownCountryError listing the closest matches.
    """
    table = _table()
    text = str(query).strip()
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
            iso3 = next((c.iso3 for c in table.values() if c.m49 == num), None)
        elif scheme in ("gw", "gleditsch-ward"):
            iso3 = next((c.iso3 for c in table.values() if c.gw == num), None)
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
    if len(upper) == 3:
        abb = {r["cow_abb"]: r["iso3"] for r in _cow_rows()}
        if upper in abb:
            return table[abb[upper]]
    if len(upper) == 2 and upper in iso2_to_iso3_map():
        return table[iso2_to_iso3_map()[upper]]
    lower = text.lower()
    if lower in _names():
        return table[_names()[lower]]
    if len(text) > 3:
        coco = _quiet_coco()
        iso3 = coco.convert(text, to="ISO3", not_found=None)
        if isinstance(iso3, str) and iso3 in table:
            return table[iso3]
    candidates = list(_names()) + [c.iso3.lower() for c in table.values()]
    close = difflib.get_close_matches(lower, candidates, n=5, cutoff=0.6)
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
