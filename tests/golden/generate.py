"""Write the golden CLI outputs: ``python tests/golden/generate.py FULL_WAREHOUSE``.

Each command of ``commands.txt`` runs twice, on the embedded pack (a warehouse path that does not exist) and
on a warehouse holding every shared file (``tests/shared_layout.py``); stdout and the exit code are stored
under ``tests/golden/{pack,warehouse}/``. Outputs of test-only sources (SIPRI) are stored as sha256 only.
``tests/test_golden.py`` reruns them and compares.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESTRICTED = {"arms"}  # test-only data: never commit figures computed from it, only a digest


def commands() -> list[tuple[str, list[str]]]:
    out = []
    for line in (HERE / "commands.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, argv = (s.strip() for s in line.split("|", 1))
            out.append((name, argv.split()))
    return out


def run(argv: list[str], db: Path | None, home: Path) -> tuple[int, str]:
    """``dyadwatch ARGV`` with the warehouse ``db`` (None: the default location, empty, so the pack answers)."""
    exe = Path(sys.executable).with_name("dyadwatch")
    env = {k: v for k, v in os.environ.items() if k != "DYADWATCH_DB"} | {"COLUMNS": "200", "XDG_DATA_HOME": str(home)}
    if db is not None:
        env["DYADWATCH_DB"] = str(db)
    p = subprocess.run([str(exe), *argv], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout


def stored(name: str, code: int, out: str) -> str:
    body = f"sha256 {hashlib.sha256(out.encode()).hexdigest()}\n" if name in RESTRICTED else out
    return f"exit {code}\n{body}"


def main(full: Path) -> None:
    home = Path(tempfile.mkdtemp())
    for basis, db in (("pack", None), ("warehouse", full)):
        d = HERE / basis
        d.mkdir(exist_ok=True)
        for name, argv in commands():
            code, out = run(argv, db, home)
            (d / f"{name}.txt").write_text(stored(name, code, out), "utf-8")
            print(basis, name, code, len(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
