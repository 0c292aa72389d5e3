"""Every AWS error path, through the CLI: the one-line message (what went wrong and the fix), the
exit code, and no traceback. The CLI runs in-process on the moto stack; its clients are the
stack's, so answers injected into them (throttling, 5xx, Athena states) reach the command."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from awsstack import (
    NAMES,
    ORDERS_CSV,
    ORDERS_HEADER,
    REGION,
    STACK_ENV,
    queue_result,
    respond_with,
    serve,
)

from olistctl import polling
from olistctl.errors import ExitCode
from olistctl.settings import STACK_TAG_KEY

ORDERS_KEY = "olist_orders_dataset/olist_orders_dataset.csv"
RAGGED_KEY = "olist_orders_dataset/broken.csv"
DEPLOY_HINT = (
    "deploy the stack with `terraform -chdir=infra apply`, or check the names with "
    "`olistctl config show`"
)


def error_line(result) -> str:
    """The command's last stderr line, which must be its one error sentence (no traceback)."""
    assert "Traceback" not in result.stderr, result
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    last = result.stderr.rstrip("\n").splitlines()[-1]
    assert last.startswith("Error: ") and last.endswith("."), result
    return last


@pytest.fixture
def aws_cli(cli, stack, monkeypatch) -> Callable[..., Any]:
    """``olistctl --backend aws`` on the moto stack; ``without`` leaves settings out."""
    from olistctl.backends.aws.clients import AwsClients

    monkeypatch.setattr(AwsClients, "from_settings", classmethod(lambda cls, s: stack.clients))

    def run(*args: str, without: tuple[str, ...] = ()):
        dropped = {f"OLISTCTL_{key.upper()}" for key in without}
        env = {k: v for k, v in STACK_ENV.items() if k not in dropped}
        return cli("--no-progress", *args, env=env)

    return run


@pytest.fixture
def no_backoff(monkeypatch):
    """botocore's standard retries sleep up to seconds between attempts: not in tests."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def waiting_with(monkeypatch, module, sleep, clock=None) -> None:
    """Make ``module``'s polling use this sleep (and clock): waiting takes no real time."""
    real = polling.poll

    def poll(fetch, **kwargs):
        kwargs["sleep"] = sleep
        if clock is not None:
            kwargs["clock"] = clock
        return real(fetch, **kwargs)

    monkeypatch.setattr(module, "poll", poll)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def calls(client) -> list[str]:
    """The names of the operations ``client`` calls from now on, in order."""
    made: list[str] = []
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(
        f"before-call.{service}", lambda model, **kwargs: made.append(model.name)
    )
    return made


def put_processed(stack) -> None:
    """One converted file, so `crawl` has something to catalogue."""
    stack.client("s3").put_object(
        Bucket=NAMES["processed_bucket"],
        Key="olist_orders_dataset/olist_orders_dataset.parquet",
        Body=b"PAR1 (the crawler is moto's: the bytes are not read) PAR1",
    )


# -- configuration and credentials: exit 3 -----------------------------------------------------


def test_no_region_names_every_way_to_set_one(cli):
    env = {k: v for k, v in STACK_ENV.items() if k != "OLISTCTL_REGION"}
    result = cli("query", "SELECT 1", env=env)
    assert result.exit_code == ExitCode.CONFIG
    assert error_line(result) == (
        "Error: No AWS region is configured: pass --region, set AWS_REGION, add region to "
        "olistctl.toml, or give the profile a region with `aws configure`."
    )


def test_no_credentials_names_the_fix(cli):
    result = cli("query", "SELECT 1", env=STACK_ENV)
    assert result.exit_code == ExitCode.CONFIG
    assert error_line(result) == (
        "Error: No AWS credentials were found: run `aws configure`, set AWS_PROFILE, or pass "
        "--profile."
    )


def test_an_unknown_profile_names_the_fix(cli):
    result = cli("--profile", "nosuch", "query", "SELECT 1", env=STACK_ENV)
    assert result.exit_code == ExitCode.CONFIG
    assert error_line(result) == (
        "Error: The AWS profile 'nosuch' does not exist: list the profiles with "
        "`aws configure list-profiles`, or drop --profile."
    )


