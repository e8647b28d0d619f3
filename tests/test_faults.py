"""Fault injection (issue 15, defects 8-13): disk full, read-only folder, unreadable corpus file,
Ctrl-C and SIGTERM, kill -9, schema versions, damaged Excel files, safe report and CSV outputs.

Every case asserts the exit code, a message without a traceback, and that the warehouse content
(every table, ordered) is exactly what it was.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from dyadwatch import schema
from dyadwatch.errors import SchemaVersionError
from dyadwatch.warehouse import Warehouse
from helpers import run_cli, snapshot

DYADWATCH = [sys.executable, "-m", "dyadwatch"]
VOETEN = "unga/UNVotesPublished.RData"


def _seeded(shared, db):
    with Warehouse(db) as wh:
        from dyadwatch.sources import facts

        wh.ingest(facts, [shared / "trade/reference_facts.csv"])


def _run(args, **kw):
    return subprocess.run([*DYADWATCH, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)


# 8. Disk full, read-only folder, unreadable file: the real cause, non-zero exit, warehouse unchanged.


def test_disk_full_names_the_cause_and_changes_nothing(shared, tmp_path):
    db = tmp_path / "full.duckdb"
    _seeded(shared, db)
    before = snapshot(db)
    limit = db.stat().st_size + 1_000_000  # the votes need ~5 MB more

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = _run(["ingest", "voeten", shared / VOETEN, "--db", db], preexec_fn=small_disk)
    assert r.returncode == 6, r.stderr
    assert "the disk is full" in r.stderr and "Traceback" not in r.stderr and "no transaction" not in r.stderr
    assert snapshot(db) == before


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply even to root (who otherwise ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")  # util-linux, in every Debian
    assert setpriv, "root needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE for this test"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _run_unprivileged(args):
    cmd = [*_without_root_powers(), *DYADWATCH, *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_read_only_warehouse_folder(shared, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "w.duckdb"
    _seeded(shared, db)
    folder.chmod(0o555)
    before = snapshot(db)
    try:
        r = _run_unprivileged(["ingest", "cow_alliance", shared / "alliances/cow_alliance.rda", "--db", db])
    finally:
        folder.chmod(0o755)
    assert r.returncode == 6, r.stderr
    assert "not writable" in r.stderr and f"chmod u+w {folder}" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(db) == before


def test_unreadable_file_in_a_corpus(shared, tmp_path):
    corpus = tmp_path / "ungdc"
    shutil.copytree(shared / "speeches/ungdc/2022", corpus / "2022")
    locked = corpus / "2022" / "CHN_77_2022.txt"
    locked.chmod(0o000)
    db = tmp_path / "w.duckdb"
    _seeded(shared, db)
    before = snapshot(db)
    r = _run_unprivileged(["ingest", "ungdc", corpus, "--db", db])
    assert r.returncode == 3, r.stderr
    assert f"{locked}: cannot be read (permission denied)" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(db) == before


# 9. Ctrl-C and SIGTERM: "Interrupted; the warehouse is unchanged.", exit 130, the file not blamed.


def _handlers_installed(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the child catches SIGTERM: dyadwatch has installed its handlers (Python's own catch SIGINT only).

    Before that a signal ends the interpreter the default way, which no program can change; on a loaded machine
    that moment comes late, so a fixed delay from the start is not enough.
    """
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        status = Path(f"/proc/{proc.pid}/status").read_text()
        caught = int(next(ln for ln in status.splitlines() if ln.startswith("SigCgt:")).split()[1], 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.01)
    raise AssertionError("dyadwatch never installed its signal handlers")


