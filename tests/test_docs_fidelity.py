"""docs/athena-fidelity.md stays true to the code: linked from the README, the corpus size it
states is the corpus's, and every Athena-vs-Trino rule it lists has its corpus group."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "athena-fidelity.md").read_text(encoding="utf-8")


def corpus():
    spec = importlib.util.spec_from_file_location("corpus", REPO / "tests" / "sql" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_links_the_fidelity_page():
    assert "docs/athena-fidelity.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_stated_corpus_size_is_the_corpus_size():
    stated = re.search(r"`tests/sql/corpus.py`, (\d+)\s+cases", DOC)
    assert stated, "the page no longer states the corpus size"
    assert int(stated.group(1)) == len(corpus().CASES)


def test_the_differences_group_is_documented_with_the_run():
    module = corpus()
    assert module.ATHENA_DIFFERS_FROM_TRINO
    assert "ATHENA_DIFFERS_FROM_TRINO" in DOC
    for evidence in ("typed `double`", "'1.600887212E7'", "'154.1'", "DECIMAL '123.456'"):
        assert evidence in DOC
