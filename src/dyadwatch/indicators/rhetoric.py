"""Normative vocabulary in speeches: concept rates, keyword in context, distinguishing collocates.

Text work is not relational, so this module reads the speeches it needs into
Python (a few countries' texts at a time) and tokenises them here. The
concepts and their surface forms are data: ``data/lexicon.yaml`` (versioned).

* ``rates``: per country, year and kind of text, each concept's raw count, the
  words in the text(s) and the rate per 10,000 words.
* ``kwic``: keyword-in-context lines for a concept.
* ``collocates``: the words near a concept in the target countries' speeches
  that most distinguish them from a reference country's use of it (weighted
  log-odds with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008):
  "democracy" beside "international relations" versus beside "elections".
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from dyadwatch import yamlfile
from dyadwatch.errors import DyadwatchError, NoDataError
from dyadwatch.store import kept

if TYPE_CHECKING:
    from dyadwatch.store import PathStore

PER = 10_000
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A possessive "'s" (straight or curly apostrophe) at the end of a token is dropped, so "NATO’s" counts as
# "nato" and "democracy's" as "democracy"; other apostrophes are deleted inside the word ("o'neill").
_POSSESSIVE = re.compile(r"['’]s(?= |$)")


def _norm_joined(joined: str) -> str:
    """Lower-case a space-joined token string, drop possessives, then the remaining apostrophes."""
    return _POSSESSIVE.sub("", joined.lower()).replace("'", "").replace("’", "")


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    forms: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern:
        return _compile(self.forms)

    @property
    def exclude_pattern(self) -> re.Pattern | None:
        return _compile(self.exclude) if self.exclude else None


@dataclass(frozen=True)
class Lexicon:
    version: str
    concepts: dict[str, Concept]

    def pick(self, terms: Iterable[str] | None) -> list[Concept]:
        """Concepts by key or label (case-insensitive); all when ``terms`` is empty."""
        if not terms:
            return list(self.concepts.values())
        out = []
        by_name = {k.lower(): c for k, c in self.concepts.items()}
        by_name.update({c.label.lower(): c for c in self.concepts.values()})
        for t in terms:
            key = t.strip().lower().replace("-", "_").replace(" ", "_")
            c = by_name.get(t.strip().lower()) or by_name.get(key)
            if c is None:
                raise DyadwatchError(
                    f"Unknown concept {t!r}. The lexicon (version {self.version}) has: {', '.join(self.concepts)}."
                )
            out.append(c)
        return out


def _form_regex(form: str) -> str:
    words = normalise(form.rstrip("*")).split()
    if not words:
        raise DyadwatchError(f"Lexicon form {form!r} has no words.")
    body = r"\s".join(re.escape(w) for w in words)
    return body + (r"\w*" if form.endswith("*") else "")


@cache
def _compile(forms: tuple[str, ...]) -> re.Pattern:
    # Longest first so that one stretch of words is counted once per concept.
    alts = sorted((_form_regex(f) for f in forms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


@cache
def _anchors(forms: tuple[str, ...]) -> tuple[str, ...]:
    """The first word of every form: a match can only start where one of these occurs."""
    return tuple(sorted({normalise(f.rstrip("*")).split()[0] for f in forms}))


def _finditer(pattern: re.Pattern, anchors: tuple[str, ...], s: str) -> Iterable[re.Match]:
    """Exactly ``pattern.finditer(s)``, trying the pattern only where an anchor word occurs.

    Python's regex engine tries an alternation at every position of the text, which made
    counting ~20 concepts in 1,000 speeches take 10 s; ``str.find`` locates the few candidate
    starts in C. Every match starts with an anchor and candidates are tried left to right,
    skipping those inside the previous match, so the matches are the same as finditer's.
    """
    starts: set[int] = set()
    for a in anchors:
        i = s.find(a)
        while i >= 0:
            starts.add(i)
            i = s.find(a, i + 1)
    pos = 0
    for p in sorted(starts):
        if p < pos:
            continue
        m = pattern.match(s, p)  # the (?<!\w) look-behind still sees the character before p
        if m:
            yield m
            pos = m.end()


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces; possessive 's and apostrophes dropped, other non-letters are breaks."""
    return _norm_joined(" ".join(_TOKEN.findall(text)))


@cache
def lexicon() -> Lexicon:
    """The bundled concept lexicon (``data/lexicon.yaml``)."""
    text = resources.files("dyadwatch.data").joinpath("lexicon.yaml").read_text("utf-8")
    return parse_lexicon(text)


def parse_lexicon(text: str) -> Lexicon:
    data = yaml.load(text, Loader=yamlfile.Loader)  # libyaml's C parser when present
    concepts = {}
    for key, c in data["concepts"].items():
        concepts[key] = Concept(key, c.get("label", key), tuple(c["forms"]), tuple(c.get("exclude", ())))
    return Lexicon(str(data["version"]), concepts)


