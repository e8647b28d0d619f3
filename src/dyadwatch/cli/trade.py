"""`dyadwatch trade`, `composition`, `energy crude|gas|pipelines`, `region`: economic interdependence."""

from __future__ import annotations

from typing import Annotated

import typer

from dyadwatch.cli._common import DbOpt, Format, FormatOpt, FromOpt, ToOpt, emit, lazy, other_state

countries = lazy("dyadwatch.countries")  # `--help` does not pay for the crosswalk

trg = lazy("dyadwatch.indicators.trade_region")
api = lazy("dyadwatch.api")

PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", help="A year (2022), a month (2023-05) or a year-to-date range (2023-01..2023-08)."),
]
CifOpt = Annotated[
    float | None, typer.Option("--cif-margin", help="CIF/FOB margin for mirror figures. Default: 0.06 (IMF DOTS).")
]

energy_app = typer.Typer(help="Energy imports by origin: crude discount, pipeline-gas shares, pipelines.",
                         no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("trade", rich_help_panel="Indicators")(trade)
    app.command("composition", rich_help_panel="Indicators")(composition)
    app.command("region", rich_help_panel="Indicators")(region)
    app.add_typer(energy_app, name="energy", rich_help_panel="Indicators")


def _iso(x: str) -> str:
    return countries.resolve_input(x).iso3


def trade(
    a: Annotated[str, typer.Argument(help="First state (name, ISO2/ISO3 or COW code).")],
    b: Annotated[str, typer.Argument(help="Second state.", callback=other_state)],
    period: PeriodOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    source: Annotated[str | None, typer.Option(help="cow_trade, flows, or both (default).")] = None,
    cif_margin: CifOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """A's exports to and imports from B, turnover, growth, each side's share of the other's trade, asymmetry, rank.

    Reported figures where a state reports; otherwise the partner's report (mirror), adjusted by the CIF/FOB
    margin. `basis` says which. COW trade v4 fills the years to 2014.

    Example: `dyadwatch trade CHN RUS --from 2010 --format csv`; with monthly Comtrade flows ingested,
    `--period 2023-01..2023-08` gives January–August with growth against January–August a year earlier.
    """
    ia, ib = _iso(a), _iso(b)
    res = api.trade(ia, ib, period=period, year_from=year_from, year_to=year_to, source=source,
                    cif_margin=cif_margin, db=db)  # fmt: skip
    emit(res.data, fmt, title=f"Trade, {ia} with {ib}", notes=res.notes, dyad=(ia, ib))


def composition(
    a: Annotated[str, typer.Argument(help="Exporter (flow X) or importer (flow M).")],
    b: Annotated[str, typer.Argument(help="Partner.", callback=other_state)],
    period: Annotated[str, typer.Option("--period", help="A year, a month or 2023-01..2023-08.")],
    level: Annotated[str, typer.Option(help="section, chapter, heading or hs6.")] = "chapter",
    flow: Annotated[str, typer.Option(help="X: A's exports to B; M: A's imports from B.")] = "X",
    top: Annotated[int | None, typer.Option(help="Show the N largest only.")] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """What A sells to (or buys from) B by HS section/chapter, with shares and concentration (HHI).

    Example: `dyadwatch composition CHN RUS --period 2019 --flow M --level chapter`
    """
    ia, ib = _iso(a), _iso(b)
    res = api.composition(ia, ib, period, level=level, flow=flow, db=db)
    full, h, hn = res.data, res.coverage["hhi"], res.coverage["hhi_normalised"]
    df = full.head(top) if top else full
    note = f"HHI {h:.3f} (normalised {hn:.3f}) over {len(full)} {level} codes; basis: {df.basis.iloc[0]}."
    emit(df, fmt, title=f"Composition, {ia} {'exports to' if flow.upper() == 'X' else 'imports from'} {ib}",
         notes=[note], dyad=(ia, ib))  # fmt: skip


def region(
    a: Annotated[str, typer.Argument(help="First outside power, e.g. CHN.")],
    b: Annotated[str, typer.Argument(help="Second outside power, e.g. RUS.", callback=other_state)],
    states: Annotated[str, typer.Option(help="Comma-separated third states.")] = "KAZ,KGZ,TJK,TKM,UZB",
    period: PeriodOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    trend: Annotated[
        bool, typer.Option(help="One row per state: growth and share change, first to last period.")
    ] = False,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """For each state: A's and B's turnover with it and shares of its trade, per period; plus published facts.

    Example: `dyadwatch region CHN RUS --states KAZ,KGZ,TJK,TKM,UZB --from 2000`
    """
    ia, ib = _iso(a), _iso(b)
    sts = [_iso(s) for s in states.split(",") if s.strip()]
    with api.open_store(db) as store:
        res = api.region(ia, ib, sts, period=period, year_from=year_from, year_to=year_to, wh=store)
        facts = api.facts(sts, wh=store).data
    df = trg.region_trend(res.data) if trend else res.data
    notes = [f"Published: {r.metric} {r.period} = {r.value} {r.unit} ({r.publisher})" for r in facts.itertuples()]
    notes += res.notes
    if "share_a" in df.columns and df.share_a.isna().all():
        notes.append("Shares are empty where the states' total trade is not in the warehouse (no data, not zero).")
    emit(df, fmt, title=f"{ia} and {ib} in {', '.join(sts)}", notes=notes, dyad=(ia, ib))


@energy_app.command("crude")
def crude(
    importer: Annotated[str, typer.Option(help="Importing state.")] = "CHN",
    origin: Annotated[str, typer.Option(help="Origin state.")] = "RUS",
    period: PeriodOpt = None,
    annual: Annotated[bool, typer.Option(help="One row per full year instead of per month.")] = False,
    benchmark: Annotated[list[str] | None, typer.Option(help="Benchmark origins (repeatable), e.g. SAU.")] = None,
    gains_from: Annotated[str | None, typer.Option(help="Implied gains from this month (YYYY-MM).")] = None,
    gains_to: Annotated[str | None, typer.Option(help="... to this month (YYYY-MM).")] = None,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Crude imports from an origin: volume, value, shares, unit value, discount = 1 − unit_value / avg_unit_value.

    With --gains-from/--gains-to, prints the implied gains (benchmark − origin unit value) × volume instead.

    Example: `dyadwatch energy crude --importer CHN --origin RUS --period 2022`
    """
    ii, io = _iso(importer), _iso(origin)
    if gains_from and gains_to:
        bench = benchmark[0] if benchmark else "others"
        res = api.crude_gains(ii, io, gains_from, gains_to, benchmark=bench, db=db)
        total = f"Total: {res.data.gain.sum() / 1e9:.2f} bn USD over {len(res.data)} months."
        emit(res.data, fmt, title=f"Implied gains of {ii} on crude from {io}", notes=[total, *res.notes])
        return
    res = api.energy_crude(ii, io, period=period, benchmarks=tuple(benchmark or ()), freq="A" if annual else "M", db=db)
    emit(
        res.data,
        fmt,
        title=f"Crude imports of {ii} from {io}",
        notes=["Volumes in tonnes, values in USD (UN Comtrade, China's reports).", *res.notes],
        dyad=(ii, io),
    )


@energy_app.command("gas")
def gas(
    importer: Annotated[str, typer.Option(help="Importing state.")] = "CHN",
    period: PeriodOpt = None,
    monthly: Annotated[bool, typer.Option(help="Per month instead of per full year.")] = False,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """Pipeline-gas imports by origin with shares by value (volumes in the shared file are derived, not measured).

    Example: `dyadwatch energy gas --importer CHN --period 2023-01..2023-08`
    """
    res = api.energy_gas(_iso(importer), period=period, freq="M" if monthly else "A", db=db)
    emit(res.data, fmt, title=f"Pipeline gas imports of {importer} by origin", notes=["Shares by value.", *res.notes])


@energy_app.command("pipelines")
def pipelines(
    country: Annotated[
        str | None, typer.Option(help="Only pipelines through this country (name as GEM writes it).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Only pipelines whose name contains this.")] = None,
    compare: Annotated[bool, typer.Option(help="The article's capacity comparisons instead of the registry.")] = False,
    fmt: FormatOpt = Format.table,
    db: DbOpt = None,
) -> None:
    """The pipeline registry (capacity bcm/y, status, start year), or the article's comparisons with --compare.

    Example: `dyadwatch energy pipelines --country Russia`
    """
    if compare:
        res = api.pipeline_comparisons(db=db)
    else:
        res = api.pipelines(name, country=country, db=db)
        res.data = res.data[["name", "countries", "capacity_bcm_y", "status", "start_year", "owner", "source"]]
    emit(
        res.data,
        fmt,
        title="Pipelines (Global Energy Monitor)",
        notes=["start_year 'no data': missing or corrupt in the tracker.", *res.notes],
    )
