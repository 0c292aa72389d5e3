#!/usr/bin/env python3
"""Build the transform Lambda's zip: the handler plus the olistctl core modules it imports.

    python infra/build_lambda.py [--out infra/build/olistctl_lambda.zip] [--list]

The module list is not written down anywhere: it is the import closure of
``olistctl.lambda_handler`` inside the ``olistctl`` package, found by parsing
each module's imports with :mod:`ast`, so a new core module is picked up the
day the handler (or a module it uses) starts importing it. Imports inside
functions count (they run when the function does); imports under
``if TYPE_CHECKING:`` do not. The build fails when that closure reaches the CLI
or a library the function must not ship or load (typer, rich, duckdb, pandas,
sqlglot), or imports an olistctl module that does not exist; pyarrow and boto3
come from the AWS SDK for pandas layer and the runtime.

The zip is reproducible: entries sorted, timestamps fixed at 1980-01-01,
permissions fixed at 0644, deflate at a fixed level, so the same sources give
the same bytes and the same hash (Terraform's ``source_code_hash`` then only
changes when the code does). Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import io
import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

PACKAGE = "olistctl"
HANDLER_MODULE = "olistctl.lambda_handler"
# Never in the function: the CLI, and libraries that are neither in the Lambda
# runtime nor in the AWS SDK for pandas layer's contract with this code.
FORBIDDEN_PACKAGES = ("olistctl.cli",)
FORBIDDEN_LIBRARIES = ("typer", "rich", "duckdb", "pandas", "sqlglot")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC_ROOT = REPO_ROOT / "src"
DEFAULT_OUT = Path(__file__).resolve().parent / "build" / "olistctl_lambda.zip"

# The oldest date a zip can hold: the usual choice for reproducible archives.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
COMPRESS_LEVEL = 9


class BuildError(Exception):
    """The zip cannot be built as asked; the message says why and what to change."""


class MissingModuleError(BuildError):
    """The closure imports an olistctl module that does not exist (yet)."""


# A NamedTuple, not a dataclass: this file is often loaded with importlib from a
# path, without a sys.modules entry, which dataclasses need.
class ModuleFile(NamedTuple):
    name: str  # dotted module name: olistctl.layout, olistctl.backends (a package)
    path: Path  # the .py file (a package's __init__.py)

    @property
    def arcname(self) -> str:
        parts = self.name.split(".")
        if self.path.name == "__init__.py":
            parts.append("__init__")
        return "/".join(parts) + ".py"


def _module_path(src_root: Path, name: str) -> Path | None:
    """The file of a dotted module under src_root, or None when there is no such module."""
    base = src_root.joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _is_type_checking_guard(node: ast.If) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:``: imports that never run."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(module: ModuleFile) -> dict[str, bool]:
    """Every absolute dotted name a module may import -> whether it must be a module.

    Lazy (in-function) imports count: they run when the function does.
    ``import a.b`` and the ``a.b`` of ``from a.b import c`` must be modules;
    ``a.b.c`` may be a submodule or just a name defined in ``a.b``.
    """
    try:
        tree = ast.parse(module.path.read_bytes(), filename=str(module.path))
    except SyntaxError as exc:
        raise BuildError(f"{module.path} does not parse ({exc.msg}, line {exc.lineno})") from exc

    is_package = module.path.name == "__init__.py"
    # The package a relative import is resolved against.
    package_parts = module.name.split(".") if is_package else module.name.split(".")[:-1]

    names: dict[str, bool] = {}

    def add(name: str, required: bool) -> None:
        names[name] = names.get(name, False) or required

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking_guard(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, True)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                keep = len(package_parts) - (node.level - 1)
                if keep <= 0:
                    raise BuildError(f"{module.path}: relative import beyond the top-level package")
                base = ".".join(package_parts[:keep] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            add(base, True)
            for alias in node.names:
                if alias.name != "*":
                    add(f"{base}.{alias.name}", False)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def _parents(name: str) -> list[str]:
    """``a.b.c`` -> ``["a", "a.b"]``: the packages Python imports first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_closure(src_root: Path, root: str = HANDLER_MODULE) -> list[ModuleFile]:
    """The modules of ``olistctl`` that importing ``root`` may load, parent packages included.

    Raises :class:`BuildError` when the closure reaches a forbidden package or
    library, or :class:`MissingModuleError` when it imports an olistctl module
    that does not exist, naming the chain of imports that leads there.
    """
    start = _module_path(src_root, root)
    if start is None:
        raise BuildError(
            f"{root} was not found under {src_root}; pass --src-root the folder that "
            f"holds the {PACKAGE} package"
        )
    found: dict[str, ModuleFile] = {}
    # Who imported each module first: to explain a forbidden import.
    imported_by: dict[str, str] = {}
    queue = [root, *_parents(root)]
    while queue:
        name = queue.pop()
        if name in found:
            continue
        path = _module_path(src_root, name)
        if path is None:
            continue
        module = ModuleFile(name, path)
        found[name] = module
        for imported, required in sorted(_imported_names(module).items()):
            top = imported.split(".")[0]
            if top != PACKAGE:
                if top in FORBIDDEN_LIBRARIES:
                    raise BuildError(
                        f"{_chain(imported_by, name)} imports {imported}, which the Lambda "
                        f"must not ship or load; move that import out of the handler's path"
                    )
                continue
            if any(imported == p or imported.startswith(p + ".") for p in FORBIDDEN_PACKAGES):
                raise BuildError(
                    f"{_chain(imported_by, name)} imports {imported}: the CLI must never "
                    f"be in the Lambda; move the shared code into a core module"
                )
            if required and _module_path(src_root, imported) is None:
                raise MissingModuleError(
                    f"{_chain(imported_by, name)} imports {imported}, which does not exist "
                    f"under {src_root}; the function would fail at import"
                )
            for candidate in (*_parents(imported), imported):
                if candidate not in found and _module_path(src_root, candidate) is not None:
                    imported_by.setdefault(candidate, name)
                    queue.append(candidate)
    return sorted(found.values(), key=lambda m: m.arcname)


def _chain(imported_by: dict[str, str], name: str) -> str:
    chain = [name]
    while chain[-1] in imported_by:
        chain.append(imported_by[chain[-1]])
    return " <- ".join(chain)


def _zip_bytes(modules: list[ModuleFile]) -> bytes:
    """The archive, built in memory: a few dozen small modules."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for module in modules:
            info = zipfile.ZipInfo(module.arcname, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the building machine: same header bytes
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, module.path.read_bytes(), compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def base64_sha256(data: bytes) -> str:
    """What Terraform's ``filebase64sha256`` and Lambda's ``CodeSha256`` report."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def build_zip(out: Path, src_root: Path | None = None) -> tuple[Path, str]:
    """Build the Lambda zip at ``out`` and return its path and base64 SHA-256.

    ``src_root`` is the folder holding the ``olistctl`` package (default: the
    repository's ``src/``). The file is replaced atomically.
    """
    src_root = Path(src_root) if src_root is not None else DEFAULT_SRC_ROOT
    data = _zip_bytes(import_closure(src_root))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return out, base64_sha256(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the olistctl transform Lambda zip (handler + the core it imports)."
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="zip to write")
    parser.add_argument(
        "--src-root", type=Path, default=None, help="folder holding the olistctl package"
    )
    parser.add_argument("--list", action="store_true", help="also print the packaged files")
    args = parser.parse_args(argv)
    try:
        path, digest = build_zip(args.out, args.src_root)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.list:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                print(name, file=sys.stderr)
    print(f"{path} {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
