"""The aws-only options of `run`, `transform` and `crawl` on the local backend: each either
has a local meaning that the command states, or is refused; none is taken and dropped.

- `--runner` (where the aws backend converts: the Lambda function, or the handler in this
  process against S3) has none: the local backend always converts in this process and
  `report cost` prices each conversion as a Lambda invocation whichever value is given.
  Given as a flag, it is refused as the stack's names are (exit 2).
- `crawl --direct` and `run --crawler` choose between the crawler and a registration from
  the footers. The local catalog reads the footers either way, but the choice is what the
  run ledger records and so what `report cost`, which prices the local runs as if they had
  happened on AWS, charges: a crawler run (10-minute minimum at the assumed DPUs) or none.
  They are taken, and the crawl says how it will be priced.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from olistctl.errors import ExitCode

PRICING = Path(__file__).resolve().parents[2] / "src" / "olistctl" / "pricing.json"


def _one_crawler_run_in_dpu_hours() -> float:
    """A crawl shorter than the minimum, billed as Glue bills a crawler: the minimum per run,
    at the DPUs the price table assumes (read from the table, not from olistctl's code)."""
    glue = json.loads(PRICING.read_text(encoding="utf-8"))["regions"]["us-east-1"]["glue"]
    minutes = glue["crawler_min_minutes_per_run"]["value"]
    return minutes / 60 * glue["crawler_dpus_assumed"]["value"]


def _crawler_dpu_hours(cli) -> float:
    result = cli("report", "cost", "-o", "json")
    assert result.exit_code == 0, result
    lines = {line["service"]: line for line in json.loads(result.stdout)["lines"]}
    return lines["Glue crawler"]["usage"]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "command",
    [["transform", "--runner", "local"], ["run", "--runner", "lambda"]],
    ids=["transform --runner local", "run --runner lambda"],
)
def test_runner_given_on_the_local_backend_is_refused_before_anything_runs(cli, lake, command):
    ws = lake("uploaded")
    before = _tree(ws)
    result = cli(*command)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "Error: --runner chooses where the aws backend converts files, and the backend is"
        " local (default), which always converts in this process: add --backend aws, or drop"
        " --runner.\n"
    )
    assert _tree(ws) == before  # nothing converted, uploaded or written in the ledger


def test_runner_from_the_environment_stays_quiet_on_the_local_backend(cli, lake):
    """As for the stack's names: a setting kept for both backends is not a mistake."""
    lake("uploaded")
    result = cli("transform", "-o", "json", env={"OLISTCTL_RUNNER": "lambda"})
    assert result.exit_code == 0, result
    assert {r["status"] for r in json.loads(result.stdout)} == {"converted"}


def test_crawl_direct_prices_no_crawler_run_and_a_crawl_one_and_each_says_so(cli, lake):
    lake("crawled")  # built by a plain `crawl`: one crawler run in the ledger
    run = _one_crawler_run_in_dpu_hours()
    assert _crawler_dpu_hours(cli) == pytest.approx(run)

    direct = cli("crawl", "--direct")
    assert direct.exit_code == 0, direct
    assert direct.stderr.splitlines()[0] == (
        "Read from the Parquet footers; `report cost` prices this crawl as a registration"
        " from the footers, with no crawler charge, as on aws."
    )
    assert _crawler_dpu_hours(cli) == pytest.approx(run)

    crawled = cli("crawl")
    assert crawled.exit_code == 0, crawled
    assert crawled.stderr.splitlines()[0] == (
        "Read from the Parquet footers; `report cost` prices this crawl as a Glue crawler run,"
        " as on aws (--direct: as a registration from the footers, no crawler charge)."
    )
    assert _crawler_dpu_hours(cli) == pytest.approx(2 * run)


@pytest.mark.parametrize(("flags", "runs"), [([], 0), (["--crawler"], 1)])
def test_run_prices_a_crawler_run_only_with_crawler(cli, lake, sample_data, flags, runs):
    lake("transformed")  # no crawl yet: run crawls
    result = cli("run", str(sample_data), *flags, "-o", "json")
    assert result.exit_code == 0, result
    assert json.loads(result.stdout)["stages"][2]["result"] == "9 tables, 9 new"
    assert _crawler_dpu_hours(cli) == pytest.approx(runs * _one_crawler_run_in_dpu_hours())
