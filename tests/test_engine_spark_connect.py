"""The same indicators over Spark Connect: ``open_engine("sc://…")`` against a live server equals DuckDB.

A Spark Connect server (PySpark's own ``SparkConnectServer``, ``local[2]``) is started once per run on
127.0.0.1 and a free port, in its own process group, and stopped (the whole group) when the run ends, whether
the tests passed or not. The client side is exactly what ``--engine sc://host:port/?lake=…`` gives a user: a
Connect session (no JVM in this process) and the ``SparkStore`` over the lake, read by the server from the same
local path. Every family and edge check of ``engine_checks`` (the ones the ``spark+parquet`` tests run) is
compared with DuckDB to 1e-9.

The Connect client is pure Python (gRPC), so it shares this process with the classic ``local[2]`` session of
``test_engine_spark.py`` when both modules run; ``engines.spark.connect_session`` opens its session so that
the two do not interfere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from dyadwatch import api
from dyadwatch.engines import open_engine
from engine_checks import EDGES, FAMILIES, FAST_START_JAVA, check_store_reads_the_lake_log, need_spark, same

pytestmark = pytest.mark.spark

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"  # what start-connect-server.sh runs
START_TIMEOUT = 180  # s: the JVM takes 15-30 s here, several times that when the machine is busy
STOP_TIMEOUT = 30  # s: for the server's shutdown hooks after SIGTERM, before SIGKILL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _java_home() -> str:
    """``$JAVA_HOME``, or the installation of the ``java`` on PATH (``/usr/lib/jvm/X/bin/java`` → ``…/X``)."""
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    assert java is not None  # need_spark() checked
    return str(Path(java).resolve().parents[1])


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the server get SIGTERM if this test process dies without its teardown (a
    SIGKILL, a CI timeout), so a killed run leaves no JVM behind; the setting survives exec, so it reaches the JVM.

    Linux only (``prctl``). The function is looked up here, in the parent: the child is forked from a process
    with threads (py4j's, gRPC's), where loading a library or importing could wait on a lock nobody will release.
    """
    if sys.platform != "linux":
        return None
    import ctypes

    prctl, term = ctypes.CDLL(None, use_errno=True).prctl, int(signal.SIGTERM)
    return lambda: prctl(1, term)  # 1 = PR_SET_PDEATHSIG


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server's whole process group: SIGTERM (Spark's shutdown hooks run), SIGKILL if it lingers."""
    pgid = proc.pid  # start_new_session: the server leads its own group
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(wait)
        deadline = time.monotonic() + wait
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not _group_alive(pgid):
            return
    raise AssertionError(f"the Spark Connect server's process group {pgid} survived SIGKILL")


def _start(workdir: Path, port: int) -> subprocess.Popen:
    """``spark-submit --class SparkConnectServer``: what ``sbin/start-connect-server.sh --wait`` runs, minus its
    daemon wrapper, so that the process started here is the JVM itself (spark-submit execs into java)."""
    import pyspark

    home = Path(pyspark.__file__).parent
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "JAVA_HOME": _java_home(),
        "PYSPARK_PYTHON": sys.executable,  # Python workers of the server, if a query needs one: this venv's
        "SPARK_LOG_DIR": str(workdir),
        "SPARK_PID_DIR": str(workdir),
    }
    conf = {
        "spark.master": "local[2]",
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": str(port),  # a taken port fails fast (no retries by default)
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.extraJavaOptions": FAST_START_JAVA,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.local.dir": str(workdir / "local"),  # shuffle and block files: removed with the run's tmp
        "spark.sql.warehouse.dir": str(workdir / "warehouse"),
    }
    cmd = [str(home / "bin" / "spark-submit"), "--class", SERVER_CLASS, "--name", "dyadwatch-test-connect"]
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    log = (workdir / "server.log").open("ab")
    try:
        return subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
    finally:
        log.close()  # the child has its own descriptor


def _wait_ready(proc: subprocess.Popen, port: int, log: Path) -> bool:
    """True once the server accepts connections; False if it exited (a port taken meanwhile, say)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:]
    raise AssertionError(f"the Spark Connect server did not listen on {port} within {START_TIMEOUT} s:\n{tail}")


class Server:
    """A Spark Connect server started for the run; ``url`` waits (once) until it accepts connections.

    Started before the lake is exported and waited for after, so that the JVM's start overlaps that work.
    """

    def __init__(self, workdir: Path):
        self.workdir, self.log = workdir, workdir / "server.log"
        self.port = _free_port()
        self.proc = _start(workdir, self.port)
        self._ready = False

    @property
    def url(self) -> str:
        for _attempt in range(3):  # the free port can be taken by another process before the server binds it
            if self._ready or _wait_ready(self.proc, self.port, self.log):
                self._ready = True
                return f"sc://127.0.0.1:{self.port}"
            self.stop()
            self.port = _free_port()
            self.proc = _start(self.workdir, self.port)
        tail = self.log.read_text(errors="replace")[-3000:]
        pytest.fail(f"the Spark Connect server exited at start three times:\n{tail}")

    def stop(self) -> None:
        _stop(self.proc)