def test_rejected_credentials_are_a_configuration_error(aws_cli, stack):
    respond_with(
        stack.client("athena"),
        "GetQueryExecution",
        [(400, {"__type": "UnrecognizedClientException", "message": "The token is invalid."})],
    )
    result = aws_cli("query", "SELECT 1")
    assert result.exit_code == ExitCode.CONFIG
    assert error_line(result) == (
        "Error: AWS rejected the credentials (UnrecognizedClientException: The token is "
        "invalid): refresh them (`aws sso login` or `aws configure`), or choose a profile with "
        "--profile."
    )


@pytest.mark.parametrize(
    ("key", "args"),
    [
        ("workgroup", ("query", "SELECT 1")),
        ("raw_bucket", ("upload", "{data}")),
        ("crawler", ("crawl",)),
        ("function_name", ("transform",)),
    ],
)
def test_a_missing_resource_name_says_every_way_to_give_it(aws_cli, stack, tmp_path, key, args):
    data = tmp_path / "data"
    data.mkdir()
    (data / "olist_orders_dataset.csv").write_bytes(ORDERS_CSV)
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)  # so transform has something to invoke the function on
    put_processed(stack)  # and crawl something to catalogue
    result = aws_cli(*(a.format(data=data) for a in args), without=(key,))
    assert result.exit_code == ExitCode.CONFIG, result
    flag = "--" + key.replace("_", "-")
    assert error_line(result) == (
        f"Error: No {key.replace('_', ' ')} is configured: pass {flag}, set "
        f"OLISTCTL_{key.upper()}, add {key} to olistctl.toml, or deploy infra/ so its "
        "Terraform outputs name it."
    )


def test_the_flag_the_hint_names_exists(aws_cli):
    queue_result([["1"]], [("n", "integer")])
    result = aws_cli("--workgroup", NAMES["workgroup"], "query", "SELECT 1 AS n", "-o", "csv",
                     without=("workgroup",))  # fmt: skip
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == ["n", "1"]


# -- transform: a failed file is exit 1, with the function's own words -------------------------


def test_a_function_error_fails_the_file_with_its_message_and_request_id(
    aws_cli, stack, deployed_function
):
    import json

    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    stack.put_raw(RAGGED_KEY, (ORDERS_HEADER + "a,b,c\n").encode())
    errored: list[str] = []  # the request id of every invoke that answered with FunctionError
    stack.clients.invoke_client().meta.events.register(
        "after-call.lambda.Invoke",
        lambda parsed, **kw: errored.extend(
            [parsed["ResponseMetadata"]["RequestId"]] if parsed.get("FunctionError") else []
        ),
    )

    result = aws_cli("transform", "-o", "json")

    assert result.exit_code == ExitCode.FAILED
    assert "Traceback" not in result.stderr
    # moto's Lambda stand-in runs the handler in this process: its JSON log lines (CloudWatch's,
    # on AWS) land on this stdout ahead of the command's own JSON.
    document = result.stdout[result.stdout.index("\n[") + 1 :]
    by_key = {r["file"]: r for r in json.loads(document)}
    assert by_key[ORDERS_KEY]["status"] == "converted"
    assert by_key[RAGGED_KEY]["status"] == "FAILED"
    [failed_line] = [ln for ln in result.stderr.splitlines() if ln.startswith("failed ")]
    assert failed_line == (
        f"failed {RAGGED_KEY}: {RAGGED_KEY}, line 2: the row has 3 fields but the header has 8 "
        "columns: fix or remove that row (a value containing a comma must be in double quotes, "
        f"and every opening quote closed) (InputError; Lambda request id {errored[0]})"
    )
    assert by_key[RAGGED_KEY]["quality"] == failed_line.removeprefix(f"failed {RAGGED_KEY}: ")
    assert "1 converted, 0 unchanged and skipped, 1 failed." in result.stderr


