"""`olistctl report cost --refresh-prices` end to end: the real Price List client, made by the
client factory, answered by a botocore Stubber with GetProducts pages in the API's shape
(price_list_answers.py); no network, no credentials and refusals each end in one sentence,
the report still printed, exit 0."""

from __future__ import annotations

import json
import socket

import pytest
from price_list_answers import catalog

from olistctl import price_cache
from olistctl.price_list import specs

BUNDLED = "the bundled table of 2026-11-26"


def report(cli, workspace, *args: str, region: str = "us-east-1"):
    result = cli(
        "--workspace", workspace, "--region", region, "report", "cost", *args, "--output", "json"
    )
    assert result.exit_code == 0, result
    assert "Traceback" not in result.stderr
    return result, json.loads(result.stdout)


def lines(document) -> dict[str, dict]:
    return {line["service"]: line for line in document["lines"]}


def notes_starting(document, start: str) -> list[str]:
    return [n for n in document["notes"] if n.startswith(start)]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_refreshed_prices_are_marked_aws_price_list_and_cached(
    cli, ran_workspace, stubbed_price_list, cache_home, region
):
    changed = catalog(region)["athena"][0].replace("5.0000000000", "4.5000000000")
    stubbed_price_list.answer(region, catalog(region, athena=[changed]), page_size=2)
    result, document = report(cli, ran_workspace, "--refresh-prices", region=region)
    stubbed_price_list.assert_all_asked()  # every page, NextToken followed
    assert [c.meta.region_name for c in stubbed_price_list.clients] == ["us-east-1"]
    path = cache_home / "olistctl" / "prices" / f"{region}.json"
    assert (
        f"Fetched 12 of 12 prices for {region} from the AWS Price List (effective 2026-03-01)"
        f" and cached them in {path}."
    ) in result.stderr
    assert json.loads(path.read_text())["prices"].keys() == specs().keys()
    # The Price List's price is the one used, and the report says so.
    athena = lines(document)["Athena"]
    assert athena["unit_price"] == 4.5
    assert athena["cost"] == pytest.approx(athena["billable"] / 1024 * 4.5, abs=1e-6)
    [from_list] = notes_starting(document, "Prices from the AWS Price List, 2026-03-01")
    assert from_list.startswith(
        "Prices from the AWS Price List, 2026-03-01 (effective date; fetched "
    )
    assert "athena.usd_per_tb_scanned $4.5," in from_list
    assert " s3.usd_per_gb_month $0.023." in from_list
    assert notes_starting(document, "Prices from the bundled table, 2026-11-26:") == [
        "Prices from the bundled table, 2026-11-26: athena.min_mb_per_query (not in the Price"
        " List)."
    ]
    assert (
        "Free Tier allowances from the bundled table, 2026-11-26: the AWS Price List does not"
        " give them." in document["notes"]
    )
    assert notes_starting(document, "Unconfirmed") == []  # every unconfirmed figure replaced
    # Each line says where its unit price came from: the Price List, with its effective date.
    assert {ln["price_source"] for ln in document["lines"]} == {"AWS Price List, 2026-03-01"}


def test_the_table_output_prints_the_prices_marked(cli, ran_workspace, stubbed_price_list):
    stubbed_price_list.answer("us-east-1", catalog("us-east-1"))
    result = cli("--workspace", ran_workspace, "report", "cost", "--refresh-prices")
    assert result.exit_code == 0, result
    assert "Prices from the AWS Price List, 2026-03-01 (effective date; fetched" in result.stderr
    assert "lambda.usd_per_gb_second $0.0000166667" in result.stderr


def test_later_reports_use_the_cache_without_the_network(
    cli, ran_workspace, stubbed_price_list, monkeypatch
):
    stubbed_price_list.answer("us-east-1", catalog("us-east-1"))
    report(cli, ran_workspace, "--refresh-prices")
    from olistctl.backends.aws.clients import AwsClients

    def refuse(self, endpoint_region):
        raise AssertionError("a Price List client was made without --refresh-prices")

    monkeypatch.setattr(AwsClients, "price_list_client", refuse)
    _, document = report(cli, ran_workspace)
    assert notes_starting(document, "Prices from the AWS Price List, 2026-03-01")
    result = cli("--workspace", ran_workspace, "report", "cost", "--queries", "-o", "json")
    assert result.exit_code == 0, result


