"""The README's promises that code can check: commands, exit codes, set-up commands."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from olistctl.errors import ExitCode

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_the_commands_table_lists_every_command(cli):
    result = cli("--help")
    listed = set(re.findall(r"^\| `(\w+)", _section("Commands"), re.M))
    shipped = set(re.findall(r"^│ (\w+) ", result.stdout, re.M))
    assert shipped, result.stdout
    assert listed == shipped


def test_the_exit_codes_table_matches_the_code():
    documented = {int(code) for code in re.findall(r"^\| +(\d+) \|", _section("Exit codes"), re.M)}
    assert documented == {int(code) for code in ExitCode}


def test_the_two_setup_commands_are_make_targets_that_ci_runs():
    quick = _section("Quick start")
    assert "make run" in quick and "make test" in quick
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_deploy_section_names_commands_that_exist():
    deploy = _section("Deploying on AWS")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "make deploy" in deploy and re.search(r"^deploy: ", makefile, re.M)
    assert "teardown --destroy-infra --yes" in deploy
    # The variable the README tells people to set is one infra/ declares.
    for name in re.findall(r"-var (\w+)=", deploy):
        assert f'variable "{name}"' in (REPO / "infra" / "variables.tf").read_text()


def test_the_classic_queries_in_the_readme_are_the_tested_ones():
    spec = importlib.util.spec_from_file_location(
        "classic_queries", REPO / "tests" / "cli" / "classic_queries.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, sql in module.CLASSIC_QUERIES.items():
        block = re.search(rf"<!-- classic:{name} -->\n```sql\n(.*?)\n```", README, re.S)
        assert block, f"README lost the {name} query"
        assert block.group(1) == sql


def test_the_analyst_queries_table_names_shipped_queries_and_their_parameters():
    from olistctl.sql.named import get_query

    rows = re.findall(
        r"^\| `(\w+)` \| (.*?) \|", _section("The analyst's queries, and parameters"), re.M
    )
    assert len(rows) >= 10
    for name, parameters in rows:
        declared = ", ".join(p.describe() for p in get_query(name).params)
        assert parameters.replace("`", "") == declared, name


def test_the_deploy_route_is_one_block_of_commands_that_exist(cli):
    """Every olistctl line of "Deploying on AWS" parses: its flags and subcommands exist."""
    blocks = re.findall(r"<!-- deploy-route -->\n```sh\n(.*?)\n```", README, re.S)
    assert len(blocks) == 1
    lines = [line.split("  #")[0].strip() for line in blocks[0].splitlines()]
    assert lines[0].startswith("make deploy ") and "-auto-approve" in lines[0]
    assert lines[-1] == ".venv/bin/olistctl --backend aws teardown --destroy-infra --yes"
    commands = [line.split()[1:] for line in lines if line.startswith(".venv/bin/olistctl ")]
    assert len(commands) >= 3
    for args in commands:
        parsed = cli(*args, "--help")
        assert parsed.exit_code == 0, (args, parsed)