def test_a_5xx_from_lambda_is_not_retried_into_a_second_run(aws_cli, stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    deployed_function.refusals += [(500, "ServiceException", "Lambda had an internal error")] * 3
    result = aws_cli("transform")
    assert result.exit_code == ExitCode.FAILED
    assert len(deployed_function.refusals) == 2 and deployed_function.events == []  # one try
    assert re.search(
        rf"^failed {ORDERS_KEY}: Lambda Invoke on {NAMES['function_name']} failed "
        r"\(ServiceException: Lambda had an internal error, request id \S+\): .*run "
        r"`olistctl transform` again: files already converted are skipped$",
        result.stderr,
        re.M,
    ), result.stderr


def test_a_read_timeout_on_invoke_is_not_retried_either(aws_cli, stack, deployed_function):
    """The function may have run and only its answer been lost: a retry could run it twice."""
    import botocore.exceptions

    attempts: list[str] = []

    def time_out(request, **kwargs):
        attempts.append(request.url)
        raise botocore.exceptions.ReadTimeoutError(endpoint_url=request.url)

    stack.clients.invoke_client().meta.events.register_first("before-send.lambda.Invoke", time_out)
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    result = aws_cli("transform")
    assert result.exit_code == ExitCode.FAILED
    assert len(attempts) == 1
    assert f"failed {ORDERS_KEY}: AWS did not answer in time (Read timeout on endpoint URL" in (
        result.stderr
    )


def test_throttled_invokes_are_retried_and_the_file_converts(
    aws_cli, stack, deployed_function, monkeypatch
):
    from olistctl.backends.aws.runner import LambdaRunner

    naps: list[float] = []
    monkeypatch.setitem(LambdaRunner.__init__.__kwdefaults__, "sleep", naps.append)
    deployed_function.refusals += [(429, "TooManyRequestsException", "Rate Exceeded.")] * 2
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    result = aws_cli("transform")
    assert result.exit_code == 0, result
    assert len(naps) == 2 and len(deployed_function.events) == 1
    assert "1 converted, 0 unchanged and skipped, 0 failed." in result.stderr


def test_a_missing_function_stops_the_run_with_the_deploy_fix(aws_cli, stack, deployed_function):
    missing = "Function not found: arn:aws:lambda:us-east-1:123456789012:function:x"
    deployed_function.refusals += [(404, "ResourceNotFoundException", missing)]
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    result = aws_cli("transform")
    assert result.exit_code == ExitCode.AWS
    line = error_line(result)
    assert line.startswith(
        f"Error: Lambda Invoke on {NAMES['function_name']} failed: {missing} "
        "(ResourceNotFoundException"
    )
    assert line.endswith(f": {DEPLOY_HINT}.")
    assert deployed_function.events == []


# -- query: Athena's own reason, the cutoff, cancellation, Ctrl-C, deadline, retries -----------


def athena_state(state: str, reason: str, category: int | None = None):
    def answer(params: dict[str, Any]) -> dict[str, Any]:
        status: dict[str, Any] = {"State": state, "StateChangeReason": reason}
        if category is not None:
            status["AthenaError"] = {"ErrorCategory": category, "ErrorType": 1006}
        return {
            "QueryExecution": {"QueryExecutionId": params["QueryExecutionId"], "Status": status}
        }

    return answer


def started_query_ids(client) -> list[str]:
    ids: list[str] = []
    client.meta.events.register(
        "after-call.athena.StartQueryExecution",
        lambda parsed, **kwargs: ids.append(parsed["QueryExecutionId"]),
    )
    return ids


@pytest.mark.parametrize(
    ("state", "reason", "category", "code", "expected"),
    [
        (
            "FAILED",
            "Internal error while reading S3.",
            1,
            ExitCode.AWS,
            "Athena query {qid} failed: Internal error while reading S3: "
            "run it again if it was a transient Athena error.",
        ),
        (
            "FAILED",
            "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
            2,
            ExitCode.USAGE,
            "Athena rejected query {qid}: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be "
            "resolved: fix the SQL; `olistctl --backend local query …` checks it without Athena.",
        ),
        (
            "FAILED",
            "Query cancelled! : Bytes scanned limit was exceeded",
            None,
            ExitCode.REFUSED,
            "Athena stopped query {qid}: Bytes scanned limit was exceeded (the workgroup's "
            "per-query cutoff): add a filter or select fewer columns, or raise the workgroup's "
            "bytes_scanned_cutoff_per_query (infra/ variable) and apply.",
        ),
        (
            "CANCELLED",
            "Query was cancelled by user",
            None,
            ExitCode.AWS,
            "Athena query {qid} was cancelled before it finished (Query was cancelled by user): "
            "run it again.",
        ),
    ],
    ids=["failed", "sql-error", "scan-cutoff", "cancelled-elsewhere"],
)
def test_a_query_that_does_not_succeed_shows_athenas_reason(
    aws_cli, stack, state, reason, category, code, expected
):
    athena = stack.client("athena")
    ids = started_query_ids(athena)
    serve(athena, "GetQueryExecution", athena_state(state, reason, category))
    result = aws_cli("query", "SELECT nope FROM olist_geolocation_dataset")
    assert result.exit_code == code
    assert error_line(result) == "Error: " + expected.format(qid=ids[0])
    assert result.stdout == ""


@pytest.fixture
def athena_keeps_running():
    """moto's queries stay QUEUED until asked 10,000 times: longer than any wait here."""
    from moto.moto_api import state_manager

    state_manager.set_transition(
        model_name="athena::execution", transition={"progression": "manual", "times": 10_000}
    )
    yield
    state_manager.unset_transition("athena::execution")


def test_ctrl_c_while_polling_stops_the_query_waits_for_cancelled_and_exits_130(
    aws_cli, stack, monkeypatch, athena_keeps_running
):
    from olistctl.backends.aws import engine

    athena = stack.client("athena")
    ids = started_query_ids(athena)
    made = calls(athena)
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:
            raise KeyboardInterrupt  # the user presses Ctrl-C while the query runs

    waiting_with(monkeypatch, engine, sleep)
    result = aws_cli("query", "SELECT * FROM olist_geolocation_dataset")

    assert result.exit_code == ExitCode.INTERRUPTED == 130
    query_id = ids[0]
    assert error_line(result) == (
        f"Error: Athena query {query_id} was cancelled: nothing more is billed for it."
    )
    # Stopped, then asked until Athena said CANCELLED: the last call saw the final state.
    assert made == [
        "StartQueryExecution",
        "GetQueryExecution",
        "StopQueryExecution",
        "GetQueryExecution",
    ]
    final = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
    assert final["State"] == "CANCELLED"


def test_a_query_past_its_deadline_is_stopped_and_exits_5(
    aws_cli, stack, monkeypatch, athena_keeps_running
):
    from olistctl.backends.aws import engine

    fake = FakeTime()
    waiting_with(monkeypatch, engine, fake.sleep, fake.clock)
    athena = stack.client("athena")
    ids = started_query_ids(athena)
    made = calls(athena)
    result = aws_cli("query", "SELECT 1")
    assert result.exit_code == ExitCode.TIMEOUT
    assert error_line(result) == (
        f"Error: Athena query {ids[0]} ran longer than 1800 s and was cancelled: add a filter or "
        "select fewer columns, or allow more time."
    )
    assert "StopQueryExecution" in made


def test_throttling_and_5xx_are_retried_and_the_query_answers(aws_cli, stack, no_backoff):
    used = respond_with(
        stack.client("athena"),
        "GetQueryExecution",
        [
            (500, {"__type": "InternalServerException", "message": "oops"}),
            (400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
            (503, {"__type": "ServiceUnavailableException", "message": "busy"}),
        ],
    )
    queue_result([["SP", "41746"]], [("state", "varchar"), ("orders", "bigint")])
    result = aws_cli("query", "SELECT state, orders FROM t", "-o", "csv")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == ["state,orders", "SP,41746"]
    assert used() == 3


def test_throttling_that_never_ends_says_so_and_exits_4(aws_cli, stack, no_backoff):
    athena = stack.client("athena")
    ids = started_query_ids(athena)
    made = calls(athena)
    used = respond_with(
        athena,
        "GetQueryExecution",
        [(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})] * 5,
    )
    result = aws_cli("query", "SELECT 1")
    assert result.exit_code == ExitCode.AWS
    assert used() == 5  # the standard retry mode's attempts, then it gives up
    # ... and the query it lost track of is stopped, not left running (and billing).
    assert made == [
        "StartQueryExecution",
        "GetQueryExecution",
        "StopQueryExecution",
        "GetQueryExecution",
    ]
    status = athena.get_query_execution(QueryExecutionId=ids[0])["QueryExecution"]["Status"]
    assert status["State"] == "CANCELLED"
    assert error_line(result) == (
        f"Error: AWS kept throttling Athena GetQueryExecution on query {ids[0]} "
        "(ThrottlingException: Rate exceeded, request id injected-5): wait a minute and run "
        "the command again, with a lower --concurrency."
    )


# -- crawl: attach to a running crawler, deadline, Ctrl-C --------------------------------------


@pytest.fixture
def crawl_ticks():
    from moto.moto_api import state_manager

    state_manager.set_transition(
        model_name="glue::crawl", transition={"progression": "manual", "times": 1}
    )
    yield
    state_manager.unset_transition("glue::crawl")


def test_a_crawler_already_running_is_attached_to_and_awaited(
    aws_cli, stack, monkeypatch, crawl_ticks
):
    from olistctl.backends.aws import catalog

    glue = stack.client("glue")
    put_processed(stack)
    glue.start_crawler(Name=NAMES["crawler"])  # someone else's run, still going
    # Each wait lets moto's crawl move on, as time would.
    waiting_with(monkeypatch, catalog, lambda s: glue.list_crawls(CrawlerName=NAMES["crawler"]))
    result = aws_cli("crawl")
    assert result.exit_code == 0, result
    assert (
        f"The crawler {NAMES['crawler']} was already running; waited for that run." in result.stderr
    )
    assert len(glue.list_crawls(CrawlerName=NAMES["crawler"])["Crawls"]) == 1  # no second run
    assert glue.get_crawler(Name=NAMES["crawler"])["Crawler"]["State"] == "READY"


def test_a_crawler_past_the_deadline_exits_5_and_says_it_keeps_running(aws_cli, stack, monkeypatch):
    from olistctl.backends.aws import catalog

    put_processed(stack)
    fake = FakeTime()
    waiting_with(monkeypatch, catalog, fake.sleep, fake.clock)
    result = aws_cli("crawl")
    assert result.exit_code == ExitCode.TIMEOUT
    assert error_line(result) == (
        f"Error: Gave up waiting for the Glue crawler {NAMES['crawler']} after 1800 s: it keeps "
        f"running on AWS; `olistctl crawl` again waits for it (or check it with "
        f"`aws glue get-crawler --name {NAMES['crawler']}`)."
    )
    assert fake.now == pytest.approx(1800)


def test_ctrl_c_while_waiting_for_the_crawler_exits_130(aws_cli, stack, monkeypatch):
    from olistctl.backends.aws import catalog

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    put_processed(stack)
    waiting_with(monkeypatch, catalog, interrupt)
    result = aws_cli("crawl")
    assert result.exit_code == ExitCode.INTERRUPTED
    assert error_line(result) == (
        f"Error: Stopped waiting for the Glue crawler {NAMES['crawler']}; it keeps running on "
        "AWS: run `olistctl crawl` again to wait for it and see the tables."
    )


# -- teardown: a bucket without the stack's tag is refused and left alone ----------------------


def test_teardown_refuses_a_bucket_without_the_stacks_tag(aws_cli, stack):
    from awsstack import make_bucket

    s3 = stack.client("s3")
    make_bucket(stack.clients, "someone-elses-bucket", stack=None)
    s3.put_object(Bucket="someone-elses-bucket", Key="keep.csv", Body=b"1")
    s3.put_object(Bucket=NAMES["raw_bucket"], Key=ORDERS_KEY, Body=ORDERS_CSV)
    result = aws_cli("--results-bucket", "someone-elses-bucket", "teardown", "--yes")
    refusal = (
        f"s3://someone-elses-bucket is not tagged {STACK_TAG_KEY}={NAMES['stack']} (it has no "
        f"{STACK_TAG_KEY} tag); it is left untouched"
    )
    assert result.exit_code == ExitCode.REFUSED
    assert f"refused: {refusal}" in result.stderr
    assert error_line(result) == f"Error: {refusal}."
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="someone-elses-bucket")["Contents"]] == [
        "keep.csv"
    ]
    assert "Versions" not in s3.list_object_versions(Bucket=NAMES["raw_bucket"])


