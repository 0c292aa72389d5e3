"""The pydantic-free conversion of option values gives what typer's own conversion gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param, resolve_type_descriptor
from typer.models import OptionInfo

from olistctl.cli.plain_params import NotPlain, PlainFirst, plain_value
from olistctl.cli.render import OutputFormat


class Color(Enum):
    red = "red"
    dark_blue = "Dark-Blue"


def _info(**kwargs) -> OptionInfo:
    return OptionInfo(**kwargs)


CASES = [
    (str, {}, "abc"),
    (str, {}, ""),
    (str, {}, "  spaced  "),
    (OutputFormat, {"case_sensitive": False}, "CSV"),
    (OutputFormat, {"case_sensitive": False}, "json"),
    (OutputFormat, {}, OutputFormat.table),
    (Color, {}, "Dark-Blue"),
    (Color, {"case_sensitive": False}, "dark-blue"),
    (int, {}, "42"),
    (int, {}, "-7"),
    (int, {}, "007"),
    (int, {}, 5),
    (int, {"min": 1}, "1"),
    (int, {"min": 1, "max": 256}, "256"),
    (Path, {}, "some/where.csv"),
    (Path, {}, "trailing/"),
    (Path, {"exists": True}, "."),
    (Path, {"dir_okay": False}, "does-not-exist"),
    (list[str], {}, ("a", "b")),
    (list[Path], {}, ("x.csv", "y/")),
    (list[int], {"min": 0}, ("1", "2")),
]

LEFT_TO_TYPER = [
    (int, {"min": 1}, "0"),  # out of range: typer words the error
    (int, {}, " 12 "),
    (int, {}, "1_000"),
    (int, {}, "12345678901234567890123"),
    (int, {"clamp": True, "min": 1}, "0"),
    (float, {}, "1.5"),
    (bool, {}, "yes"),
    (OutputFormat, {"case_sensitive": False}, "xml"),
    (Path, {"exists": True}, "does-not-exist"),
    (Path, {}, ""),
    (tuple[str, int], {}, ("a", "1")),
    (list[float], {}, ("1.5",)),
    (str, {"parser": str.upper}, "abc"),
]


def _typer(annotation, info, value, ctx):
    """What typer's own conversion (its pydantic adapter) makes of ``value``."""
    descriptor = resolve_type_descriptor(annotation, info)
    return build_runtime_param(descriptor)._coerce_value(value, param=None, ctx=ctx)


@pytest.fixture
def ctx() -> Context:
    from typer.core import TyperCommand

    return Context(TyperCommand("x"))


@pytest.mark.parametrize(("annotation", "options", "value"), CASES)
def test_the_fast_path_gives_what_typer_gives(annotation, options, value, ctx):
    info = _info(**options)
    expected = _typer(annotation, info, value, ctx)
    got = plain_value(annotation, info, value, ctx=ctx)
    assert got == expected
    assert type(got) is type(expected)
    if isinstance(got, list):
        assert [type(g) for g in got] == [type(e) for e in expected]


@pytest.mark.parametrize(("annotation", "options", "value"), LEFT_TO_TYPER)
def test_doubtful_values_are_left_to_typer(annotation, options, value, ctx):
    info = _info(**options)
    with pytest.raises(NotPlain):
        plain_value(annotation, info, value, ctx=ctx)


@pytest.mark.parametrize(("annotation", "options", "value"), LEFT_TO_TYPER)
def test_values_left_to_typer_end_as_typer_ends_them(annotation, options, value, ctx):
    info = _info(**options)
    descriptor = resolve_type_descriptor(annotation, info)
    plain = PlainFirst(parameter_info=info, annotation=annotation, descriptor=descriptor)
    try:
        expected = ("value", _typer(annotation, info, value, ctx))
    except BadParameter as exc:
        expected = ("error", exc.message)
    try:
        got = ("value", plain._coerce_value(value, param=None, ctx=ctx))
    except BadParameter as exc:
        got = ("error", exc.message)
    assert got == expected


def test_cli_errors_for_bad_values_are_typers(cli):
    low = cli("query", "--max-rows", "0", "SELECT 1")
    assert low.exit_code == 2
    assert "Invalid value for '--max-rows'" in low.stderr and "greater than or equal to 1" in (
        low.stderr
    )
    fmt = cli("query", "--output", "xml", "SELECT 1")
    assert fmt.exit_code == 2 and "'xml' is not one of" in fmt.stderr


def test_help_and_a_query_import_no_pydantic(tmp_path):
    script = (
        "import sys, json\n"
        "from olistctl.cli.app import app\n"
        "codes = []\n"
        # The last: an int option converted, then --list refusing it (it lists, runs nothing).
        "for args in (['query', '--help'], ['--workspace', sys.argv[1], 'query', '--list',"
        " '--output', 'json'], ['query', '--list', '--max-rows', '3']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as exit:\n"
        "        codes.append(exit.code)\n"
        "print(json.dumps({'codes': codes, 'pydantic': 'pydantic' in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "ws")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"codes": [0, 0, 2], "pydantic": False}
