"""Trade, the region, published facts and energy: from the user's data when it holds them, else the pack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dyadwatch import countries
from dyadwatch.api.core import Result, _dyad, answer, pack_note, run
from dyadwatch.store import pack_store

if TYPE_CHECKING:
    import pandas as pd

    from dyadwatch.store import ChainStore, Store


def _sources(df: pd.DataFrame, default: list[str]) -> list[str]:
    got = {s for v in df["source"].dropna() for s in str(v).split(",")} if "source" in df else set()
    return sorted(got) or default


def trade(
    a: str,
    b: str,
    *,
    period: str | None = None,
    source: str | None = None,
    cif_margin: float | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """The dyad's trade per period (USD; see ``indicators.trade.trade``): the user's flows (reported, else
    mirror) and COW trade when ingested, else COW trade v4 (to 2014) from the embedded pack for focus dyads.
    ``notes``: the basis of the figures (mirror years, COW's end, who stopped reporting)."""
    from dyadwatch.indicators import trade as tr
    from dyadwatch.indicators import trade_tables as tt

    ca, cb = _dyad(a, b, year_from, year_to)
    x, y = ca.iso3, cb.iso3

    def own(s: ChainStore) -> tuple[pd.DataFrame, list[str]]:
        margin = tr.CIF_MARGIN if cif_margin is None else cif_margin
        df = tr.trade(s, x, y, period, source=source, cif_margin=margin, year_from=year_from, year_to=year_to)
        return df, tr.coverage_notes(df, x, y) + tr.reporting_notes(s, df, x, y)

    def derived(s: ChainStore) -> tuple[pd.DataFrame, list[str]]:
        df = tt.in_period(tt.trade(s, x, y, year_from=year_from, year_to=year_to), period)
        return df, [pack_note(["cow_trade"]), *tr.coverage_notes(df, x, y)]

    def go(store: ChainStore) -> Result:
        (df, notes), basis = answer(store, "trade", own, derived)
        return Result(df, basis, _sources(df, ["cow_trade"]), notes)

    return run(db, wh, go)


def region(
    a: str,
    b: str,
    states: list[str],
    *,
    period: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """For each of ``states``: a's and b's turnover with it and shares of its trade, per period."""
    from dyadwatch.indicators import trade_region as trg
    from dyadwatch.indicators import trade_tables as tt

    ca, cb = _dyad(a, b)
    x, y = ca.iso3, cb.iso3
    iso = [countries.resolve_input(s).iso3 for s in states]

    def own(s: ChainStore) -> tuple[pd.DataFrame, list[str]]:
        return trg.region(s, x, y, iso, period, year_from=year_from, year_to=year_to), []

    def derived(s: ChainStore) -> tuple[pd.DataFrame, list[str]]:
        pack_store().require(x, y, *iso)

        def from_pack(_wh: object, st: str, who: str, _period: object, **kw: object) -> pd.DataFrame:
            return tt.trade(s, st, who, year_from, year_to)

        df = trg.region(None, x, y, iso, year_from=year_from, year_to=year_to, trade_fn=from_pack)
        return tt.in_period(df, period), [pack_note(["cow_trade"])]

    def go(store: ChainStore) -> Result:
        (df, notes), basis = answer(store, "trade", own, derived)
        return Result(df, basis, _sources(df, ["cow_trade"]), notes)

    return run(db, wh, go)


def facts(
    entities: list[str] | None = None,
    *,
    prefix: str | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """Published facts about any of ``entities`` (every fact if None), as their publishers give them: the user's
    facts table when ingested, else the pack's transcription (one derived table, built wherever it is)."""
    from dyadwatch.indicators import trade_region as trg
    from dyadwatch.indicators import trade_tables as tt

    iso = [countries.resolve_input(e).iso3 for e in entities] if entities is not None else None

    def go(store: ChainStore) -> Result:
        df = tt.facts(store)
        df = trg.filter_facts(df, iso, prefix) if iso is not None else df
        return Result(df, store.basis_of("published_facts"), ["facts"])

    return run(db, wh, go)


def currency(entities: list[str], *, db: str | Path | None = None, wh: Store | None = None) -> Result:
    """Published settlement-currency and exchange-turnover shares about any of ``entities``, by period."""
    from dyadwatch.indicators import trade_region as trg

    res = facts(entities, db=db, wh=wh)
    notes = (
        ["Basis: dyadwatch's embedded pack — these published figures are transcribed there with their publisher "
         "and the page they were read from (the URLs are in the pack's facts table); ingest `dyadwatch ingest facts "
         "FILE` to use your own."]
        if res.basis == "pack" else []
    )  # fmt: skip
    return Result(trg.currency_rows(res.data), res.basis, res.sources, notes)


def energy_crude(
    importer: str,
    origin: str,
    *,
    period: str | None = None,
    benchmarks: tuple[str, ...] = (),
    freq: str = "M",
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """One origin's crude in the importer's imports per month (freq M) or full year (A): shares, unit value,
    discounts (see ``indicators.energy.crude``); from the user's energy flows, else the embedded pack."""
    from dyadwatch.indicators import energy as en
    from dyadwatch.indicators import trade_tables as tt

    ci, co = _dyad(importer, origin)
    bms = tuple(countries.resolve_input(x).iso3 for x in benchmarks)

    def go(store: ChainStore) -> Result:
        df, basis = answer(
            store, "crude_oil",
            lambda s: en.crude(s, ci.iso3, co.iso3, period, benchmarks=bms, freq=freq),
            lambda s: tt.in_period(tt.crude(s, ci.iso3, co.iso3, benchmarks=bms, freq=freq), period),
        )  # fmt: skip
        return _energy_result(store, df, basis, "china_crude")

    return run(db, wh, go)


def crude_gains(
    importer: str,
    origin: str,
    start: str,
    end: str,
    *,
    benchmark: str = "others",
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """Implied gains (benchmark − origin unit value) × volume per month from ``start`` to ``end`` (YYYY-MM);
    ``benchmark``: "others" (every other origin), "average" (all origins) or a state."""
    from dyadwatch.indicators import energy as en
    from dyadwatch.indicators import trade_tables as tt

    ci, co = _dyad(importer, origin)
    bm = benchmark if benchmark in ("average", "others") else countries.resolve_input(benchmark).iso3

    def go(store: ChainStore) -> Result:
        df, basis = answer(
            store, "crude_oil",
            lambda s: en.gains(s, ci.iso3, co.iso3, start, end, benchmark=bm),
            lambda s: tt.gains(s, ci.iso3, co.iso3, start, end, benchmark=bm),
        )  # fmt: skip
        return _energy_result(store, df, basis, "china_crude")

    return run(db, wh, go)


def energy_gas(
    importer: str,
    *,
    period: str | None = None,
    freq: str = "A",
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """Pipeline-gas imports of ``importer`` by origin with shares by value, per year (A) or month (M)."""
    from dyadwatch.indicators import energy as en
    from dyadwatch.indicators import trade_tables as tt

    imp = countries.resolve_input(importer).iso3

    def go(store: ChainStore) -> Result:
        df, basis = answer(
            store, "pipeline_gas",
            lambda s: en.gas(s, imp, period, freq=freq),
            lambda s: tt.in_period(tt.gas(s, imp, freq), period),
        )  # fmt: skip
        return _energy_result(store, df, basis, "china_gas")

    return run(db, wh, go)


def _energy_result(store: ChainStore, df: pd.DataFrame, basis: str, pack_source: str) -> Result:
    if basis == "pack":
        return Result(df, basis, [pack_source], [pack_note([pack_source])])
    return Result(df, basis, sorted(store.sources_of("energy_flows")))


def pipelines(
    name: str | None = None,
    *,
    country: str | None = None,
    db: str | Path | None = None,
    wh: Store | None = None,
) -> Result:
    """The pipeline registry (capacity bcm/y, status, start year), optionally those through ``country`` (as GEM
    writes it) or whose names contain ``name``."""
    from dyadwatch.indicators import energy as en
    from dyadwatch.indicators import trade_tables as tt

    def derived(s: ChainStore) -> pd.DataFrame:
        df = tt.pipelines(s, name)
        return df[df.countries.str.contains(country, regex=False)].reset_index(drop=True) if country else df

    def go(store: ChainStore) -> Result:
        df, basis = answer(store, "pipelines", lambda s: en.pipelines(s, country, name), derived)
        notes = [pack_note(["gem"])] if basis == "pack" else []
        return Result(df, basis, _sources(df, ["gem"]), notes)

    return run(db, wh, go)


def pipeline_comparisons(*, db: str | Path | None = None, wh: Store | None = None) -> Result:
    """The capacities the article compares, looked up in the registry (``indicators.energy.comparisons``)."""
    from dyadwatch.indicators import energy as en

    res = pipelines(db=db, wh=wh)
    return Result(en.comparisons(res.data), res.basis, res.sources, res.notes)