def test_teardown_lists_an_unfinished_multipart_upload_in_its_plan_and_aborts_it(aws_cli, stack):
    import json

    s3 = stack.client("s3")
    s3.put_object(Bucket=NAMES["raw_bucket"], Key=ORDERS_KEY, Body=ORDERS_CSV)
    upload = s3.create_multipart_upload(
        Bucket=NAMES["raw_bucket"], Key="olist_orders_dataset/x.csv"
    )
    s3.upload_part(
        Bucket=NAMES["raw_bucket"],
        Key="olist_orders_dataset/x.csv",
        UploadId=upload["UploadId"],
        PartNumber=1,
        Body=b"x" * 1024,
    )
    dry = aws_cli("teardown", "--dry-run", "-o", "json")
    assert dry.exit_code == 0, dry
    rows = {(r["what"], r["where"]): r["count"] for r in json.loads(dry.stdout)}
    assert rows[("incomplete uploads", NAMES["raw_bucket"])] == 1
    assert rows[("object versions", NAMES["raw_bucket"])] == 1
    assert len(s3.list_multipart_uploads(Bucket=NAMES["raw_bucket"])["Uploads"]) == 1

    done = aws_cli("teardown", "--yes")
    assert done.exit_code == 0, done
    assert done.stderr.splitlines()[-2:] == [
        "Deleted 2 item(s).",
        "Verified: nothing of the stack's data is left.",
    ]
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=NAMES["raw_bucket"])