class Doc:
    """A text tokenised once: normalised token string with offsets back into the original."""

    def __init__(self, text: str):
        self.text = text
        # Normalising the joined string equals doing it token by token (no token holds a space, no step
        # makes or removes one, and a possessive is only ever at a token's end) and is ~5x faster on a corpus.
        self.norm = _norm_joined(" ".join(_TOKEN.findall(text)))
        self.tokens = self.norm.split(" ") if self.norm else []
        # start offset of each token in ``norm``
        self.starts = [0, *itertools.accumulate(len(t) + 1 for t in self.tokens[:-1])] if self.tokens else []

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of each token in the original text (for keyword-in-context lines)."""
        return [(m.start(), m.end()) for m in _TOKEN.finditer(self.text)]

    @property
    def words(self) -> int:
        return len(self.tokens)

    def _scan(self, concept: Concept) -> Iterable[re.Match]:
        """The concept's matches in ``norm`` with excluded phrases blanked out (offsets kept)."""
        norm = self.norm
        ex = concept.exclude_pattern
        if ex is not None:  # as ex.sub(...), but searching only where an excluded phrase can start
            parts, pos = [], 0
            for m in _finditer(ex, _anchors(concept.exclude), norm):
                parts += [norm[pos : m.start()], re.sub(r"\w", "#", m.group())]
                pos = m.end()
            norm = "".join([*parts, norm[pos:]])
        return _finditer(concept.pattern, _anchors(concept.forms), norm)

    def matches(self, concept: Concept) -> list[tuple[int, int]]:
        """Token index ranges [i, j) of the concept's forms, exclusions removed."""
        out = []
        for m in self._scan(concept):
            i = bisect.bisect_right(self.starts, m.start()) - 1
            j = bisect.bisect_left(self.starts, m.end())
            out.append((i, j))
        return out

    def count(self, concept: Concept) -> int:
        return sum(1 for _ in self._scan(concept))


def _speeches(
    wh: PathStore, iso3s: Sequence[str], year_from: int | None, year_to: int | None, kinds: Sequence[str] | None
) -> pd.DataFrame:
    if not wh.sources_of("speeches"):
        raise NoDataError(
            f"No speeches in {wh.path}. Fix: `dyadwatch ingest ungdc UNGDC_FOLDER` (the UN General Debate "
            "Corpus) or `dyadwatch ingest text FILE --country X --date D`."
        )
    t = wh.table("speeches")
    t = t.filter(t.iso3.isin(list(iso3s)))
    if year_from is not None:
        t = t.filter(t.year >= year_from)
    if year_to is not None:
        t = t.filter(t.year <= year_to)
    if kinds:
        t = t.filter(t.kind.isin(list(kinds)))
    df = t.select("iso3", "year", "kind", "title", "text", "source").order_by(["iso3", "year", "kind", "title"])
    return df.to_pandas()


def count_concepts(text: str, concepts: Sequence[Concept]) -> tuple[int, dict[str, int]]:
    """(words, {concept key: count}) for one text."""
    d = Doc(text)
    return d.words, {c.key: d.count(c) for c in concepts}


