"""infra/build_lambda.py: what goes into the Lambda zip, and that the bytes are reproducible."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
import tfhelpers

build_lambda = tfhelpers.load_build_lambda()
SRC = tfhelpers.REPO / "src"

STAND_IN_HANDLER = """\
from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3  # the runtime's

from olistctl import layout
from . import dataset

if TYPE_CHECKING:  # never executed: must not pull the CLI in
    from olistctl.cli import app


def handler(event, context):
    from olistctl.errors import InputError  # lazy imports count too

    return json.dumps({"key": layout.processed_key(event["key"])})
"""


def _package_copy(tmp_path: Path, handler: str = STAND_IN_HANDLER) -> Path:
    """A copy of src/olistctl in tmp_path/src, with the given lambda_handler.py."""
    src_root = tmp_path / "src"
    shutil.copytree(
        SRC / "olistctl", src_root / "olistctl", ignore=shutil.ignore_patterns("__pycache__")
    )
    (src_root / "olistctl" / "lambda_handler.py").write_text(handler)
    return src_root


def _modules_imported_at_runtime(path_entry: Path, module: str) -> set[str]:
    """The olistctl modules Python really loads to import ``module`` from ``path_entry``."""
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(path_entry)!r})
        import {module}
        assert {module}.__file__.startswith({str(path_entry)!r}), {module}.__file__
        print("\\n".join(sorted(m for m in sys.modules if m.split(".")[0] == "olistctl")))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(out.stdout.split())


def _zip_modules(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    return {n.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for n in names}


def test_closure_follows_absolute_relative_and_lazy_imports(tmp_path):
    src_root = _package_copy(tmp_path)
    out, _ = build_lambda.build_zip(tmp_path / "out" / "fn.zip", src_root)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert names == [
        "olistctl/__init__.py",
        "olistctl/dataset.py",
        "olistctl/errors.py",
        "olistctl/lambda_handler.py",
        "olistctl/layout.py",
    ]
    # What Python itself loads when importing the handler is all in the zip.
    assert _modules_imported_at_runtime(src_root, "olistctl.lambda_handler") <= _zip_modules(out)


def test_subpackage_modules_bring_their_package_init(tmp_path):
    handler = "from olistctl.core import parse\n\ndef handler(event, context):\n    return {}\n"
    src_root = _package_copy(tmp_path, handler)
    package = src_root / "olistctl" / "core"
    package.mkdir()
    (package / "__init__.py").write_text('"""core helpers"""\n')
    (package / "parse.py").write_text("from .. import layout\n")
    (package / "unused.py").write_text("import duckdb\n")
    out, _ = build_lambda.build_zip(tmp_path / "fn.zip", src_root)
    assert zipfile.ZipFile(out).namelist() == [
        "olistctl/__init__.py",
        "olistctl/core/__init__.py",
        "olistctl/core/parse.py",
        "olistctl/lambda_handler.py",
        "olistctl/layout.py",
    ]


def test_missing_olistctl_module_fails(tmp_path):
    handler = (
        "from olistctl.nothere import convert\n\ndef handler(event, context):\n    return {}\n"
    )
    out = tmp_path / "fn.zip"
    with pytest.raises(build_lambda.MissingModuleError) as info:
        build_lambda.build_zip(out, _package_copy(tmp_path, handler))
    assert "olistctl.lambda_handler imports olistctl.nothere, which does not exist" in str(
        info.value
    )
    assert not out.exists()


def test_lazy_import_in_a_package_init_counts(tmp_path):
    # Importing olistctl.svc.base runs olistctl/svc/__init__.py first, whose
    # open_engine() would load DuckDB when called.
    handler = "from olistctl.svc import base\n\ndef handler(event, context):\n    return {}\n"
    src_root = _package_copy(tmp_path, handler)
    package = src_root / "olistctl" / "svc"
    package.mkdir()
    (package / "__init__.py").write_text(
        "def open_engine():\n    from olistctl.svc.engine import Engine\n\n    return Engine()\n"
    )
    (package / "base.py").write_text("")
    (package / "engine.py").write_text("import duckdb\n\n\nclass Engine:\n    pass\n")
    with pytest.raises(build_lambda.BuildError) as info:
        build_lambda.build_zip(tmp_path / "fn.zip", src_root)
    assert "olistctl.svc.engine <- olistctl.svc <- olistctl.lambda_handler imports duckdb" in str(
        info.value
    )


def test_same_sources_give_the_same_bytes(tmp_path):
    src_root = _package_copy(tmp_path)
    first, first_sha = build_lambda.build_zip(tmp_path / "a" / "fn.zip", src_root)
    # New mtimes and another output folder must not change a byte.
    for path in (src_root / "olistctl").rglob("*.py"):
        os.utime(path, (1_900_000_000, 1_900_000_000))
    second, second_sha = build_lambda.build_zip(tmp_path / "b" / "other.zip", src_root)
    assert first.read_bytes() == second.read_bytes()
    assert first_sha == second_sha
    expected = base64.b64encode(hashlib.sha256(first.read_bytes()).digest()).decode()
    assert first_sha == expected  # Terraform's filebase64sha256

    # …and a changed source changes the hash.
    layout = src_root / "olistctl" / "layout.py"
    layout.write_text(layout.read_text() + "\n# changed\n")
    _, third_sha = build_lambda.build_zip(tmp_path / "c" / "fn.zip", src_root)
    assert third_sha != first_sha


def test_entries_are_normalized(tmp_path):
    out, _ = build_lambda.build_zip(tmp_path / "fn.zip", _package_copy(tmp_path))
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED
            source = tmp_path / "src" / info.filename
            assert archive.read(info) == source.read_bytes()


def test_closure_reaching_the_cli_fails_and_writes_nothing(tmp_path):
    handler = "from olistctl.cli import render\n\ndef handler(event, context):\n    return {}\n"
    out = tmp_path / "out" / "fn.zip"
    with pytest.raises(build_lambda.BuildError) as info:
        build_lambda.build_zip(out, _package_copy(tmp_path, handler))
    message = str(info.value)
    assert "olistctl.lambda_handler imports olistctl.cli" in message
    assert "the CLI must never be in the Lambda" in message
    assert not out.exists()
    assert not list(out.parent.glob("*")) if out.parent.exists() else True


@pytest.mark.parametrize("library", ["duckdb", "pandas", "sqlglot", "typer", "rich"])
def test_heavy_library_anywhere_in_the_closure_fails(tmp_path, library):
    handler = "from olistctl import heavy\n\ndef handler(event, context):\n    return {}\n"
    src_root = _package_copy(tmp_path, handler)
    (src_root / "olistctl" / "heavy.py").write_text(
        f"def run():\n    import {library}.sub as lib\n    return lib\n"
    )
    out = tmp_path / "fn.zip"
    with pytest.raises(build_lambda.BuildError) as info:
        build_lambda.build_zip(out, src_root)
    # The chain names who pulled the library in.
    assert f"olistctl.heavy <- olistctl.lambda_handler imports {library}.sub" in str(info.value)
    assert not out.exists()


def test_failed_build_keeps_the_previous_zip(tmp_path):
    out = tmp_path / "fn.zip"
    good, _ = build_lambda.build_zip(out, _package_copy(tmp_path / "good"))
    before = good.read_bytes()
    bad = "import olistctl.cli.app\n\ndef handler(event, context):\n    return {}\n"
    with pytest.raises(build_lambda.BuildError):
        build_lambda.build_zip(out, _package_copy(tmp_path / "bad", bad))
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["fn.zip"]


def test_command_line(tmp_path):
    src_root = _package_copy(tmp_path)
    out = tmp_path / "cli.zip"
    script = tfhelpers.INFRA / "build_lambda.py"
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(out), "--src-root", str(src_root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    path, digest = done.stdout.split()
    assert Path(path) == out
    assert digest == build_lambda.base64_sha256(out.read_bytes())

    missing = subprocess.run(
        [
            sys.executable,
            str(script),
            "--out",
            str(tmp_path / "x.zip"),
            "--src-root",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: olistctl.lambda_handler was not found under")
    assert "--src-root" in missing.stderr
    assert not (tmp_path / "x.zip").exists()


# ---------------------------------------------------------------------------
# The real handler (written by the AWS backend's engineer)
# ---------------------------------------------------------------------------

_real_zip_missing = tfhelpers.real_zip_unavailable_reason()
needs_handler = pytest.mark.skipif(_real_zip_missing is not None, reason=str(_real_zip_missing))


@needs_handler
def test_real_zip_holds_the_handler_and_never_the_cli(tmp_path):
    out, _ = build_lambda.build_zip(tmp_path / "fn.zip")
    names = zipfile.ZipFile(out).namelist()
    assert "olistctl/lambda_handler.py" in names
    assert not any(n.startswith("olistctl/cli/") for n in names)
    # Only core and the handler: no backends' CLI-side code, no bytecode.
    assert all(n.endswith(".py") for n in names)


@needs_handler
def test_real_handler_imports_from_the_zip_alone(tmp_path):
    out, _ = build_lambda.build_zip(tmp_path / "fn.zip")
    loaded = _modules_imported_at_runtime(out, "olistctl.lambda_handler")
    assert "olistctl.lambda_handler" in loaded
    assert loaded <= _zip_modules(out)
    assert not any(m.startswith("olistctl.cli") for m in loaded)


@needs_handler
def test_real_zip_is_reproducible(tmp_path):
    _, first = build_lambda.build_zip(tmp_path / "a.zip")
    _, second = build_lambda.build_zip(tmp_path / "b.zip")
    assert first == second
