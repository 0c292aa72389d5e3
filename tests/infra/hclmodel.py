"""infra/*.tf parsed with python-hcl2, for static checks checkov cannot express.

Values keep Terraform's interpolation syntax (``"${var.tables}"``); string
quotes are stripped, so a literal ``"AES256"`` reads as ``AES256``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

_OPTIONS = SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)


@dataclass
class InfraModel:
    """Every top-level block of a Terraform folder, by kind."""

    files: dict[str, dict[str, Any]]  # file name -> parsed document

    @classmethod
    def load(cls, folder: Path) -> InfraModel:
        files = {}
        for path in sorted(folder.glob("*.tf")):
            with path.open() as fh:
                files[path.name] = hcl2.load(fh, serialization_options=_OPTIONS)
        return cls(files)

    def _blocks(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for document in self.files.values():
            for block in document.get(kind, []):
                yield from block.items()

    def variables(self) -> dict[str, dict[str, Any]]:
        return dict(self._blocks("variable"))

    def outputs(self) -> dict[str, dict[str, Any]]:
        return dict(self._blocks("output"))

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        """``{name: body}`` of every resource of one type."""
        found: dict[str, dict[str, Any]] = {}
        for kind, by_name in self._blocks("resource"):
            if kind == rtype:
                found.update(by_name)
        return found

    def data(self, dtype: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for kind, by_name in self._blocks("data"):
            if kind == dtype:
                found.update(by_name)
        return found

    def providers(self) -> dict[str, dict[str, Any]]:
        return dict(self._blocks("provider"))

    def locals(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for document in self.files.values():
            for block in document.get("locals", []):
                merged.update(block)
        return merged


def blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The nested blocks ``name`` of a body (hcl2 gives a list of them, or nothing)."""
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


def dynamic_blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The ``dynamic "<name>"`` blocks of a body."""
    return [d[name] for d in blocks(body, "dynamic") if name in d]
