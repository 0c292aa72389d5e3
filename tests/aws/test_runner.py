"""Transform runners on moto: the real handler from the Lambda zip, invoked through the Lambda API;
function errors, throttling and 5xx; and `--runner local` giving the same answers."""

from __future__ import annotations

import hashlib

import pytest
from awsstack import NAMES, ORDERS_CSV, ORDERS_HEADER, require_transform

require_transform()

from olistctl import layout, pipeline  # noqa: E402 (needs the transform core)
from olistctl.errors import AwsError, ExitCode  # noqa: E402

ORDERS_KEY = "olist_orders_dataset/olist_orders_dataset.csv"
RAGGED_KEY = "olist_orders_dataset/broken.csv"
THROTTLED = (429, "TooManyRequestsException", "Rate Exceeded.")


def processed_bytes(stack, key: str) -> bytes:
    s3 = stack.client("s3")
    return s3.get_object(Bucket=NAMES["processed_bucket"], Key=key)["Body"].read()


def test_lambda_runner_invokes_the_packaged_handler_once_per_object(stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    stack.put_raw("olist_orders_dataset/second.csv", ORDERS_CSV)
    backend = stack.backend()
    done: list[int] = []

    outcomes = list(
        backend.runner.convert(
            [ORDERS_KEY, "olist_orders_dataset/second.csv"], concurrency=2, progress=done.append
        )
    )

    assert sorted(deployed_function.events, key=lambda e: e["key"]) == [
        {"bucket": NAMES["raw_bucket"], "key": "olist_orders_dataset/olist_orders_dataset.csv"},
        {"bucket": NAMES["raw_bucket"], "key": "olist_orders_dataset/second.csv"},
    ]
    assert all(o.ok and o.rows == 3 and o.table == "olist_orders_dataset" for o in outcomes)
    assert {o.processed_key for o in outcomes} == {
        "olist_orders_dataset/olist_orders_dataset.parquet",
        "olist_orders_dataset/second.parquet",
    }
    assert all(o.request_id and o.quality is not None for o in outcomes)
    assert sum(done) == 2 * len(ORDERS_CSV)
    head = backend.store.head("processed", "olist_orders_dataset/second.parquet")
    assert head.sha256 == hashlib.sha256(ORDERS_CSV).hexdigest()


def test_a_function_error_is_a_failed_outcome_with_message_type_and_request_id(
    stack, deployed_function
):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    stack.put_raw(RAGGED_KEY, (ORDERS_HEADER + "a,b,c\n").encode())
    outcomes = {
        o.raw_key: o
        for o in stack.backend().runner.convert([ORDERS_KEY, RAGGED_KEY], concurrency=2)
    }
    assert outcomes[ORDERS_KEY].ok
    failed = outcomes[RAGGED_KEY]
    assert not failed.ok and failed.processed_key is None and failed.request_id
    assert failed.error.endswith(f" (InputError; Lambda request id {failed.request_id})")
    assert "broken.csv" in failed.error
    assert stack.backend().store.head("processed", "olist_orders_dataset/broken.parquet") is None


def test_throttled_invokes_are_retried_because_the_function_did_not_run(stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    backend = stack.backend()
    naps: list[float] = []
    backend.runner.sleep = naps.append
    deployed_function.refusals += [THROTTLED, THROTTLED]

    [outcome] = backend.runner.convert([ORDERS_KEY], concurrency=1)

    assert outcome.ok and deployed_function.refusals == []
    assert len(naps) == 2 and 0.5 <= naps[0] <= 1.0 and 1.0 <= naps[1] <= 2.0
    assert len(deployed_function.events) == 1


def test_throttling_that_never_ends_fails_the_object_with_the_rerun_hint(stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    backend = stack.backend()
    backend.runner.sleep = lambda s: None
    deployed_function.refusals += [THROTTLED] * 10
    [outcome] = backend.runner.convert([ORDERS_KEY], concurrency=1)
    assert len(deployed_function.refusals) == 4 and deployed_function.events == []
    assert not outcome.ok
    assert outcome.error.startswith(
        f"AWS kept throttling Lambda Invoke on {NAMES['function_name']} "
        "(TooManyRequestsException: Rate Exceeded"
    )
    assert outcome.error.endswith(
        "run `olistctl transform` again: files already converted are skipped"
    )


def test_a_5xx_is_not_retried_into_a_second_run(stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    backend = stack.backend()
    deployed_function.refusals += [(500, "ServiceException", "Lambda had an internal error")] * 3
    [outcome] = backend.runner.convert([ORDERS_KEY], concurrency=1)
    assert len(deployed_function.refusals) == 2 and deployed_function.events == []
    assert not outcome.ok
    assert outcome.error.startswith(
        f"Lambda Invoke on {NAMES['function_name']} failed (ServiceException: Lambda had an "
        f"internal error, request id {outcome.request_id})"
    )
    assert outcome.request_id


def test_a_missing_function_stops_the_run_with_the_deploy_fix(stack, deployed_function):
    # moto's no-Docker Lambda answers any name, so the service's 404 is played here.
    function = NAMES["function_name"]
    missing = f"Function not found: arn:aws:lambda:us-east-1:123456789012:function:{function}"
    deployed_function.refusals += [(404, "ResourceNotFoundException", missing)] * 2
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    stack.put_raw(RAGGED_KEY, ORDERS_CSV)
    with pytest.raises(AwsError) as caught:
        list(stack.backend().runner.convert([ORDERS_KEY, RAGGED_KEY], concurrency=1))
    assert caught.value.exit_code == ExitCode.AWS
    assert str(caught.value).startswith(
        f"Lambda Invoke on {function} failed: {missing} (ResourceNotFoundException"
    )
    assert str(caught.value).endswith(
        "deploy the stack with `terraform -chdir=infra apply`, or check the names with "
        "`olistctl config show`"
    )
    assert deployed_function.events == []


def test_the_local_runner_gives_the_lambdas_answers(stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    [by_lambda] = stack.backend().runner.convert([ORDERS_KEY], concurrency=1)
    parquet_by_lambda = processed_bytes(stack, by_lambda.processed_key)
    stack.client("s3").delete_object(Bucket=NAMES["processed_bucket"], Key=by_lambda.processed_key)

    done: list[int] = []
    local = stack.backend(runner="local")
    [in_process] = local.runner.convert([ORDERS_KEY], concurrency=1, progress=done.append)

    assert len(deployed_function.events) == 1  # the function was not invoked again
    assert in_process.request_id.startswith("local-")
    for field in ("ok", "raw_key", "table", "processed_key", "rows", "bytes_in", "bytes_out"):
        assert getattr(in_process, field) == getattr(by_lambda, field), field
    assert in_process.quality == by_lambda.quality
    assert processed_bytes(stack, in_process.processed_key) == parquet_by_lambda
    assert sum(done) == len(ORDERS_CSV)


def test_the_local_runner_reports_a_bad_file_and_goes_on(stack):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    stack.put_raw(RAGGED_KEY, (ORDERS_HEADER + "a,b,c\n").encode())
    outcomes = {
        o.raw_key: o
        for o in stack.backend(runner="local").runner.convert(
            [ORDERS_KEY, RAGGED_KEY], concurrency=2
        )
    }
    assert outcomes[ORDERS_KEY].ok and not outcomes[RAGGED_KEY].ok
    assert "broken.csv" in outcomes[RAGGED_KEY].error


def test_pipeline_transform_skips_what_the_lambda_already_converted(stack, deployed_function):
    stack.put_raw(ORDERS_KEY, ORDERS_CSV)
    backend = stack.backend()
    first = pipeline.transform(backend)
    assert [o.raw_key for o in first.converted] == [ORDERS_KEY]
    again = pipeline.transform(backend)
    assert [o.raw_key for o in again.skipped] == [ORDERS_KEY] and again.converted == []
    assert len(deployed_function.events) == 1
    stack.put_raw(ORDERS_KEY, ORDERS_CSV + ORDERS_CSV.splitlines(keepends=True)[1])
    changed = pipeline.transform(backend)
    assert [o.raw_key for o in changed.converted] == [ORDERS_KEY]
    assert changed.converted[0].rows == 4
    entries = backend.ledger.entries()
    assert [(e.stage, e.key, e.ok) for e in entries] == [("transform", ORDERS_KEY, True)] * 2
    assert layout.SOURCE_SHA256  # the key the skip compares, via S3 metadata