def test_report_cost_is_offline_by_default(cli, ran_workspace, no_price_list, cache_home):
    _, document = report(cli, ran_workspace)
    assert notes_starting(document, "Prices from the bundled table") == [
        "Prices from the bundled table, 2026-11-26; --refresh-prices fetches the region's"
        " prices from the AWS Price List."
    ]
    assert not (cache_home / "olistctl").exists()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_backoff(monkeypatch):
    """botocore's standard retries sleep up to seconds between attempts: not in tests."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_no_network_falls_back_to_the_bundled_table_in_one_sentence(
    cli, ran_workspace, fake_credentials, cache_home, no_backoff, monkeypatch
):
    port = closed_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    result, document = report(cli, ran_workspace, "--refresh-prices")
    said = [line for line in result.stderr.splitlines() if "Price" in line and "not" in line]
    assert said == [
        f"Prices not refreshed: could not connect to http://127.0.0.1:{port}/ (check the"
        f" network and the region, or the --endpoint-url you set); this report uses {BUNDLED}."
    ]
    assert lines(document)["Athena"]["unit_price"] == 5.0
    assert notes_starting(document, "Prices from the bundled table, 2026-11-26;")
    assert not (cache_home / "olistctl").exists()  # nothing written


def test_no_network_keeps_what_an_earlier_refresh_cached(
    cli, ran_workspace, stubbed_price_list, cache_home, no_backoff, monkeypatch
):
    stubbed_price_list.answer("us-east-1", catalog("us-east-1"))
    report(cli, ran_workspace, "--refresh-prices")
    cached = (cache_home / "olistctl" / "prices" / "us-east-1.json").read_text()
    fetched = json.loads(cached)["fetched"][:10]
    stubbed_price_list.calls.clear()
    stubbed_price_list.fail("ThrottlingException", "Rate exceeded")  # then no answer at all
    from olistctl.backends.aws import clients

    monkeypatch.setattr(clients, "MAX_ATTEMPTS", 1)
    result, document = report(cli, ran_workspace, "--refresh-prices")
    assert (
        "Prices not refreshed: AWS kept throttling pricing:GetProducts on the AWS Price List"
        " (AmazonS3) (ThrottlingException: Rate exceeded) (wait a minute and run the command"
        " again, with a lower --concurrency); this report uses the prices cached from the AWS"
        f" Price List on {fetched} and {BUNDLED} for the rest." in result.stderr
    )
    assert (cache_home / "olistctl" / "prices" / "us-east-1.json").read_text() == cached
    assert notes_starting(document, "Prices from the AWS Price List, 2026-03-01")


def test_no_credentials_names_the_fix_and_uses_the_bundled_table(cli, ran_workspace, cache_home):
    result, document = report(cli, ran_workspace, "--refresh-prices")
    said = [line for line in result.stderr.splitlines() if line.startswith("Prices not")]
    assert said == [
        "Prices not refreshed: the AWS Price List API needs AWS credentials, and none were found"
        " (run `aws configure`, set AWS_PROFILE, or pass --profile); this report uses"
        f" {BUNDLED}."
    ]
    assert lines(document)["S3 storage"]["unit_price"] == 0.023
    assert not (cache_home / "olistctl").exists()


def test_access_denied_names_the_permission(cli, ran_workspace, stubbed_price_list):
    stubbed_price_list.fail(
        "AccessDeniedException", "User is not authorized to perform: pricing:GetProducts"
    )
    result, _ = report(cli, ran_workspace, "--refresh-prices")
    assert (
        "Prices not refreshed: access was denied to pricing:GetProducts on the AWS Price List"
        " (AmazonS3) (AccessDeniedException: User is not authorized to perform:"
        " pricing:GetProducts) (grant your IAM identity the permission for pricing:GetProducts,"
        f" or use a profile that has it); this report uses {BUNDLED}."
    ) in result.stderr


def test_a_refused_key_keeps_the_bundled_price_and_says_why(
    cli, ran_workspace, stubbed_price_list, cache_home
):
    answers = catalog("us-east-1")
    twin = answers["s3_storage"][0].replace("WP9ANXZGBYYSGJEA", "TWINSKU000000000")
    answers["s3_storage"] = [*answers["s3_storage"], twin]
    stubbed_price_list.answer("us-east-1", answers)
    result, document = report(cli, ran_workspace, "--refresh-prices")
    assert (
        "s3.usd_per_gb_month: the AWS Price List's answer was not used (2 products carry usage"
        " type TimedStorage-ByteHrs (TWINSKU000000000, WP9ANXZGBYYSGJEA)); the bundled table's"
        " price stays." in result.stderr
    )
    assert "Fetched 11 of 12 prices for us-east-1" in result.stderr
    assert notes_starting(document, "Prices from the bundled table") == [
        "Prices from the bundled table, 2026-11-26: athena.min_mb_per_query (not in the Price"
        " List), s3.usd_per_gb_month (the Price List's answer was refused)."
    ]
    cached = price_cache.load("us-east-1").prices
    assert cached is not None and "s3.usd_per_gb_month" not in cached.prices
    # The line priced from the table says so; the others name the Price List.
    sources = {service: ln["price_source"] for service, ln in lines(document).items()}
    assert sources.pop("S3 storage") == "bundled table, 2026-11-26"
    assert set(sources.values()) == {"AWS Price List, 2026-03-01"}
    # Two sources: the table gives each line's in a column of its own.
    table = cli("--workspace", ran_workspace, "report", "cost")
    assert table.exit_code == 0, table
    rows = {line.split("│")[1].strip(): line for line in table.stdout.splitlines() if "│" in line}
    assert "price from" in table.stdout.splitlines()[2]  # the header row
    assert "bundled table, 2026-11-26" in rows["S3 storage"]
    assert "AWS Price List, 2026-03-01" in rows["Athena"]
    assert "Unit prices from" not in table.stdout


def test_queries_are_priced_with_the_refreshed_athena_price(cli, ran_workspace, stubbed_price_list):
    changed = catalog("us-east-1")["athena"][0].replace("5.0000000000", "4.0000000000")
    stubbed_price_list.answer("us-east-1", catalog("us-east-1", athena=[changed]))
    result = cli(
        "--workspace",
        ran_workspace,
        "report",
        "cost",
        "--queries",
        "--refresh-prices",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result
    assert "Fetched 12 of 12 prices" in result.stderr
    for record in json.loads(result.stdout):
        assert record["csv_usd"] == pytest.approx(
            record["csv_billed_bytes"] / 2**40 * 4.0, abs=1e-8
        )


def test_a_refresh_with_no_usable_price_keeps_an_earlier_cache(
    cli, ran_workspace, stubbed_price_list, cache_home
):
    stubbed_price_list.answer("us-east-1", catalog("us-east-1"))
    report(cli, ran_workspace, "--refresh-prices")
    cache = cache_home / "olistctl" / "prices" / "us-east-1.json"
    cached = cache.read_text()
    fetched = json.loads(cached)["fetched"][:10]
    stubbed_price_list.calls.clear()
    stubbed_price_list.answer("us-east-1", {key: [] for key in catalog("us-east-1")})
    result, document = report(cli, ran_workspace, "--refresh-prices")
    assert (
        "Prices not refreshed: the AWS Price List gave no price olistctl could use for"
        " us-east-1; this report uses the prices cached from the AWS Price List on"
        f" {fetched} and {BUNDLED} for the rest." in result.stderr
    )
    assert cache.read_text() == cached  # not replaced by an answer with nothing in it
    assert notes_starting(document, "Prices from the AWS Price List, 2026-03-01")


def test_with_no_cache_folder_the_refresh_says_so_and_writes_nothing(
    cli, ran_workspace, stubbed_price_list, monkeypatch, tmp_path
):
    """No XDG_CACHE_HOME and no home folder (a container run as an arbitrary user)."""
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(price_cache, "home", lambda: None)
    stubbed_price_list.answer("us-east-1", catalog("us-east-1"))
    before = sorted(tmp_path.rglob("*"))
    result, document = report(cli, ran_workspace, "--refresh-prices")
    assert (
        "Prices fetched but not cached: there is no XDG_CACHE_HOME and no home folder to keep"
        f" them in (set XDG_CACHE_HOME to a writable folder); this report uses {BUNDLED}."
    ) in result.stderr
    assert {ln["price_source"] for ln in document["lines"]} == {"bundled table, 2026-11-26"}
    assert sorted(tmp_path.rglob("*")) == before
