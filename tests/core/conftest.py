"""Fixtures for the core tests (transform, quality, inputs); the data is in tiny_olist.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_olist import TINY


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A folder holding the nine hand-made Olist CSV files."""
    folder = tmp_path / "olist"
    folder.mkdir()
    for name, data in TINY.items():
        (folder / name).write_bytes(data)
    return folder
