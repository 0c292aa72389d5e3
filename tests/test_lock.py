"""The environment the tests run in is exactly uv.lock, and pyproject.toml stays honest.

A fresh clone on any day must install the same programs (issue: a fresh install took
boto3 1.44.18, which moto cannot serve, and CI went red with nothing changed). `make`
installs the lock with `uv sync --locked`; these tests check the result, so an install
that drifted from the lock (a hand-run `pip install -U`, a stale venv) fails here.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
LOCK = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

# The import name of each runtime dependency, where it differs from the distribution's.
IMPORT_NAMES = {"pyarrow": "pyarrow", "duckdb": "duckdb", "sqlglot": "sqlglot"}


def _applies(marker: str | None) -> bool:
    return marker is None or Marker(marker).evaluate()


def locked_for_this_environment() -> dict[str, str]:
    """name -> version of every package uv.lock installs here: olistctl with all extras,
    following each dependency edge whose marker holds on this interpreter and platform."""
    packages: dict[str, list[dict]] = {}
    for package in LOCK["package"]:
        packages.setdefault(package["name"], []).append(package)

    def pick(edge: dict) -> dict:
        candidates = packages[edge["name"]]
        if "version" in edge:
            candidates = [p for p in candidates if p.get("version") == edge["version"]]
        assert len(candidates) == 1, f"uv.lock has no single package for {edge}"
        return candidates[0]

    chosen: dict[str, str] = {}
    root = packages["olistctl"][0]
    todo = [(root, set(root.get("optional-dependencies", {})))]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        package, extras = todo.pop()
        key = (package["name"], frozenset(extras))
        if key in seen:
            continue
        seen.add(key)
        if package["name"] != "olistctl":
            chosen[package["name"]] = package["version"]
        edges = list(package.get("dependencies", []))
        for extra in extras:
            edges += package.get("optional-dependencies", {}).get(extra, [])
        for edge in edges:
            if _applies(edge.get("marker")):
                todo.append((pick(edge), set(edge.get("extra", []))))
    return chosen


def installed() -> dict[str, str]:
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
    }


def test_the_environment_is_exactly_the_lock():
    want = locked_for_this_environment()
    have = installed()
    have.pop("olistctl", None)
    wrong = {
        name: (have.get(name), version)
        for name, version in want.items()
        if have.get(name) != version
    }
    extra = sorted(set(have) - set(want))
    assert not wrong, f"installed != uv.lock (installed, locked): {wrong}; run `make test`"
    assert not extra, f"installed but not in uv.lock: {extra}; run `make test`"


def test_the_lock_walk_finds_what_tests_need():
    # Guards the walk above: an empty or partial walk would make the first test vacuous.
    want = locked_for_this_environment()
    for name in ("boto3", "botocore", "duckdb", "moto", "pytest", "ruff", "sqlglot", "pyarrow"):
        assert name in want
    assert len(want) > 40


def test_the_moto_pin_lives_only_in_the_lock():
    # A user's `pip install olistctl` takes the newest boto3 (real Athena speaks both
    # protocols); only the lock the tests install is held back, for moto's sake.
    runtime = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    boto3 = next(r for r in runtime if r.name == "boto3")
    assert not any(s.operator in ("<", "<=", "==", "~=") for s in boto3.specifier)
    assert not any(r.name == "botocore" for r in runtime)
    assert PYPROJECT["tool"]["uv"]["constraint-dependencies"] == ["botocore<1.44.18"]
    assert LOCK["manifest"]["constraints"] == [{"name": "botocore", "specifier": "<1.44.18"}]


def _imported_top_levels() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "src" / "olistctl").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "requirement", PYPROJECT["project"]["dependencies"], ids=lambda r: Requirement(r).name
)
def test_every_runtime_dependency_is_imported_by_the_package(requirement):
    name = Requirement(requirement).name
    assert IMPORT_NAMES.get(name, name) in _imported_top_levels(), (
        f"{name} is a runtime dependency that src/olistctl never imports: move it to an "
        "extra or drop it"
    )


def test_every_third_party_import_of_the_package_is_declared():
    declared = {
        IMPORT_NAMES.get(Requirement(r).name, Requirement(r).name)
        for group in [
            PYPROJECT["project"]["dependencies"],
            *PYPROJECT["project"]["optional-dependencies"].values(),
        ]
        for r in group
    }
    third_party = {
        name
        for name in _imported_top_levels()
        if name not in sys.stdlib_module_names and name != "olistctl"
    }
    # botocore and s3transfer come with boto3 (the Lambda runtime has the same set).
    assert third_party - declared <= {"botocore", "s3transfer"}, third_party - declared


def test_the_lock_records_hashes_for_every_download():
    for package in LOCK["package"]:
        if "registry" not in package.get("source", {}):
            continue
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files and all(re.fullmatch(r"sha256:[0-9a-f]{64}", f["hash"]) for f in files)