# -- report quality on aws names the stored objects, not the temporary copies it read ----------


def test_quality_findings_and_files_name_the_s3_objects(aws_cli, stack):
    import json

    s3 = stack.client("s3")
    raw = NAMES["raw_bucket"]
    s3.put_object(Bucket=raw, Key=ORDERS_KEY, Body=ORDERS_CSV)
    s3.put_object(Bucket=raw, Key="mystery/mystery.csv", Body=b"a,b\n1,2\n")
    result = aws_cli("report", "quality", "--fail-on", "never", "-o", "json")
    assert result.exit_code == 0, result
    assert "olistctl-quality-" not in result.stdout + result.stderr
    report = json.loads(result.stdout)["raw"]
    assert report["files"] == {
        "olist_orders_dataset": [f"s3://{raw}/{ORDERS_KEY}"],
        "mystery": [f"s3://{raw}/mystery/mystery.csv"],
    }
    [unknown] = [f for f in report["findings"] if f["check"] == "unknown-table"]
    assert unknown["message"] == (
        f"s3://{raw}/mystery/mystery.csv: not an Olist table; only NULLs were counted."
    )


def test_a_damaged_parquet_object_is_named_by_its_s3_address(aws_cli, stack):
    processed = NAMES["processed_bucket"]
    key = "olist_orders_dataset/olist_orders_dataset.parquet"
    stack.client("s3").put_object(Bucket=processed, Key=key, Body=b"PAR1 not really")
    result = aws_cli("report", "quality")
    assert result.exit_code == ExitCode.USAGE, result
    line = error_line(result)
    assert line.startswith(f"Error: s3://{processed}/{key}: not a readable Parquet file ("), line
    assert line.endswith("): convert it again with `olistctl transform --force`."), line
    assert "olistctl-quality-" not in result.stderr