def _interrupt(shared, db, sig, after: float | None, marker: Path | None = None):
    env = {**os.environ}
    if marker is not None:
        env["DYADWATCH_TEST_PAUSE_IN_INGEST"] = str(marker)
    proc = subprocess.Popen(
        [*DYADWATCH, "ingest", "voeten", str(shared / VOETEN), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    if marker is not None:
        deadline = time.time() + 120
        while not marker.exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), "the ingest never reached its transaction"
    else:
        _handlers_installed(proc)
        time.sleep(after)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_inside_the_transaction(shared, tmp_path, sig):
    db = tmp_path / "s.duckdb"
    _seeded(shared, db)
    before = snapshot(db)
    code, _, err = _interrupt(shared, db, sig, None, tmp_path / "in-transaction")
    assert code == 130 and err.strip().endswith("Interrupted; the warehouse is unchanged.")
    assert "Traceback" not in err
    assert snapshot(db) == before


def test_ctrl_c_while_pyreadr_reads_is_not_blamed_on_the_file(shared, tmp_path):
    db = tmp_path / "s.duckdb"
    _seeded(shared, db)
    before = snapshot(db)
    # The read is the middle of the ingest (imports, then pyreadr, then the insert and commit): timed here, as a
    # fixed delay lands after the commit on a fast machine (the whole ingest takes 4 s on one, 8 on another).
    _seeded(shared, tmp_path / "timing.duckdb")
    t0 = time.perf_counter()
    assert _run(["ingest", "voeten", shared / VOETEN, "--db", tmp_path / "timing.duckdb"]).returncode == 0
    code, _, err = _interrupt(shared, db, signal.SIGINT, 0.4 * (time.perf_counter() - t0))
    assert code == 130, err
    assert "Interrupted; the warehouse is unchanged." in err
    assert "truncated" not in err and "Traceback" not in err and "KeyboardInterrupt" not in err
    assert snapshot(db) == before


@pytest.mark.slow
def test_signals_and_kill_at_random_points_of_a_large_ingest(shared, tmp_path):
    """SIGINT, SIGTERM and SIGKILL at seeded random moments of the Voeten ingest (about 10 s)."""
    db = tmp_path / "r.duckdb"
    _seeded(shared, db)
    before = snapshot(db)
    rng = random.Random(15)
    for sig in [signal.SIGINT, signal.SIGTERM, signal.SIGKILL] * 2:
        # From the moment dyadwatch has installed its handlers, through the ingest, its commit and the exit.
        code, _, err = _interrupt(shared, db, sig, rng.uniform(0.0, 8.0))
        saved = "Interrupted after saving the voeten ingest" in err
        if sig == signal.SIGKILL:
            assert code in (0, -9)
        elif code != 0:
            assert code == 130 and "Traceback" not in err
            assert saved or err.strip().endswith("Interrupted; the warehouse is unchanged."), err
        if snapshot(db) == before:
            assert code != 0 and not saved, "the ingest said it saved but the warehouse is unchanged"
            continue
        # The ingest committed (it finished, or the signal came during or after the COMMIT): then it is whole,
        # and an interrupt said so.
        assert code in (0, -9) or saved, err
        with Warehouse(db, read_only=True) as wh:
            assert wh.con.execute("SELECT count(*) FROM votes").fetchone()[0] == 1_066_613
            assert wh.con.execute("SELECT count(*) FROM ingests WHERE source = 'voeten'").fetchone()[0] == 1
        with Warehouse(db) as wh:  # back to the seeded state for the next round
            wh.con.execute("DROP TABLE votes; DROP TABLE roll_calls")
            wh.con.execute("DELETE FROM ingest_files WHERE source = 'voeten'")
            wh.con.execute("DELETE FROM ingests WHERE source = 'voeten'")
        assert snapshot(db) == before


def test_a_signal_during_the_commit_is_reported_as_saved(shared, tmp_path, monkeypatch):
    """A SIGINT that lands while DuckDB commits is delivered after it: the message must not say "unchanged"."""
    from dyadwatch import signals
    from dyadwatch.ingest import ingest
    from dyadwatch.sources import facts

    class SignalOnCommit:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            if sql == "COMMIT":
                os.kill(os.getpid(), signal.SIGINT)  # pending while held; delivered once the commit is recorded
            return self._con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._con, name)

    monkeypatch.setattr(signals, "_committed", [])  # this process's record, restored after the test
    db = tmp_path / "c.duckdb"
    with Warehouse(db) as wh:
        wh.con = SignalOnCommit(wh.con)
        with pytest.raises(KeyboardInterrupt):
            ingest(wh, facts, [shared / "trade/reference_facts.csv"])
        wh.con = wh.con._con
    assert signals.committed()[-1].startswith("the facts ingest")
    assert signals.interrupted_message().startswith("Interrupted after saving the facts ingest")
    with Warehouse(db, read_only=True) as wh:
        assert wh.con.execute("SELECT count(*) FROM ingests WHERE source = 'facts'").fetchone()[0] == 1