@kept  # reads and tokenises every speech selected; the lexicon is one of dyadwatch's files, so of the key
def rates(
    wh: PathStore,
    iso3s: Sequence[str],
    *,
    terms: Iterable[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per country, year, kind of text and concept: count, words, per_10k.

    Several texts of one country, year and kind are pooled (counts and words summed).
    """
    concepts = lexicon().pick(terms)
    sp = _speeches(wh, iso3s, year_from, year_to, kinds)
    rows: list[tuple] = []
    for r in sp.itertuples(index=False):
        words, counts = count_concepts(r.text, concepts)
        for c in concepts:
            rows.append((r.iso3, int(r.year), r.kind, c.key, counts[c.key], words))
    cols = ["iso3", "year", "kind", "term", "count", "words"]
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df.assign(per_10k=pd.Series(dtype="float64"))
    df = df.groupby(["iso3", "year", "kind", "term"], as_index=False, sort=False)[["count", "words"]].sum()
    df["per_10k"] = (df["count"] * PER / df["words"]).where(df["words"] > 0)
    order = {c.key: i for i, c in enumerate(concepts)}
    df["_o"] = df["term"].map(order)
    df = df.sort_values(["year", "iso3", "kind", "_o"]).drop(columns="_o").reset_index(drop=True)
    df.attrs["lexicon_version"] = lexicon().version
    return df


@kept  # reads and tokenises every speech selected; the lexicon is one of dyadwatch's files, so of the key
def kwic(
    wh: PathStore,
    iso3s: Sequence[str],
    term: str,
    *,
    width: int = 8,
    year_from: int | None = None,
    year_to: int | None = None,
    kinds: Sequence[str] | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Keyword-in-context lines: iso3, year, kind, left, match, right (``width`` words each side)."""
    (concept,) = lexicon().pick([term])
    sp = _speeches(wh, iso3s, year_from, year_to, kinds)
    rows: list[tuple] = []
    for r in sp.itertuples(index=False):
        rows.extend((r.iso3, int(r.year), r.kind, *line) for line in kwic_lines(r.text, concept, width))
    df = pd.DataFrame(rows, columns=["iso3", "year", "kind", "left", "match", "right"])
    return df.head(limit) if limit else df


def kwic_lines(text: str, concept: Concept, width: int = 8) -> list[tuple[str, str, str]]:
    d = Doc(text)
    sp = d.spans

    def cut(a: int, b: int) -> str:
        return " ".join(text[sp[a][0] : sp[b - 1][1]].split()) if b > a else ""

    out = []
    for i, j in d.matches(concept):
        out.append((cut(max(0, i - width), i), cut(i, j), cut(j, min(len(sp), j + width))))
    return out


def _stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"s", "also", "will", "shall", "must", "mr", "president"}


def window_counts(texts: Iterable[str], concept: Concept, window: int = 5) -> Counter:
    """Counts of the words within ``window`` tokens of the concept's matches (the match itself excluded)."""
    return doc_window_counts((Doc(t) for t in texts), concept, window)


def doc_window_counts(docs: Iterable[Doc], concept: Concept, window: int = 5) -> Counter:
    """``window_counts`` for texts already tokenised (the pack build tokenises each speech once)."""
    stop = _stopwords()
    pat = concept.pattern
    c: Counter = Counter()
    for d in docs:
        for i, j in d.matches(concept):
            for k in [*range(max(0, i - window), i), *range(j, min(d.words, j + window))]:
                w = d.tokens[k]
                if w not in stop and not w.isdigit() and len(w) > 1 and not pat.fullmatch(w):
                    c[w] += 1
    return c


def log_odds(target: Counter, reference: Counter, prior: Counter | None = None, alpha0: float = 100.0) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008): z > 0 favours target."""
    prior = prior if prior is not None else target + reference
    n_prior = sum(prior.values()) or 1
    n1, n2 = sum(target.values()), sum(reference.values())
    rows = []
    for w in set(target) | set(reference):
        a = alpha0 * prior[w] / n_prior
        if a <= 0:
            continue
        y1, y2 = target[w], reference[w]
        d = math.log((y1 + a) / (n1 + alpha0 - y1 - a)) - math.log((y2 + a) / (n2 + alpha0 - y2 - a))
        var = 1 / (y1 + a) + 1 / (y2 + a)
        rows.append((w, y1, y2, d, d / math.sqrt(var)))
    df = pd.DataFrame(rows, columns=["word", "count_target", "count_reference", "log_odds", "z"])
    return df.sort_values(["z", "word"], ascending=[False, True]).reset_index(drop=True)


@kept  # reads and tokenises every speech selected; the lexicon is one of dyadwatch's files, so of the key
def collocates(
    wh: PathStore,
    targets: Sequence[str],
    reference: str,
    term: str,
    *,
    window: int = 5,
    n: int = 15,
    year_from: int | None = None,
    year_to: int | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Words near ``term`` that most distinguish ``targets``' usage from ``reference``'s, both ways.

    Rows with ``side`` = "target" (z > 0: typical of the targets) and "reference" (z < 0).
    """
    (concept,) = lexicon().pick([term])
    sp = _speeches(wh, [*targets, reference], year_from, year_to, kinds)
    t = window_counts(sp.loc[sp.iso3.isin(list(targets)), "text"], concept, window)
    r = window_counts(sp.loc[sp.iso3 == reference, "text"], concept, window)
    if not t or not r:
        who = ", ".join(targets) if not t else reference
        raise NoDataError(f"{who} never use(s) {concept.label!r} in the speeches selected; no collocates to compare.")
    out = distinguishing(t, r, n)
    out.insert(0, "term", concept.key)
    return out


def distinguishing(target: Counter, reference: Counter, n: int) -> pd.DataFrame:
    """The ``n`` words most typical of ``target`` (side "target", z > 0) and of ``reference`` (z < 0)."""
    lo = log_odds(target, reference)
    top = lo.head(n).assign(side="target")
    bottom = lo[lo.z < 0].tail(n).iloc[::-1].assign(side="reference")
    return pd.concat([top[top.z > 0], bottom], ignore_index=True)