# -- a query that succeeds: the stats line prices its bytes with the pricing table -------------


@pytest.mark.parametrize("per_tb", [None, 123_456.0], ids=["published", "patched"])
def test_the_stats_line_prices_athenas_bytes_with_the_regions_table(
    aws_cli, stack, monkeypatch, per_tb
):
    """moto reports 0 bytes scanned: the statistics are injected. A patched price shows the
    line reads the table (pricing.json), not a constant."""
    from olistctl import pricing

    scanned = 123_456_789
    if per_tb is not None:
        real = pricing.region_prices(REGION)
        patched = dict(real.prices)
        key = "athena.usd_per_tb_scanned"
        patched[key] = pricing.Price(**{**real.prices[key].__dict__, "value": per_tb})
        monkeypatch.setattr(
            pricing,
            "region_prices",
            lambda region: pricing.RegionPrices(region, real.name, patched),
        )
    price = (
        per_tb or pricing.price_table()["regions"][REGION]["athena"]["usd_per_tb_scanned"]["value"]
    )

    def succeeded(params: dict[str, Any]) -> dict[str, Any]:
        return {
            "QueryExecution": {
                "QueryExecutionId": params["QueryExecutionId"],
                "StatementType": "DML",
                "ResultConfiguration": {"OutputLocation": f"s3://{NAMES['results_bucket']}/x.csv"},
                "Status": {"State": "SUCCEEDED"},
                "Statistics": {"EngineExecutionTimeInMillis": 2345, "DataScannedInBytes": scanned},
            }
        }

    athena = stack.client("athena")
    ids = started_query_ids(athena)
    serve(athena, "GetQueryExecution", succeeded)
    queue_result([["SP"], ["RJ"]], [("state", "varchar")])
    result = aws_cli("query", "SELECT state FROM t", "-o", "csv")

    assert result.exit_code == 0, result
    # Athena bills whole megabytes (2^20 bytes), at least 10, at the price per 2^40 bytes.
    billed_mb = max(10, -(-scanned // 2**20))
    dollars = billed_mb * 2**20 / 2**40 * price
    shown = f"${dollars:,.2f}" if dollars >= 0.01 else f"${dollars:.6f}"
    assert result.stderr.splitlines()[-1] == (
        f"2 rows · 2.35 s · scanned 123.5 MB (billed {billed_mb * 2**20 / 1e6:.1f} MB) · {shown} "
        f"in {REGION} · {ids[0]}"
    )


# -- report quality's rules go to Athena as one query -------------------------------------------


def test_the_quality_rules_reach_athena_unchanged_and_their_answer_is_read(aws_cli, stack):
    """moto's Athena runs no SQL: the answer is queued here. What this shows is the way there
    and back (the rules' SQL exactly as the local engine runs it, Athena's typed answer read
    into findings and samples), not that Athena would find the same rows; the local tests
    compare the rules' counts with pandas."""
    import json

    from olistctl.dataset import ORDERS
    from olistctl.quality.rules import list_rules, ranked_union

    s3, glue, athena = stack.client("s3"), stack.client("glue"), stack.client("athena")
    s3.put_object(Bucket=NAMES["raw_bucket"], Key=ORDERS_KEY, Body=ORDERS_CSV)
    glue.create_table(
        DatabaseName=NAMES["database"],
        TableInput={
            "Name": ORDERS.name,
            "TableType": "EXTERNAL_TABLE",
            "StorageDescriptor": {
                "Columns": [{"Name": c.name, "Type": c.athena_type} for c in ORDERS.columns],
                "Location": f"s3://{NAMES['processed_bucket']}/{ORDERS.name}/",
            },
        },
    )
    sent: list[str] = []
    athena.meta.events.register(
        "before-parameter-build.athena.StartQueryExecution",
        lambda params, **kwargs: sent.append(params["QueryString"]),
    )
    columns = [
        ("label", "varchar"),
        ("failing", "bigint"),
        ("key", "varchar"),
        ("detail", "varchar"),
    ]
    queue_result(
        [
            ["carrier-before-purchase", "3", "a" * 32, "carrier 2018-03-18 19:07:28.000"],
            ["delivered-without-date", "1", "b" * 32, "bought 2018-08-29 19:36:16.000"],
        ],
        columns,
    )
    result = aws_cli("report", "quality", "-o", "json", "--samples", "1", "--fail-on", "never")
    assert result.exit_code == 0, result

    on_orders = [r for r in list_rules() if r.tables == [ORDERS.name]]
    # The rules first, then the samples of the streaming checks' findings (none queued).
    assert sent[0] == ranked_union([(r.name, r.sql) for r in on_orders], 1) and len(sent) == 2
    report = json.loads(result.stdout)
    found = {f["check"]: f for f in report["findings"] if f["stages"] == ["catalog"]}
    assert {name: (f["count"], f["samples"]) for name, f in found.items()} == {
        "carrier-before-purchase": (
            3,
            [{"key": "a" * 32, "detail": "carrier 2018-03-18 19:07:28.000"}],
        ),
        "delivered-without-date": (
            1,
            [{"key": "b" * 32, "detail": "bought 2018-08-29 19:36:16.000"}],
        ),
    }
    assert report["rules"]["ran"] == [r.name for r in on_orders]
    assert {s["rule"] for s in report["rules"]["skipped"]} == {
        r.name for r in list_rules() if r not in on_orders
    }


def test_quality_on_an_empty_stack_names_its_stages_not_a_workspace(aws_cli, stack):
    """The aws backend has buckets, not the local backend's workspace: the sentence says
    what is empty in words true of both."""
    result = aws_cli("report", "quality")
    assert result.exit_code == ExitCode.FAILED, result
    assert error_line(result) == (
        "Error: The raw and processed stages are empty, so there is nothing to check:"
        " run `olistctl upload PATH` (or `olistctl run`) first."
    )
    assert result.stdout == ""


def test_an_aws_refusal_without_a_known_fix_points_at_its_reason_in_the_sentence(aws_cli, stack):
    """The reason is inside the sentence (in parentheses), not "above" it: there is no line
    above. moto answers a workgroup it does not hold with InvalidRequestException."""
    result = aws_cli("--workgroup", "nope", "query", "SELECT 1")
    assert result.exit_code == ExitCode.AWS, result
    assert re.fullmatch(
        r"Error: Athena StartQueryExecution on workgroup nope failed \(InvalidRequestException:"
        r" .+, request id .+\): the reason in parentheses is AWS's own; run again with --debug"
        r" for details\.",
        error_line(result),
    ), result
