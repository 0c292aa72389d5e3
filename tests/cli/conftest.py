"""Fixtures for the CLI tests: the sample data's workspace after each stage, built once.

Building a workspace through the CLI takes about a second; copying one takes
milliseconds. Each stage is built once per test process (in a folder of its
own, with the relative workspace name the ``cli`` fixture uses, so the paths
the catalog records stay right after a copy), and every test gets a fresh copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lake import WS

STAGES = ("uploaded", "transformed", "crawled")


@pytest.fixture(scope="session")
def lake_stages(tmp_path_factory, sample_data) -> dict[str, Path]:
    """The sample data's workspace after ``upload``, ``transform`` and ``crawl``."""
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    root = tmp_path_factory.mktemp("lake-stages")
    build = root / "build"
    build.mkdir()
    commands = {
        "uploaded": ["upload", str(sample_data)],
        "transformed": ["transform"],
        "crawled": ["crawl"],
    }
    built = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(build)
        for stage in STAGES:
            result = CliRunner().invoke(app, ["--no-progress", *commands[stage]])
            assert result.exit_code == 0, (stage, result.stdout, result.stderr)
            built[stage] = root / stage / WS
            shutil.copytree(build / WS, built[stage])
    return built


@pytest.fixture
def lake(tmp_path, lake_stages) -> Callable[[str], Path]:
    """``lake("crawled")``: a copy of that stage's workspace where the ``cli`` fixture looks."""

    def at(stage: str) -> Path:
        dest = tmp_path / WS
        shutil.copytree(lake_stages[stage], dest)
        return dest

    return at