@pytest.mark.slow
def test_ctrl_c_during_a_gdelt_stage(tmp_path):
    """DuckDB's "Query interrupted" inside the GDELT staging query becomes the clean interrupt."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import datetime as dt

    from gdelt_generate import day_sql

    big = tmp_path / "20240101.export.CSV"
    con = duckdb.connect()
    # GDELT's own layout (no quoting, as bench/gdelt_generate.py writes it): a default COPY quotes the first field,
    # so a fast machine that finished staging before the signal failed on "bad rows" instead of being interrupted.
    copy = "FORMAT csv, HEADER false, DELIMITER '\t', QUOTE '', ESCAPE ''"
    con.execute(f"COPY ({day_sql(dt.date(2024, 1, 1), 1, 1_500_000)}) TO '{big}' ({copy})")
    con.close()
    db = tmp_path / "g.duckdb"
    proc = subprocess.Popen(
        [*DYADWATCH, "ingest", "gdelt", str(big), "--db", str(db)], stderr=subprocess.PIPE, text=True
    )
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Interrupted; the warehouse is unchanged." in err and "Traceback" not in err and "Query" not in err


# 10. Schema version: recorded, migrated forward with a backup, or refused naming both versions.


def _v1_warehouse(path: Path) -> None:
    """A warehouse as dyadwatch wrote it before schema versions: ingests + canonical tables only."""
    con = duckdb.connect(str(path))
    con.execute(schema.INGESTS_DDL)
    cols = "metric VARCHAR, entity_a VARCHAR, entity_b VARCHAR, period VARCHAR, value DOUBLE, unit VARCHAR"
    con.execute(f"CREATE TABLE facts (source VARCHAR, {cols}, publisher VARCHAR, url VARCHAR, note VARCHAR)")
    con.execute("INSERT INTO facts VALUES ('facts', 'm', 'CHN', 'RUS', '2022', 1.5, 'x', 'P', 'u', NULL)")
    con.execute(
        "INSERT INTO ingests VALUES (1, 'facts', 'as ingested', '[\"/data/reference_facts.csv\"]', '[\"abc\"]', "
        "'{\"facts\": 1}', now(), 0.1, '[]')"
    )
    con.close()


def test_version_1_warehouse_is_migrated_with_a_backup(tmp_path, shared):
    db = tmp_path / "old.duckdb"
    _v1_warehouse(db)
    old = snapshot(db)
    with Warehouse(db) as wh:
        assert schema.version_of(wh.con) == schema.SCHEMA_VERSION
        assert [f["path"] for f in wh.current_files()] == ["/data/reference_facts.csv"]
    backup = tmp_path / "old.duckdb.v1.bak"
    assert snapshot(backup) == old
    new = snapshot(db)
    assert {k: v for k, v in new.items() if k in old} == old  # the data is untouched
    from dyadwatch.sources import facts

    with Warehouse(db) as wh:  # and it takes new ingests
        wh.ingest(facts, [shared / "trade/reference_facts.csv"])
        assert wh.con.execute("SELECT count(*) FROM facts").fetchone()[0] == 35


def test_newer_warehouse_is_refused_naming_both_versions(tmp_path, capsys):
    db = tmp_path / "new.duckdb"
    with Warehouse(db):
        pass
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO dyadwatch_schema VALUES (99, now(), 'from the future')")
    con.close()
    before = snapshot(db)
    with pytest.raises(SchemaVersionError, match=r"schema version 99.*reads version 2"):
        Warehouse(db)
    code, _, err = run_cli(capsys, "ingests", "--db", db)
    assert code == 7 and "upgrade dyadwatch" in err
    assert snapshot(db) == before


def test_table_of_another_layout_is_refused(tmp_path):
    db = tmp_path / "odd.duckdb"
    with Warehouse(db) as wh:
        wh.con.execute("CREATE TABLE facts (source VARCHAR, metric VARCHAR, value DOUBLE)")
    with pytest.raises(SchemaVersionError, match="table 'facts' has columns"):
        Warehouse(db)


# 11. Damaged, password-protected and zip-bomb workbooks: one clear message, bounded time.


def _bomb(path: Path, mb: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(mb):
                f.write(b" " * (1 << 20))
    return path


@pytest.mark.parametrize("kind", ["truncated", "flipped", "encrypted", "bomb"])
@pytest.mark.parametrize("source", ["comtrade", "china_tables"])
def test_bad_workbooks(shared, tmp_path, capsys, kind, source):
    real = shared / (
        "trade/comtrade_v1_china_imports_from_russia_2019.xlsx"
        if source == "comtrade"
        else "trade/comtrade_china_trade_balance_2014_2025.xlsx"
    )
    data = real.read_bytes()
    p = tmp_path / real.name
    if kind == "truncated":
        p.write_bytes(data[: len(data) // 2])
    elif kind == "flipped":
        b = bytearray(data)
        b[len(b) // 2] ^= 0xFF
        p.write_bytes(bytes(b))
    elif kind == "encrypted":  # Excel saves a password-protected workbook as an encrypted OLE container
        p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    else:
        _bomb(p, 1024)
    db = tmp_path / "x.duckdb"
    t0 = time.perf_counter()
    code, _, err = run_cli(capsys, "ingest", source, p, "--db", db)
    assert time.perf_counter() - t0 < 30
    assert code == 3 and [ln[:6] for ln in err.splitlines() if ln.strip()] == ["Error:"], err  # one message
    assert str(p) in err and "Fix" in err
    want = {"truncated": "damaged", "flipped": "damaged", "encrypted": "password", "bomb": "zip bomb"}[kind]
    assert want in err


# 12. report --out: atomic, no symlink followed, another file never overwritten without --force.


def test_report_refuses_a_symlink_and_a_foreign_file(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    link = tmp_path / "report.html"
    link.symlink_to(notes)
    code, _, err = run_cli(capsys, "report", "CHN", "RUS", "--out", link)
    assert code == 8 and "symbolic link" in err and notes.read_text() == "my notes"
    foreign = tmp_path / "mine.html"
    foreign.write_text("<html>my page</html>")
    code, _, err = run_cli(capsys, "report", "CHN", "RUS", "--out", foreign)
    assert code == 8 and "is not a dyadwatch report" in err and foreign.read_text() == "<html>my page</html>"
    code, _, _ = run_cli(capsys, "report", "CHN", "RUS", "--out", link, "--force")
    assert code == 0 and not link.is_symlink() and notes.read_text() == "my notes"  # the link replaced, not notes
    code, _, _ = run_cli(capsys, "report", "CHN", "RUS", "--out", link)  # our own report: replaced
    assert code == 0 and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_write_text_is_atomic(tmp_path, monkeypatch):
    from dyadwatch import outputs

    target = tmp_path / "r.html"
    outputs.write_text(target, f"<html>{outputs.MARKER}old</html>")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(outputs.OutputError, match="No space left"):
        outputs.write_text(target, "new")
    assert "old" in target.read_text() and [p.name for p in tmp_path.iterdir()] == ["r.html"]


# 13. CSV for people is safe from formula injection; --format csv-raw keeps the values.


def test_csv_cells_that_look_like_formulas_are_neutralised(shared, tmp_path, capsys):
    import pandas as pd

    from dyadwatch.outputs import neutralise_csv

    df = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok"]})
    out = neutralise_csv(df)
    assert out.name.tolist() == ["'" + v for v in df.name[:6]] + ["ok"]
    p = tmp_path / "gem.csv"
    text = (shared / "energy/gem_pipelines_ru_ca_cn_subset.csv").read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    first = lines[1].split(",", 1)
    p.write_text("\n".join([lines[0], '"=HYPERLINK(""http://evil"",""x"")",' + first[1], *lines[2:]]) + "\n")
    db = tmp_path / "g.duckdb"
    code, _, err = run_cli(capsys, "ingest", "gem", p, "--db", db)
    assert code == 0, err
    code, out, _ = run_cli(capsys, "energy", "pipelines", "--format", "csv", "--db", db)
    assert code == 0 and "\"'=HYPERLINK(" in out and '"=HYPERLINK(' not in out, out
    code, out, _ = run_cli(capsys, "energy", "pipelines", "--format", "csv-raw", "--db", db)
    assert code == 0 and '"=HYPERLINK(' in out


def test_a_signal_after_the_command_ended_keeps_its_exit_code(tmp_path):
    """A Ctrl-C while the finished process closes the warehouse and unwinds must not kill it by signal (exit -2)."""
    script = tmp_path / "late.py"
    script.write_text(
        "import atexit, os, signal, sys, time\n"
        "sys.argv[0] = 'dyadwatch'\n"  # as the console script: the CLI installs its handlers
        "from dyadwatch.cli import main\n"
        "def late():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(0.1)\n"
        "atexit.register(late)\n"
        "try:\n"
        "    main(['--version'])\n"
        "finally:\n"
        "    ign = [signal.getsignal(s) is signal.SIG_IGN for s in (signal.SIGINT, signal.SIGTERM)]\n"
        "    print(*ign)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["dyadwatch 0.1.0", "True True"]
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr
