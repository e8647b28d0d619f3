"""Generate docs/cli.md from the commands themselves, so the reference cannot drift.

Run ``python -m dyadwatch.cli._docs > docs/cli.md``; a test checks the file is current.
"""

from __future__ import annotations

import inspect


def _walk(cmd, prefix: str):
    yield prefix, cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from _walk(sub, f"{prefix} {name}")


def markdown() -> str:
    import typer

    from dyadwatch.cli import EXIT_CODES, app

    root = typer.main.get_command(app)
    out = [
        "# dyadwatch command reference",
        "",
        "Generated from the commands by `python -m dyadwatch.cli._docs`; `dyadwatch COMMAND --help` shows the same.",
        "Every command that reads data takes `--db PATH` (or `DYADWATCH_DB`).",
        "",
        "Before the command: `dyadwatch --version`, `dyadwatch --db PATH COMMAND …` (the warehouse for the command),",
        "`dyadwatch --quiet COMMAND …` (data only: no notes on stderr), `dyadwatch --install-completion` (shell",
        "completion). Data go to stdout; notes, warnings and errors to stderr.",
        "",
        EXIT_CODES,
        "",
    ]
    for path, cmd in _walk(root, "dyadwatch"):
        if path == "dyadwatch":
            continue
        out.append(f"## `{path}`")
        out.append("")
        out.append(inspect.cleandoc(cmd.help or "").replace("\b\n", ""))
        out.append("")
        rows = []
        for p in cmd.params:
            if p.name == "help":
                continue
            names = ", ".join(getattr(p, "opts", [p.name]))
            kind = "argument" if p.param_type_name == "argument" else "option"
            rows.append(f"| `{names}` | {kind} | {(getattr(p, 'help', None) or '').replace('|', '/')} |")
        if rows:
            out += ["| name | kind | meaning |", "|---|---|---|", *rows, ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
