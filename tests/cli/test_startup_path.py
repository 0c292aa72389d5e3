"""What ``olistctl --help`` leaves out to start fast, and that nothing changes for it.

Run in fresh processes: what a process has imported is the thing under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _python(script: str, *args: str, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env or {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "OLISTCTL_BACKEND": "local"},
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


_HELP = """
import io, json, sys, contextlib
from olistctl.cli import app as cli
def draw(args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.app(args, standalone_mode=False)
    return out.getvalue(), code
lazy, code = draw(['--help'])
modules = sorted(m for m in sys.modules if m.startswith('olistctl.cli.') and m.endswith('_cmd'))
deferred = {m: type(sys.modules[m]).__name__ for m in ('rich.markdown', 'rich.traceback')}
built = cli.typer.main.get_command(cli.app)
for name in cli.COMMANDS:  # every command built for real, as before the lazy listing
    built.commands[name] = cli.load_command(name)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    built.main(['--help'], prog_name='olistctl', standalone_mode=False)
print(json.dumps({'lazy': lazy, 'built': out.getvalue(), 'code': code,
                  'modules': modules, 'deferred': deferred}))
"""


def test_help_lists_every_command_as_building_them_would_without_importing_them():
    report = _python(_HELP)
    assert report["code"] == 0
    assert report["lazy"] == report["built"]
    for name in ("upload", "transform", "query", "run", "sample", "shell", "status"):
        assert f" {name} " in report["lazy"]
    # Only the two groups' modules (report, config, and the cost and html commands report holds).
    assert report["modules"] == [
        "olistctl.cli.config_cmd",
        "olistctl.cli.cost_cmd",
        "olistctl.cli.report_cmd",
        "olistctl.cli.report_html_cmd",
    ]
    assert report["deferred"] == {"rich.markdown": "_StandIn", "rich.traceback": "_StandIn"}


_DEFERRED = """
import json, sys
from olistctl.cli import deferred_rich
deferred_rich.install()
import rich.markdown
from rich.markdown import Markdown
from rich.traceback import Traceback
from rich.console import Console
stand_in = Markdown
console = Console(record=True, width=40, color_system=None)
console.print(Markdown('# Title\\n\\n*one* item'))
try:
    raise ValueError('boom')
except ValueError as exc:
    tb = Traceback.from_exception(type(exc), exc, exc.__traceback__)
console.print(tb)
text = console.export_text()
from rich.markdown import Markdown as real
print(json.dumps({
    'title': 'Title' in text, 'boom': 'ValueError: boom' in text,
    'real_now': type(sys.modules['rich.markdown']).__name__,
    'same_class': real is rich.markdown.Markdown and real is not stand_in,
    'isinstance': isinstance(real('x'), stand_in),
    'table': rich.markdown.TableElement.__name__,
}))
"""


def test_the_deferred_rich_modules_work_in_full_when_used():
    report = _python(_DEFERRED)
    assert report == {
        "title": True,
        "boom": True,
        "real_now": "module",
        "same_class": True,
        "isinstance": True,
        "table": "TableElement",
    }


_QUERY = """
import io, json, sys, contextlib
from olistctl.cli.app import app
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = app(['--workspace', sys.argv[1], 'query', '--name', 'order_status_mix', '-o', 'csv'],
               standalone_mode=False)
print(json.dumps({'code': code, 'rich': 'rich.console' in sys.modules,
                  'out': out.getvalue(), 'err': err.getvalue()}), file=sys.__stdout__)
"""


def test_a_csv_query_draws_nothing_with_rich_and_says_the_same(lake):
    ws = lake("crawled")
    report = _python(_QUERY, str(ws))
    assert report["code"] == 0 and report["rich"] is False
    assert report["out"].startswith("order_status,orders,pct\n")
    (stats,) = report["err"].splitlines()
    assert " rows · " in stats and "Athena would scan" in stats


_NAMED_QUERY = """
import io, json, sys, contextlib
from olistctl.cli.app import app
from olistctl.sql import catalog_statements, named
parsed = []
real_parse = named._parse
named._parse = lambda name, text: parsed.append(name) or real_parse(name, text)
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = app(['--workspace', sys.argv[1], 'query', '--name', 'order_status_mix', '-o', 'csv'],
               standalone_mode=False)
unused = ('concurrent.futures', 'logging', 'configparser', 'olistctl.backends.pool')
forms = getattr(catalog_statements, '_forms', None)  # compiled at import without it
print(json.dumps({'code': code, 'out': out.getvalue(), 'parsed': parsed,
                  'imported': [m for m in unused if m in sys.modules],
                  'catalog_patterns': forms.cache_info().currsize if forms else 'all'}),
      file=sys.__stdout__)
"""


def test_a_named_query_reads_only_its_own_file_and_imports_only_what_it_runs(lake, tmp_path):
    # What a `query --name` process does not need (bench/analysis.md, the `olistctl
    # query` process): the other 21 shipped files parsed (~7 ms), the transform's thread
    # pool (concurrent.futures, logging), configparser with no AWS config file to read,
    # and the case-insensitive patterns of SHOW and DESCRIBE for a SELECT.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OLISTCTL_"))}
    env.update(
        NO_COLOR="1",
        OLISTCTL_BACKEND="local",
        AWS_CONFIG_FILE=str(tmp_path / "no-such-aws-config"),
    )
    report = _python(_NAMED_QUERY, str(lake("crawled")), env=env)
    assert report["code"] == 0
    assert report["out"].startswith("order_status,orders,pct\n")
    assert report["parsed"] == ["order_status_mix"]
    assert report["imported"] == []
    assert report["catalog_patterns"] == 0


def test_typer_reads_the_query_commands_annotations_as_objects_not_strings():
    # typer evaluates string annotations twice at every start (inspect.signature with
    # eval_str, then typing.get_type_hints): ~2 ms for the root options and query's.
    from olistctl.cli import app, query_cmd

    for command in (app.main_callback, query_cmd.command):
        annotations = command.__annotations__
        assert annotations and not any(isinstance(a, str) for a in annotations.values())


def test_a_line_printed_without_rich_is_what_rich_prints_off_a_terminal():
    import io

    from rich.console import Console

    from olistctl.cli.state import _prints_as_is

    lines = [
        "8 rows · 0.06 s · Athena would scan 10.0 KB (billed 10.5 MB) · $0.000048 in us-east-1",
        "a note with ümlauts, (parentheses) and 'quotes' & <angles> * stars ~ 100%",
        "x" * 200,
    ]
    for line in lines:
        assert _prints_as_is(line)
        buffer = io.StringIO()
        Console(file=buffer, highlight=False, width=200, soft_wrap=True).print(line)
        assert buffer.getvalue() == line + "\n"
    for odd in ["[bold]x[/bold]", "emoji :smile:", "tab\there", "two\nlines", "x" * 201, 3]:
        assert not _prints_as_is(odd)


_RUN = """
import io, json, sys, contextlib
from olistctl.cli.app import app
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = app(['--workspace', sys.argv[1], '--no-progress', 'run', sys.argv[2], '-o', 'json'],
               standalone_mode=False)
print(json.dumps({'code': code, 'rich': 'rich.console' in sys.modules,
                  'out': out.getvalue(), 'err': err.getvalue()}), file=sys.__stdout__)
"""


def test_a_json_run_without_progress_draws_nothing_with_rich(tmp_path, sample_data):
    report = _python(_RUN, str(tmp_path / "ws"), str(sample_data))
    assert report["code"] == 0 and report["rich"] is False, report["err"]
    answer = json.loads(report["out"])
    assert [s["stage"] for s in answer["stages"]] == ["upload", "transform", "crawl", "query"]
    assert set(answer["kpis"]) == {"executive_kpis", "on_time_delivery", "order_status_mix"}
