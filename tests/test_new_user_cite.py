"""Issue 14, item 24: `cite` says each thing once, facts per publisher and page, `--all`, a .bib beside reports."""

from __future__ import annotations

import re

import pytest

from dyadwatch import sources
from dyadwatch.report import build_report
from helpers import run_cli


def _entries(bib: str) -> list[str]:
    return re.findall(r"@\w+\{[^,]+,.*?\n\}", bib, re.S)


def test_cite_voeten_says_title_and_authors_once(capsys, fresh_machine) -> None:
    code, out, err = run_cli(capsys, "cite", "voeten")
    assert code == 0, err
    assert out.count("United Nations General Assembly Voting Data") == 1
    assert out.count("Voeten") == 1 and "Erik Voeten" not in out
    assert "CC0" in out and "https://dataverse.harvard.edu" in out


def test_cite_facts_names_each_publisher_and_page(capsys, fresh_machine) -> None:
    code, out, err = run_cli(capsys, "cite", "facts", "--bibtex")
    assert code == 0, err
    entries = _entries(out)
    assert len(entries) >= 5
    for e in entries:
        assert re.search(r"url = \{https?://\S+\}", e), e  # never an empty url
        author = re.search(r"author = \{\{(.*)\}\}", e).group(1)
        assert "as named" not in author and "each row" not in author and len(author) < 90
    assert "Bank of Russia" in out and "GACC" in out
    code, out, _ = run_cli(capsys, "cite", "facts")
    assert code == 0 and "url = {}" not in out and "Bank of Russia" in out


def test_no_entry_has_an_empty_field(capsys, fresh_machine) -> None:
    code, out, err = run_cli(capsys, "cite", "--all", "--bibtex")
    assert code == 0, err
    assert "= {}" not in out
    keys = re.findall(r"@\w+\{([^,]+),", out)
    assert len(keys) == len(set(keys))  # one key, one entry
    non_facts = [n for n, m in sources.registry().items() if not m.META.extra.get("per_row")]
    assert len(keys) >= len(non_facts)
    code, out, _ = run_cli(capsys, "cite", "--all")
    assert code == 0 and all(sources.get(n).META.licence in out for n in non_facts)


def test_cite_needs_a_source_or_all(capsys, fresh_machine) -> None:
    code, _, err = run_cli(capsys, "cite")
    assert code == 2 and "--all" in err
    code, _, err = run_cli(capsys, "cite", "nosuch")
    assert code == 2 and "Unknown source" in err


@pytest.fixture(scope="module")
def report_bib(tmp_path_factory):
    out = tmp_path_factory.mktemp("bib")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DYADWATCH_DB", raising=False)
        mp.setenv("XDG_DATA_HOME", str(out / "xdg"))
        html = build_report("KAZ", "RUS", out)
    return html, html.with_suffix(".bib")


def test_a_bibtex_file_beside_every_report(report_bib) -> None:
    html, bib = report_bib
    assert bib.exists() and bib.parent == html.parent and bib.name == "dyadwatch-KAZ-RUS.bib"
    text = bib.read_text("utf-8")
    entries = _entries(text)
    assert entries and "= {}" not in text
    # exactly the sources the report cites: each dataset named in its "Data:" lines has an entry
    cited = set(re.findall(r'href="#src-([a-z_]+)"', html.read_text("utf-8")))
    assert cited
    for name in cited - {"facts"}:
        m = sources.get(name).META
        key = re.search(r"@\w+\{([^,]+),", m.bibtex).group(1) if m.bibtex else name
        assert "{" + key + "," in text, name
    assert "sipri" not in cited or "@misc{sipri," in text