def _need_connect_client() -> None:
    """The Connect client's gRPC stack (pyspark[connect]); under CI its absence is a broken install."""
    try:
        import pyspark.sql.connect.session  # noqa: F401  (checks grpcio, grpcio-status, protobuf, zstandard)
    except ImportError as e:
        if os.environ.get("CI"):
            pytest.fail(f"the Spark Connect client is missing ({e}): pyspark[connect] is in the [test] extra")
        pytest.skip(f"the Spark Connect client is not installed ({e}): pip install 'dyadwatch[spark-connect]'")


@pytest.fixture(scope="session")
def connect_server(tmp_path_factory) -> Iterator[Server]:
    """The run's Spark Connect server, stopped at the end of the run (whatever the tests' outcome)."""
    need_spark()
    _need_connect_client()
    server = Server(tmp_path_factory.mktemp("spark-connect"))
    try:
        yield server
    finally:
        server.stop()


def _engine(server: Server, lake: Path) -> str:
    # Runtime settings ride on the URL as a user's would: two shuffle partitions for two cores.
    return f"{server.url}/?lake={quote(str(lake), safe='/')}&spark.sql.shuffle.partitions=2"


@pytest.fixture(scope="session")
def sc(connect_server, full_lake):
    store = open_engine(_engine(connect_server, full_lake))
    yield api.as_store(store)
    store.close()


# --------------------------------------------------------------------------- the session and the store


def test_connect_store_is_a_spark_store_over_a_connect_session(sc, full_wh):
    from pyspark.sql.connect.session import SparkSession as ConnectSession

    from dyadwatch.engines.spark import SparkStore

    s = sc.stores[0]
    assert isinstance(s, SparkStore) and isinstance(s.session, ConnectSession)
    conf = s.session.conf
    assert conf.get("spark.sql.ansi.enabled") == "true" and conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.sql.shuffle.partitions") == "2"  # a spark.* URL parameter set on the session
    check_store_reads_the_lake_log(sc, full_wh)


def test_each_store_has_its_own_session_and_closes_it(connect_server, edge_lake, sc):
    """Two sc:// stores are two server sessions: the same view name (``dw_events``) reads each store's own lake,
    and a store stops the session it opened when it is closed."""
    with open_engine(_engine(connect_server, edge_lake)) as other:
        assert other.session is not sc.stores[0].session
        assert other.table("events").count().execute() == 6  # the edge lake's rows
        assert sc.stores[0].table("events").count().execute() > 1000  # the full lake's, in the other session
    assert other.session.is_stopped
    assert sc.stores[0].table("votes").count().execute() > 0  # the run's store is unaffected


# --------------------------------------------------------------------------- every indicator family


@pytest.mark.parametrize("family", FAMILIES)
def test_family_equals_duckdb(sc, dk, family):
    FAMILIES[family](dk, sc)


@pytest.fixture(scope="module")
def edge_stores(connect_server, edge_lake):
    from dyadwatch.engines.lakeviews import LakeStore

    duck, spk = LakeStore(edge_lake), open_engine(_engine(connect_server, edge_lake))
    yield duck, spk
    duck.close()
    spk.close()


@pytest.mark.parametrize("edge", EDGES)
def test_edge_equals_duckdb(edge_stores, edge):
    EDGES[edge](*edge_stores)


# --------------------------------------------------------------------------- the CLI


def test_cli_engine_sc_gives_the_warehouse_csv(connect_server, full_lake, full_wh_path, capsys, monkeypatch):
    from helpers import run_cli

    for k in ("DYADWATCH_ENGINE", "DYADWATCH_DB"):
        monkeypatch.setenv(k, "")  # restored (unset) after the test: the global options set them
        monkeypatch.delenv(k)
    code, ref, err = run_cli(capsys, "--db", full_wh_path, "votes", "CHN", "RUS", "--format", "csv")
    assert code == 0, err
    monkeypatch.delenv("DYADWATCH_DB")
    code, got, err = run_cli(
        capsys, "--engine", _engine(connect_server, full_lake), "votes", "CHN", "RUS", "--format", "csv"
    )
    assert code == 0, err
    assert got == ref and ref.count("\n") > 20


def test_same_against_the_lake_engine(sc, full_lake):
    """The Connect store and DuckDB's views over the same lake agree too (no warehouse in between)."""
    with api.open_store(engine=f"lake://{full_lake}") as lk:
        same(lk, sc, lambda s: api.alliances("CHN", "RUS", wh=s), "lake/alliances")
