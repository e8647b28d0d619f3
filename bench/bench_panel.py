"""Benchmark: the full directed COW dyad-year panel 1816–2014 with seven blocks, written to Parquet.

    .venv/bin/python bench/bench_panel.py [--data ../shared/data] [--db WAREHOUSE] [--repeat 3]

Blocks: votes (calendar-year agreement and kappa), alliances (ATOP), MIDs (GML), rivalry (Thompson–
Dreyer), capabilities (NMC), trade (COW) and democracy. The warehouse is built first from the real
files (not timed) unless --db names one that holds them.

1. dyadwatch: ``panel.build(...)`` + ``panel.write(...)`` — the Ibis expression run by DuckDB into
   Parquet, with codebook, BibTeX, manifest and the coverage table; the vote dyad-years (numpy vote-
   matrix products, ``votes_panel``) computed in the same timed run.
2. Baseline, same run: one hand-written DuckDB SQL statement joining the same tables (and the same
   vote dyad-year table, computed once and registered) with ``COPY … TO 'x.parquet'``.

Each variant runs in a fresh process (median of --repeat); the peak resident memory of that process is
printed. The ratio compares (1) with (2) plus the vote computation, so both do the same work.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = ["votes", "alliances", "mids", "rivalry", "capabilities", "trade", "democracy"]
INPUTS = {
    "ddy": ["conflict/cow_ddy.rda"],
    "unvotes": ["unga/un_votes.rda", "unga/un_roll_calls.rda", "unga/un_roll_call_issues.rda"],
    "atop": ["alliances/atop_alliance.rda"],
    "gml_mid": ["conflict/gml_mid_ddydisps.rda"],
    "td_rivalry": ["conflict/td_rivalries.rda"],
    "cow_nmc": ["conflict/cow_nmc.rda"],
    "cow_trade": ["trade/cow_trade_ndy.rda", "trade/cow_trade_sy.rda"],
    "democracy": ["regimes/ccode_democracy.rda"],
}

SQL = """
COPY (
WITH f AS (SELECT code_a, code_b, year, microstate_a, microstate_b FROM dyad_frames
           WHERE system = 'cow' AND year BETWEEN 1816 AND 2014),
riv AS (SELECT rivalry_id, cow_a, cow_b, start, "end", spatial, "positional", ideological, interventionary
        FROM rivalries WHERE source = 'td_rivalry'
        UNION ALL SELECT rivalry_id, cow_b, cow_a, start, "end", spatial, "positional", ideological, interventionary
        FROM rivalries WHERE source = 'td_rivalry'),
rv AS (SELECT f.code_a, f.code_b, f.year, max(rivalry_id) AS rivalry_id, max(spatial) sp, max("positional") po,
              max(ideological) id_, max(interventionary) iv
       FROM f JOIN riv ON riv.cow_a = f.code_a AND riv.cow_b = f.code_b AND f.year BETWEEN riv.start AND riv."end"
       GROUP BY 1, 2, 3),
md AS (SELECT cow_a, cow_b, year, max(onset) onset, max(ongoing) ongoing, count(DISTINCT dispnum) n,
              max(hostlev) hostlev, max(hiact_a) hiact_a, max(CAST(fatality > 0 AS TINYINT)) fatal,
              max(sidea_a) sidea_a, max(orig_a) orig_a, max(revstate_a) revstate_a
       FROM mids WHERE source = 'gml_mid' GROUP BY 1, 2, 3),
cap AS (SELECT cow, year, milex, milper, irst, pec, tpop, upop, cinc FROM capabilities WHERE source = 'cow_nmc'),
dem AS (SELECT cow, year, polyarchy, polity2, uds FROM regimes WHERE source = 'democracy')
SELECT f.code_a, f.code_b, f.year, f.microstate_a, f.microstate_b, ca.iso3 AS iso3_a, cb.iso3 AS iso3_b,
  v.n AS un_n, v.agreement AS un_agreement, v.kappa AS un_kappa,
  CASE WHEN f.year BETWEEN 1815 AND 2018 THEN coalesce(al.defense, 0) END AS atop_defense,
  CASE WHEN f.year BETWEEN 1815 AND 2018 THEN coalesce(al.offense, 0) END AS atop_offense,
  CASE WHEN f.year BETWEEN 1815 AND 2018 THEN coalesce(al.neutral, 0) END AS atop_neutral,
  CASE WHEN f.year BETWEEN 1815 AND 2018 THEN coalesce(al.nonagg, 0) END AS atop_nonagg,
  CASE WHEN f.year BETWEEN 1815 AND 2018 THEN coalesce(al.consul, 0) END AS atop_consul,
  md.hostlev AS mid_hostlev, md.hiact_a AS mid_hiact_a, md.fatal AS mid_fatal, md.sidea_a AS mid_sidea_a,
  md.orig_a AS mid_orig_a, md.revstate_a AS mid_revstate_a,
  CASE WHEN f.year BETWEEN 1816 AND 2010 THEN coalesce(md.onset, 0) END AS mid_onset,
  CASE WHEN f.year BETWEEN 1816 AND 2010 THEN coalesce(md.ongoing, 0) END AS mid_ongoing,
  CASE WHEN f.year BETWEEN 1816 AND 2010 THEN coalesce(md.n, 0) END AS mid_count,
  rv.rivalry_id,
  CASE WHEN f.year BETWEEN 1494 AND 2010 THEN CAST(rv.rivalry_id IS NOT NULL AS TINYINT) END AS rivalry,
  CASE WHEN f.year BETWEEN 1494 AND 2010 THEN coalesce(rv.sp, 0) END AS rivalry_spatial,
  CASE WHEN f.year BETWEEN 1494 AND 2010 THEN coalesce(rv.po, 0) END AS rivalry_positional,
  CASE WHEN f.year BETWEEN 1494 AND 2010 THEN coalesce(rv.id_, 0) END AS rivalry_ideological,
  CASE WHEN f.year BETWEEN 1494 AND 2010 THEN coalesce(rv.iv, 0) END AS rivalry_interventionary,
  pa.milex AS milex_a, pa.milper AS milper_a, pa.irst AS irst_a, pa.pec AS pec_a, pa.tpop AS tpop_a,
  pa.upop AS upop_a, pa.cinc AS cinc_a,
  pb.milex AS milex_b, pb.milper AS milper_b, pb.irst AS irst_b, pb.pec AS pec_b, pb.tpop AS tpop_b,
  pb.upop AS upop_b, pb.cinc AS cinc_b, pa.cinc / nullif(pb.cinc, 0) AS cinc_ratio,
  CASE WHEN f.code_a < f.code_b THEN tr.flow1 ELSE tr.flow2 END AS imports_a_from_b,
  CASE WHEN f.code_a < f.code_b THEN tr.flow2 ELSE tr.flow1 END AS imports_b_from_a,
  da.polyarchy AS polyarchy_a, da.polity2 AS polity2_a, da.uds AS uds_a,
  db.polyarchy AS polyarchy_b, db.polity2 AS polity2_b, db.uds AS uds_b
FROM f
LEFT JOIN codes ca ON ca.code = f.code_a
LEFT JOIN codes cb ON cb.code = f.code_b
LEFT JOIN vote_dy v ON v.iso3_a = least(ca.iso3, cb.iso3) AND v.iso3_b = greatest(ca.iso3, cb.iso3)
                   AND v.year = f.year
LEFT JOIN alliance_dyad_year al ON al.source = 'atop' AND al.cow_a = f.code_a AND al.cow_b = f.code_b
                               AND al.year = f.year
LEFT JOIN md ON md.cow_a = f.code_a AND md.cow_b = f.code_b AND md.year = f.year
LEFT JOIN rv ON rv.code_a = f.code_a AND rv.code_b = f.code_b AND rv.year = f.year
LEFT JOIN cap pa ON pa.cow = f.code_a AND pa.year = f.year
LEFT JOIN cap pb ON pb.cow = f.code_b AND pb.year = f.year
LEFT JOIN trade_dyad_year tr ON tr.source = 'cow_trade' AND tr.cow_a = least(f.code_a, f.code_b)
                            AND tr.cow_b = greatest(f.code_a, f.code_b) AND tr.year = f.year
LEFT JOIN dem da ON da.cow = f.code_a AND da.year = f.year
LEFT JOIN dem db ON db.cow = f.code_b AND db.year = f.year
ORDER BY f.code_a, f.code_b, f.year
) TO '{out}' (FORMAT parquet)
"""


def ensure_warehouse(data: Path, db: Path) -> None:
    from dyadwatch import sources
    from dyadwatch.warehouse import Warehouse

    with Warehouse(db) as wh:
        for name, files in INPUTS.items():
            wh.ingest(sources.get(name), [data / f for f in files])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dyadwatch(db: str, out: str, q) -> None:
    from dyadwatch import panel
    from dyadwatch.warehouse import Warehouse

    t0 = time.perf_counter()
    with Warehouse(db, read_only=True) as wh:
        p = panel.build(wh, add=BLOCKS, year_from=1816, year_to=2014)
        w = panel.write(p, out, wh)
    q.put((time.perf_counter() - t0, _peak_mb(), w.rows))


def run_baseline(db: str, out: str, q) -> None:
    import duckdb
    import pandas as pd

    from dyadwatch import countries
    from dyadwatch.indicators import votes_panel as vp
    from dyadwatch.warehouse import Warehouse

    t0 = time.perf_counter()
    with Warehouse(db, read_only=True) as wh:
        vt = vp.all_dyads(wh, source="unvotes", measures=["agreement", "kappa"])
    t_votes = time.perf_counter() - t0
    con = duckdb.connect(db, read_only=True)
    m = countries.cow_to_iso3_map()
    con.register("codes", pd.DataFrame({"code": list(m), "iso3": list(m.values())}))
    con.register("vote_dy", vt)
    con.execute(SQL.format(out=out))
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
    con.close()
    q.put((time.perf_counter() - t0, _peak_mb(), rows, t_votes))


def timed(fn, db: str, out: str) -> tuple:
    ctx = mp.get_context("spawn")  # a fresh process each time: peak memory is that run's own
    q = ctx.Queue()
    p = ctx.Process(target=fn, args=(db, out, q))
    p.start()
    res = q.get()
    p.join()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        ensure_warehouse(args.data, db)
        print(f"warehouse ready in {time.perf_counter() - t:.1f} s ({db})")
        ours, base = [], []
        for i in range(args.repeat):  # alternate, so load on the machine hits both alike
            ours.append(timed(run_dyadwatch, str(db), f"{tmp}/ours{i}.parquet"))
            base.append(timed(run_baseline, str(db), f"{tmp}/base{i}.parquet"))
        mo = statistics.median(r[0] for r in ours)
        mb = statistics.median(r[0] for r in base)
        print(f"rows: dyadwatch {ours[0][2]:,}, baseline {base[0][2]:,}")
        print(f"dyadwatch panel.build + write (votes computed, codebook, coverage): median {mo:.2f} s "
              f"of {[round(r[0], 2) for r in ours]}; peak memory {max(r[1] for r in ours):.0f} MB")  # fmt: skip
        print(f"hand-written DuckDB SQL + the same vote computation: median {mb:.2f} s of "
              f"{[round(r[0], 2) for r in base]} (votes {statistics.median(r[3] for r in base):.2f} s); "
              f"peak memory {max(r[1] for r in base):.0f} MB")  # fmt: skip
        print(f"ratio dyadwatch / baseline: {mo / mb:.2f} (target ≤ 1.5); target ≤ 15 s: "
              f"{'met' if mo <= 15 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
