"""CEPII BACI: reconciled bilateral trade at HS6, in the published CSV layout.

``BACI_HS17_Y2022_V202401b.csv``: columns ``t,i,j,k,v,q`` — year, exporter,
importer (BACI's numeric country codes, which are Comtrade's: 251 France,
699 India, 842 USA …), HS6 product, value in **thousand** USD (FOB), quantity
in tonnes. Optionally give BACI's ``country_codes_V*.csv`` (``country_code,
country_name, country_iso2, country_iso3``) with the data to use its mapping.

BACI reconciles exporter and importer reports, so its rows are stored with
basis ``estimated``, flow X (exporter i → importer j), valuation FOB. The file
is read by DuckDB straight into Arrow (no whole-file pandas frame) and checked
with SQL: negative values, duplicated flows, unknown codes, HS codes of the
wrong length, another layout — each an error naming rows and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._files import encoding_of, sniff, strip_bom, warn
from dyadwatch.sources.comtrade import code_to_iso3

META = SourceMeta(
    name="baci",
    title="BACI: International Trade Database at the Product-Level",
    publisher="CEPII",
    licence="Etalab Open Licence 2.0",
    citation=(
        "Gaulier, G. and Zignago, S. (2010). BACI: International Trade Database at the Product-Level. "
        "The 1994-2007 Version. CEPII Working Paper 2010-23"
    ),
    url="https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
    version="as downloaded (file name gives HS vintage and release)",
    tables=("trade_flows",),
    files="BACI_HS??_Y????_V??????.csv (t,i,j,k,v,q), optionally with country_codes_V??????.csv",
    mode="add",  # one file is one part of the data
)

_HS = {"92": "HS1992", "96": "HS1996", "02": "HS2002", "07": "HS2007", "12": "HS2012", "17": "HS2017", "22": "HS2022"}


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    paths = [Path(p) for p in paths]
    codes = [p for p in paths if p.name.lower().startswith("country_codes")]
    extra = _country_codes(codes[0]) if codes else {}
    tables = [_read(p, extra) for p in paths if p not in codes]
    if not tables:
        raise SourceFormatError("baci: give at least one BACI data file (BACI_HS??_Y????_V??????.csv).")
    return {"trade_flows": pa.concat_tables(tables)}


def _country_codes(path: Path) -> dict[int, str | None]:
    import duckdb  # here, not at the top: the source registry imports every loader (the report lists them)

    sniff(path, META.name, "BACI's country_codes CSV", records=True)
    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT country_code, country_iso3 FROM read_csv('{_q(path)}', header=true)").fetchall()
    except duckdb.Error as e:
        raise SourceFormatError(f"{path}: not BACI's country code list (country_code, country_iso3 …): {e}") from e
    return {int(c): (iso if iso and re.fullmatch(r"[A-Z]{3}", iso) else None) for c, iso in rows}


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def _read(path: Path, extra: dict[int, str | None]) -> pa.Table:
    import duckdb  # here, not at the top: the source registry imports every loader (the report lists them)

    head = sniff(path, META.name, "a BACI CSV (t,i,j,k,v,q)", records=True)
    first = strip_bom(head).split(b"\n", 1)[0].decode("utf-8", "replace").strip().replace('"', "").replace(" ", "")
    if first != "t,i,j,k,v,q":
        raise SourceFormatError(
            f"{path}: the header is {first[:80]!r} (read as {encoding_of(head)}), not BACI's 't,i,j,k,v,q'. "
            "If this is a Comtrade file use "
            "`dyadwatch ingest comtrade`; `dyadwatch sources` lists each source's files."
        )
    m = re.search(r"HS(\d{2})", path.name, re.I)
    hs_version = _HS.get(m.group(1), f"HS{m.group(1)}") if m else "HS"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    csv = f"""read_csv('{_q(path)}', header=true, columns={{'t':'INTEGER','i':'INTEGER','j':'INTEGER','k':'VARCHAR',
              'v':'DOUBLE','q':'VARCHAR'}}, nullstr=['NA', '', '           NA'])"""
    try:
        con.execute(f"CREATE TEMP TABLE raw AS SELECT * FROM {csv}")
    except duckdb.Error as e:
        raise SourceFormatError(f"{path}: cannot be read as BACI's CSV layout: {str(e).splitlines()[0]}") from e

    def lines(where: str) -> list[int]:
        # Line numbers are only worked out when something is wrong (a second, ordered read of the file).
        q = f"""SELECT line FROM (SELECT row_number() OVER () + 1 AS line, * FROM {csv}) WHERE {where}
                ORDER BY line LIMIT 10"""
        return [r[0] for r in con.execute(q).fetchall()]

    def any_row(where: str) -> bool:
        return bool(con.execute(f"SELECT EXISTS (SELECT 1 FROM raw WHERE {where})").fetchall()[0][0])  # one row

    neg = "v < 0 OR TRY_CAST(trim(q) AS DOUBLE) < 0"
    if any_row(neg):
        raise SourceFormatError(f"{path}: negative value or quantity at lines {lines(neg)}. Fix: re-download the file.")
    badk = "length(trim(k)) NOT IN (5, 6) OR NOT regexp_full_match(trim(k), '[0-9]+')"
    if any_row(badk):
        raise SourceFormatError(
            f"{path}: HS codes of the wrong length at lines {lines(badk)}: BACI codes are HS6 (6 digits, or 5 when a "
            "leading zero was dropped). Fix: re-download the file."
        )
    # One BIGINT key per flow (year, exporter, importer, product) makes the duplicate check a cheap count.
    key = "((t::BIGINT * 1000 + i) * 1000 + j) * 1000000 + CAST(trim(k) AS BIGINT)"
    n, n_distinct = con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM raw").fetchall()[0]  # one row
    if n != n_distinct:
        dup = con.execute(
            """SELECT t, i, j, CAST(trim(k) AS BIGINT) FROM raw GROUP BY ALL HAVING count(*) > 1 LIMIT 3"""
        ).fetchall()
        where = " OR ".join(
            f"(t = {a} AND i = {b} AND j = {c} AND CAST(trim(k) AS BIGINT) = {d})" for a, b, c, d in dup
        )
        raise SourceFormatError(
            f"{path}: {n - n_distinct} duplicated flows (same year, exporter, importer, product), e.g. lines "
            f"{lines(where)}. Fix: remove the repeated rows; nothing was ingested."
        )
    mapping, unknown = {}, []
    for (c,) in con.execute("SELECT DISTINCT i FROM raw UNION SELECT DISTINCT j FROM raw").fetchall():
        try:
            mapping[c] = code_to_iso3(c, extra)
        except KeyError:
            unknown.append(c)
    if unknown:
        raise SourceFormatError(
            f"{path}: country codes {sorted(unknown)[:10]} (columns i/j) are not BACI/Comtrade codes dyadwatch knows, "
            f"first at lines {lines(f'i IN ({_in(unknown)}) OR j IN ({_in(unknown)})')}. Fix: give BACI's "
            "country_codes_V*.csv with the data file."
        )
    con.execute("CREATE TEMP TABLE codes (code INTEGER, iso3 VARCHAR)")
    con.executemany("INSERT INTO codes VALUES (?, ?)", list(mapping.items()))
    nostate = [c for c, iso in mapping.items() if iso is None]
    if nostate:
        warn(f"{path}: flows with areas that are not states (codes {sorted(nostate)[:10]}) left out.")
    tbl = con.execute(
        f"""SELECT 'estimated' AS basis, ci.iso3 AS reporter, cj.iso3 AS partner, CAST(t AS VARCHAR) AS period,
                   'A' AS freq, 'X' AS flow, '{hs_version}' AS hs_version, CAST(6 AS TINYINT) AS hs_level,
                   lpad(trim(k), 6, '0') AS hs_code, v * 1000.0 AS value_usd,
                   TRY_CAST(trim(q) AS DOUBLE) AS quantity, 't' AS unit, 'FOB' AS valuation,
                   '{_q(Path(path.name))}' AS file
            FROM raw JOIN codes ci ON raw.i = ci.code JOIN codes cj ON raw.j = cj.code
            WHERE ci.iso3 IS NOT NULL AND cj.iso3 IS NOT NULL"""
    ).fetch_arrow_table()
    con.close()
    return tbl


def _in(values: list[int]) -> str:
    return ", ".join(str(int(v)) for v in values)
