"""The docs that name tests (security.md, clinical-rules.md) name tests that exist: a control or a
rule whose proof was renamed or removed is a doc that no longer tells the truth."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["docs/security.md", "docs/clinical-rules.md"]


def named_tests(text: str) -> list[tuple[str, str]]:
    """(file, test) for `file.py::test`, and for each `::test` that follows it in a cell."""
    named = []
    for cell in text.split("|"):
        current = None
        for file, test in re.findall(r"([\w/]+\.py)?::(test_\w+)", cell):
            current = file or current
            if current:
                named.append((current, test))
    return named


@pytest.mark.parametrize("doc", DOCS)
def test_every_test_a_doc_names_exists(doc):
    named = named_tests((ROOT / doc).read_text())
    assert len(named) > 20
    missing = [
        f"{file}::{test}"
        for file, test in named
        if not (ROOT / "tests" / file).exists()
        or f"def {test}(" not in (ROOT / "tests" / file).read_text()
    ]
    assert missing == []


def test_the_reader_follows_a_cell_from_file_to_file():
    cell = "`a/x.py::test_one`, `::test_two`; `b/y.py::test_three`"
    assert named_tests(cell) == [
        ("a/x.py", "test_one"),
        ("a/x.py", "test_two"),
        ("b/y.py", "test_three"),
    ]
