"""Seeded mutation fuzz of every loader over the real shared files (issue 15).

For each source, 200+ byte-level mutations of its real file(s) — bit flips, deleted, inserted or
duplicated bytes, truncation, extreme numbers, swapped lines, a BOM; for compressed formats
(.rda gzip, .xlsx zip) half the mutations go inside the unpacked payload, which is then packed
again, so the parser (not only the decompressor) is exercised. Each mutated file is ingested
through ``Warehouse.ingest`` into a copy of a warehouse seeded with the original file and with
another source's rows, and the outcome is one of:

* clean error — a DyadwatchError, and the warehouse content is unchanged;
* accepted — the ingest succeeded; the stored rows passed the declared checks, no other
  source's rows changed, and no NaN or infinity was stored (``unchanged`` if the mutation did
  not touch the data);
* crash — any other exception, or a clean error that changed the warehouse;
* hang — a case over ``CASE_SECONDS``;
* silent damage — accepted, but another source changed, or NaN/inf was stored.

Files over ``BIG`` bytes are fuzzed as a real-data subset written in the same format (the first
rows of the publisher's file), so 200 cases stay within minutes. Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import random
import shutil
import signal
import time
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pyreadr
import pytest

from dyadwatch import sources
from dyadwatch.errors import DyadwatchError
from dyadwatch.warehouse import Warehouse

CASES = int(os.environ.get("DYADWATCH_FUZZ_CASES", "200"))  # the issue asks for at least 200 per loader
CASE_SECONDS = 30
BIG = 150_000
SEED = 15

# source → real files (relative to shared/data); options for sources that need them.
LOADERS: dict[str, tuple[list[str], dict]] = {
    "voeten": (["unga/UNVotesPublished.RData"], {}),
    "unvotes": (["unga/un_votes.rda", "unga/un_roll_calls.rda", "unga/un_roll_call_issues.rda"], {}),
    "atop": (["alliances/atop_alliance.rda", "alliances/atop_v4_member_level.csv"], {}),
    "cow_alliance": (["alliances/cow_alliance.rda"], {}),
    "idealpoints": (["unga/IdealpointsJuly2025.dta"], {}),
    "democracy": (["regimes/ccode_democracy.rda"], {}),
    "cow_trade": (["trade/cow_trade_sy.rda", "trade/cow_trade_ndy.rda"], {}),
    "comtrade": (["trade/comtrade_partner_codes.csv", "trade/comtrade_v1_china_imports_from_russia_2019.xlsx"], {}),
    "china_tables": (["trade/comtrade_china_trade_balance_2014_2025.xlsx"], {}),
    "china_crude": (["energy/china_crude_imports_by_origin_monthly_2020_2023.csv"], {}),
    "china_gas": (["energy/china_pipeline_gas_imports_monthly_2020_2024.csv"], {}),
    "gem": (["energy/gem_pipelines_ru_ca_cn_subset.csv"], {}),
    "facts": (["trade/reference_facts.csv"], {}),
    "cameo": (["events/cameo_eventcodes.txt", "events/cameo_goldsteinscale.txt"], {}),
    "gdelt": (["events/gdelt1_georgia_2012-08.csv"], {}),
    "sipri": (["arms/sipri_trade_register_2000_2023.csv"], {}),
    "ungdc": (["speeches/ungdc/2022/CHN_77_2022.txt", "speeches/ungdc/2022/RUS_77_2022.txt"], {}),
    "text": (["speeches/ungdc/2022/KAZ_77_2022.txt"], {"country": "KAZ", "date": "2022-09-20"}),
}

EXTREMES = [b"1e308", b"-1e308", b"NaN", b"inf", b"-9", b"99999999999", b"", b"31/12/2019", b"0"]


class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang


# ---- real-data subsets for the big files -------------------------------------------------------------------


# Small files that expand to many rows (ATOP's alliance-years become 3 s of dyad-years per read).
ALWAYS_SUBSET = {"atop_alliance.rda"}


def _subset(src: Path, dst: Path, all_files: list[Path]) -> None:
    if src.stat().st_size <= BIG and src.name not in ALWAYS_SUBSET:
        shutil.copy(src, dst)
        return
    suffix = src.suffix.lower()
    if suffix in (".csv", ".txt"):
        lines = src.read_bytes().split(b"\n")
        dst.write_bytes(b"\n".join(lines[:400]) + b"\n")
    elif suffix in (".rda", ".rdata"):
        objects = pyreadr.read_r(str(src))
        name, df = next(iter(objects.items()))
        if "rcid" in df.columns:
            df = df[df.rcid.isin(sorted(df.rcid.unique())[:60])]
        else:
            df = df.head(300 if src.name in ALWAYS_SUBSET else 2000)
        pyreadr.write_rdata(str(dst), df.reset_index(drop=True), df_name=name, compress="gzip")
    elif suffix == ".dta":
        df = pd.read_stata(src, convert_categoricals=False).head(1500)
        df.to_stata(dst, write_index=False, version=118)
    elif suffix == ".xlsx":
        df = pd.read_excel(src, dtype=str).head(300)
        df.to_excel(dst, index=False)
    else:
        raise AssertionError(f"no subset rule for {src}")


# ---- mutations ---------------------------------------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    if not b:
        return bytes(b)
    op = rng.randrange(10)
    i = rng.randrange(len(b))
    if op == 0:  # flip bits
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(b))
            b[j] ^= 1 << rng.randrange(8)
    elif op == 1:  # one random byte
        b[i] = rng.randrange(256)
    elif op == 2:  # delete a slice
        del b[i : i + rng.randint(1, 64)]
    elif op == 3:  # insert random bytes
        b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif op == 4:  # duplicate a slice
        j = min(len(b), i + rng.randint(1, 200))
        b[j:j] = b[i:j]
    elif op == 5:  # truncate
        del b[i:]
    elif op == 6:  # a number replaced by a value no publisher writes
        digits = [k for k in range(len(b)) if 48 <= b[k] <= 57]
        if digits:
            k = rng.choice(digits)
            s = k
            while s > 0 and 48 <= b[s - 1] <= 57:
                s -= 1
            e = k
            while e < len(b) and (48 <= b[e] <= 57 or b[e] == 46):
                e += 1
            b[s:e] = rng.choice(EXTREMES)
    elif op == 7:  # swap two lines
        lines = bytes(b).split(b"\n")
        if len(lines) > 2:
            x, y = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[x], lines[y] = lines[y], lines[x]
            b = bytearray(b"\n".join(lines))
    elif op == 8:  # a byte-order mark, or Windows line ends
        b = bytearray(b"\xef\xbb\xbf" + bytes(b)) if rng.random() < 0.5 else bytearray(bytes(b).replace(b"\n", b"\r\n"))
    else:  # a run of one byte
        b[i : i + 8] = bytes([rng.randrange(256)]) * 8
    return bytes(b)


def mutate_file(data: bytes, suffix: str, rng: random.Random) -> bytes:
    """Mutate inside the payload of compressed formats half of the time."""
    if suffix in (".rda", ".rdata") and data[:2] == b"\x1f\x8b" and rng.random() < 0.5:
        return gzip.compress(mutate_bytes(gzip.decompress(data), rng), mtime=0)
    if suffix == ".xlsx" and rng.random() < 0.5:
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        victim = rng.choice([n for n in src.namelist() if n.endswith(".xml")])
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n in src.namelist():
                body = src.read(n)
                z.writestr(n, mutate_bytes(body, rng) if n == victim else body)
        return out.getvalue()
    return mutate_bytes(data, rng)


# ---- one loader --------------------------------------------------------------------------------------------


_BOOKKEEPING = ("ingests", "ingest_files", "dyadwatch_schema")


def _content(db: Path, source: str | None = None, own: bool = True) -> dict[str, tuple]:
    """A cheap fingerprint of every table (or of one source's rows, or of the other sources' rows):
    row count and an order-independent sum of row hashes."""
    where = "" if source is None else f" WHERE source {'=' if own else '<>'} ?"
    with Warehouse(db, read_only=True) as wh:
        return {
            t: tuple(
                wh.con.execute(
                    f'SELECT count(*), sum(hash(t)) FROM "{t}" AS t{where}', [source] if source else []
                ).fetchone()
            )
            for t in wh.tables()
            if t not in _BOOKKEEPING
        }


def _non_finite(db: Path, source: str) -> list[str]:
    bad = []
    with Warehouse(db, read_only=True) as wh:
        for t in wh.tables():
            cols = wh.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND data_type = 'DOUBLE'", [t]
            ).fetchall()
            for (c,) in cols:
                n = wh.con.execute(
                    f'SELECT count(*) FROM "{t}" WHERE source = ? AND (isnan("{c}") OR isinf("{c}"))', [source]
                ).fetchone()[0]
                if n:
                    bad.append(f"{t}.{c}")
    return bad


def fuzz_loader(name: str, shared: Path, work: Path, cases: int = CASES, seed: int = SEED) -> Counter:
    rels, options = LOADERS[name]
    src = sources.get(name)
    work.mkdir(parents=True, exist_ok=True)
    originals = []
    for rel in rels:
        p = work / Path(rel).name
        _subset(shared / rel, p, [shared / r for r in rels])
        originals.append(p)
    pristine = {p: p.read_bytes() for p in originals}
    seeded = work / "seeded.duckdb"
    seeded.unlink(missing_ok=True)
    with Warehouse(seeded) as wh:
        wh.ingest(sources.get("facts"), [shared / "trade/reference_facts.csv"])
        wh.ingest(src, originals, options=options)
    base, others = _content(seeded), _content(seeded, name, own=False)
    rng = random.Random(f"{seed}-{name}")
    counts: Counter = Counter()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        for i in range(cases):
            target = originals[i % len(originals)]
            target.write_bytes(mutate_file(pristine[target], target.suffix.lower(), rng))
            db = work / "case.duckdb"
            signal.alarm(CASE_SECONDS)
            try:
                # Reading comes before the ingest's transaction, so a file the loader refuses cannot touch the
                # warehouse (test_faults checks that per error class): only files it reads are ingested.
                src.load(originals, **options)
                shutil.copy(seeded, db)
                with Warehouse(db) as wh:
                    wh.ingest(src, originals, options=options, force=True)
                outcome = "accepted"
            except Hang:
                outcome = "hang"
            except DyadwatchError:
                outcome = "clean error"
            except Exception as e:  # the fuzz counts every other failure as a crash
                outcome = "crash"
                counts[f"crash: {type(e).__name__}: {str(e)[:120]}"] += 1
            finally:
                signal.alarm(0)
            if outcome == "clean error" and db.exists() and _content(db) != base:
                outcome = "crash"  # an error that changed the warehouse
                counts["crash: error left the warehouse changed"] += 1
            elif outcome == "accepted":
                if _content(db, name, own=False) != others or _non_finite(db, name):
                    outcome = "silent damage"
                elif _content(db) == base:
                    outcome = "accepted, unchanged"
                else:
                    outcome = "accepted, valid rows"
            counts[outcome] += 1
            target.write_bytes(pristine[target])
            db.unlink(missing_ok=True)
            Path(str(db) + ".wal").unlink(missing_ok=True)
    finally:
        signal.signal(signal.SIGALRM, old)
    return counts


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LOADERS))
def test_mutation_fuzz(shared, tmp_path, name):
    import warnings

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mutated files raise data notes (DataWarning) by design
        counts = fuzz_loader(name, shared, tmp_path / name)
    seconds = time.perf_counter() - t0
    summary = {k: v for k, v in sorted(counts.items()) if not k.startswith("crash:")}
    print(f"\nFUZZ {name}: {sum(summary.values())} cases in {seconds:.0f} s: {summary}")
    for k, v in counts.items():
        if k.startswith("crash:"):
            print(f"  {v} x {k}")
    assert sum(summary.values()) >= CASES >= 1
    assert counts["crash"] == 0 and counts["hang"] == 0 and counts["silent damage"] == 0
    assert not math.isnan(seconds)
