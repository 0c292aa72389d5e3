"""The import rules of docs/architecture.md, checked on the source: no cycle, cores stay cores.

The graph is built from the AST of every module under src/olistctl, so an import
inside a function counts (it runs when the function does), and so does one under
``if TYPE_CHECKING:`` (a type a module names is a dependency too). An edge goes to
the module an import names: ``from olistctl.sql.params import X`` to
``olistctl.sql.params``; ``from olistctl.ingest import header`` to the submodule
``olistctl.ingest.header`` and to the package ``olistctl.ingest``, whose
``__init__`` the statement reads it from.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "olistctl"

# The cores: the dataset model and everything that works on data, files and prices.
# They never import a backend, the pipeline or the CLI.
CORES = (
    "olistctl.dataset",
    "olistctl.ingest",
    "olistctl.transform",
    "olistctl.quality",
    "olistctl.sql",
    "olistctl.cost",
    "olistctl.synth",
    "olistctl.report",
    "olistctl.records",
    "olistctl.fs",
    "olistctl.result_file",
    "olistctl.arrow_rows",
    "olistctl.errors",
    "olistctl.settings",
    "olistctl.pricing",
    "olistctl.price_list",
    "olistctl.price_cache",
    "olistctl.layout",
    "olistctl.glue_types",
    "olistctl.polling",
    "olistctl.sse_args",
    "olistctl.s3_stream",
    "olistctl.lambda_handler",
)
# olistctl.querying is the pipeline's query stage, in a module of its own so that a query
# process does not import the other stages.
OUTER = (
    "olistctl.backends",
    "olistctl.pipeline",
    "olistctl.querying",
    "olistctl.cli",
    "olistctl.api",
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _owner(name: str) -> str | None:
    """The module ``name`` is in (itself, or the nearest enclosing module or package)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported olistctl module, line) for every import statement in the module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _within(alias.name, "olistctl") and (found := _owner(alias.name)):
                    yield found, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if not _within(source, "olistctl"):
                continue
            if found := _owner(source):
                yield found, node.lineno
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:
                    yield f"{source}.{alias.name}", node.lineno


def _graph() -> dict[str, dict[str, int]]:
    """module -> {module it imports: the line of the first such import}."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges: dict[str, int] = {}
        for target, line in _imports(module, path):
            if target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


GRAPH = _graph()


def _cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle, as the modules along it (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def _describe(cycle: list[str]) -> str:
    steps = [f"{a} (line {GRAPH[a][b]}) -> {b}" for a, b in itertools.pairwise(cycle)]
    return "import cycle:\n  " + "\n  ".join(steps)


def test_the_graph_sees_the_modules_and_their_imports():
    # A guard against a graph that checks nothing: the walk finds the packages and
    # the imports the rules are about, lazy ones included.
    assert {"olistctl.pipeline", "olistctl.cli.app", "olistctl.ingest.reader"} <= set(MODULES)
    assert "olistctl.backends.base" in GRAPH["olistctl.pipeline"]
    assert "olistctl.ingest.inputs" in GRAPH["olistctl.pipeline"]  # imported inside upload()
    assert "olistctl.ingest.header" in GRAPH["olistctl.ingest.reader"]  # from … import header
    assert "olistctl.ingest" in GRAPH["olistctl.ingest.reader"]  # … and the package it is in


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": 1}, "b": {}}) is None


def test_no_import_cycle():
    cycle = _cycle(GRAPH)
    assert cycle is None, _describe(cycle)


@pytest.mark.parametrize("core", CORES)
def test_a_core_never_imports_a_backend_the_pipeline_or_the_cli(core):
    assert any(_within(m, core) for m in MODULES), f"{core} is not a module any more"
    wrong = [
        f"{module} line {line} imports {target}"
        for module, edges in GRAPH.items()
        if _within(module, core)
        for target, line in edges.items()
        if any(_within(target, outer) for outer in OUTER)
    ]
    assert wrong == []


def test_backends_never_import_the_pipeline_the_cli_or_the_python_api():
    wrong = [
        f"{module} line {line} imports {target}"
        for module, edges in GRAPH.items()
        if _within(module, "olistctl.backends")
        for target, line in edges.items()
        if any(_within(target, front) for front in OUTER[1:])
    ]
    assert wrong == []


def test_no_capability_probing_in_the_cli_or_the_pipeline():
    """The CLI, the Python API and the pipeline ask the Backend protocol, never getattr or
    the backend's name."""
    files = [
        SRC / "pipeline.py",
        SRC / "querying.py",
        SRC / "api.py",
        *sorted((SRC / "cli").glob("*.py")),
    ]
    found = []
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "backend.name ==" in line or "getattr(" in line:
                found.append(f"{path.relative_to(SRC.parent)}:{number}: {line.strip()}")
    # cli/plain_params.py reads typer's internals and cli/deferred_rich.py forwards to
    # rich's classes, which is what they are for (kept by a measurement:
    # docs/benchmarks.md); they probe typer and rich, not a backend.
    shims = ("plain_params.py", "deferred_rich.py")
    assert [f for f in found if not any(shim in f for shim in shims)] == []


# -- the tests themselves --------------------------------------------------------------------

TESTS = SRC.parents[1] / "tests"
TEST_MODULES = frozenset(p.stem for p in TESTS.rglob("test_*.py"))


def _imported_test_modules(source: str, filename: str = "<test>") -> list[tuple[str, int]]:
    """(test module, line) for every import in ``source`` that names a test module."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or "", *(alias.name for alias in node.names)]
        else:
            continue
        for name in names:
            found += [(part, node.lineno) for part in name.split(".") if part in TEST_MODULES]
    return found


def test_the_test_import_check_finds_an_import_of_a_test_module():
    assert {"test_architecture", "test_hostile_inputs", "test_cli_aws"} <= TEST_MODULES
    source = (
        "import lake\nfrom refused_query import error_line\n"
        "from test_hostile_inputs import refused\nimport tests.aws.test_cli_aws\n"
        "from . import test_architecture\n"
    )
    assert _imported_test_modules(source) == [
        ("test_hostile_inputs", 3),
        ("test_cli_aws", 4),
        ("test_architecture", 5),
    ]


def test_no_test_module_imports_another():
    """What test modules share lives in a helper module named for what it holds
    (tests/cli/lake.py, tests/analyses.py …) or in a conftest.py fixture: a test module
    imported by another runs twice over under two names, and ties the two files together."""
    wrong = [
        f"{path.relative_to(TESTS.parent)} line {line} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module, line in _imported_test_modules(path.read_text(), str(path))
    ]
    assert wrong == []
