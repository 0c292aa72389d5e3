"""Helpers for the aws tests: the stack's names, sample bytes, moto stand-ins, injected answers."""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import subprocess
import sys
import urllib.request
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REGION = "us-east-1"
STACK = "olist-test"
NAMES = {
    "raw_bucket": "olist-test-raw",
    "processed_bucket": "olist-test-processed",
    "results_bucket": "olist-test-results",
    "function_name": "olist-test-transform",
    "database": "olist_test",
    "crawler": "olist-test-crawler",
    "workgroup": "olist-test",
    "stack": STACK,
}
# The CLI's settings for the stack above (`olistctl --backend aws` on it).
STACK_ENV = {
    "OLISTCTL_BACKEND": "aws",
    "OLISTCTL_REGION": REGION,
    **{f"OLISTCTL_{key.upper()}": value for key, value in NAMES.items()},
}
REPO = Path(__file__).resolve().parents[2]
OLISTCTL = Path(sys.executable).with_name("olistctl")  # the installed console script
ORDERS_HEADER = (
    '"order_id","customer_id","order_status","order_purchase_timestamp","order_approved_at",'
    '"order_delivered_carrier_date","order_delivered_customer_date",'
    '"order_estimated_delivery_date"\n'
)
ORDERS_ROWS = (
    'e481f51cbdc54678b7cc49136f2d6af7,"9ef432eb6251297304e76186b10a928d",delivered,'
    "2017-10-02 10:56:33,2017-10-02 11:07:15,2017-10-04 19:55:00,2017-10-10 21:25:13,"
    "2017-10-18 00:00:00\n"
    '"53cdb2fc8bc7dce0b6741e2150273451",b0830fb4747a6c6d20dea0b8c802d7ef,delivered,'
    "2018-07-24 20:41:37,2018-07-26 03:24:27,2018-07-26 14:31:00,2018-08-07 15:27:45,"
    "2018-08-13 00:00:00\n"
    'f88197465ea7920adcdbec7375364d82,"7c142cf63193a1473d2e66489a9ae977",shipped,'
    "2017-11-18 19:28:06,2017-11-18 19:45:59,2017-11-22 13:39:59,,"
    "2017-12-15 00:00:00\n"
)
ORDERS_CSV = (ORDERS_HEADER + ORDERS_ROWS).encode()


def orders_csv(rows: int) -> bytes:
    """An orders CSV of ``rows`` distinct orders: big enough for multipart uploads and
    Parquet of several parts (120,000 rows: 21.6 MB of CSV, 10.6 MB of Parquet)."""
    import hashlib
    from datetime import datetime, timedelta

    start = datetime(2017, 1, 1)
    lines = [ORDERS_HEADER]
    for n in range(rows):
        order_id = hashlib.md5(n.to_bytes(8, "little")).hexdigest()
        customer_id = hashlib.md5((n + (1 << 40)).to_bytes(8, "little")).hexdigest()
        moment = start + timedelta(seconds=97 * n)
        at = moment.strftime("%Y-%m-%d %H:%M:%S")
        due = moment.strftime("%Y-%m-%d 00:00:00")
        lines.append(f'"{order_id}","{customer_id}",delivered,{at},{at},{at},{at},{due}\n')
    return "".join(lines).encode()


SSE_S3_DEFAULT = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


def tag_set(stack: str | None) -> dict[str, Any]:
    from olistctl.settings import STACK_TAG_KEY

    tags = [{"Key": "project", "Value": "olistctl"}]
    if stack is not None:
        tags.append({"Key": STACK_TAG_KEY, "Value": stack})
    return {"TagSet": tags}


def make_bucket(clients, name: str, *, stack: str | None = STACK, versioned: bool = False) -> None:
    s3 = clients.client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging=tag_set(stack))
    # What infra/s3.tf sets (and what S3 applies to any bucket without a setting).
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=SSE_S3_DEFAULT)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


@dataclass
class Stack:
    clients: Any
    settings: Any
    names: dict[str, str]

    def client(self, service: str):
        return self.clients.client(service)

    def backend(self, **overrides: str):
        """The aws backend on this stack; ``overrides`` replace settings (as flags would)."""
        from olistctl.backends.aws import open_aws_backend
        from olistctl.settings import Value

        for key, value in overrides.items():
            self.settings.values[key] = Value(value, "test")
        return open_aws_backend(self.settings, clients=self.clients)

    def put_raw(self, key: str, data: bytes, *, sha: str | None = "auto") -> None:
        """A raw object as `olistctl upload` stores it; ``sha=None`` leaves out the checksum."""
        import hashlib

        from olistctl import layout

        metadata = {}
        if sha == "auto":
            metadata[layout.CONTENT_SHA256] = hashlib.sha256(data).hexdigest()
        elif sha is not None:
            metadata[layout.CONTENT_SHA256] = sha
        self.client("s3").put_object(
            Bucket=self.names["raw_bucket"], Key=key, Body=data, Metadata=metadata
        )


def create_stack(clients, names: dict[str, str]) -> None:
    """What infra/ deploys, as far as the tests need it: tagged buckets (raw and processed
    versioned), the Glue database (tagged) and crawler, the Athena workgroup."""
    from olistctl.settings import STACK_TAG_KEY

    for key in ("raw_bucket", "processed_bucket", "results_bucket"):
        make_bucket(clients, names[key], stack=names["stack"], versioned=key != "results_bucket")
    glue = clients.client("glue")
    glue.create_database(
        DatabaseInput={"Name": names["database"]}, Tags={STACK_TAG_KEY: names["stack"]}
    )
    glue.create_crawler(
        Name=names["crawler"],
        Role="arn:aws:iam::123456789012:role/crawler",
        DatabaseName=names["database"],
        Targets={"S3Targets": [{"Path": f"s3://{names['processed_bucket']}/orders/"}]},
    )
    clients.client("athena").create_work_group(
        Name=names["workgroup"],
        Configuration={
            "ResultConfiguration": {"OutputLocation": f"s3://{names['results_bucket']}/athena/"}
        },
        Tags=[{"Key": "project", "Value": "olistctl"}],
    )


# -- the Lambda function, run for real by moto -----------------------------------------


def lambda_zip_bytes(tmp_path: Path) -> bytes:
    """The zip infra/build_lambda.py builds (the packaged handler and its core)."""
    spec = importlib.util.spec_from_file_location(
        "build_lambda", REPO / "infra" / "build_lambda.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path, _ = module.build_zip(tmp_path / "olistctl_lambda.zip")
    return path.read_bytes()


def load_zipped_handler(zip_path: Path):
    """``olistctl.lambda_handler`` imported from the zip, so the packaged code is what runs.

    The test process's own ``olistctl`` modules are set aside during the import
    and put back afterwards; the zip's modules stay referenced by the handler.
    """
    own = {k: m for k, m in sys.modules.items() if k == "olistctl" or k.startswith("olistctl.")}
    for name in own:
        del sys.modules[name]
    sys.path.insert(0, str(zip_path))
    try:
        module = importlib.import_module("olistctl.lambda_handler")
    finally:
        sys.path.remove(str(zip_path))
        for name in [k for k in sys.modules if k == "olistctl" or k.startswith("olistctl.")]:
            del sys.modules[name]
        sys.modules.update(own)
        importlib.invalidate_caches()
    assert str(module.__file__).startswith(str(zip_path)), module.__file__
    return module


# -- injecting HTTP answers ----------------------------------------------------------


def respond_with(
    client, operation: str, answers: list[tuple[int, dict[str, Any]] | None]
) -> Callable[[], int]:
    """Make ``client`` get these raw HTTP answers for ``operation``, then the real ones.

    A ``before-send`` handler returns an ``AWSResponse``, so botocore parses it
    (and its retry logic sees it) exactly as if AWS had sent it. ``None`` in
    the list lets that call through to moto. Returns a function telling how
    many answers were injected. botocore still calls moto's own before-send
    handler (its answer is dropped), so use this for calls without effects.
    """
    from botocore.awsrequest import AWSResponse

    queue = list(answers)
    used = 0

    def handler(request, **kwargs):
        nonlocal used
        if not queue:
            return None
        answer = queue.pop(0)
        if answer is None:
            return None
        status, body = answer
        used += 1
        raw = SimpleNamespace(stream=lambda **kw: iter([json.dumps(body).encode()]))
        headers = {
            "x-amzn-RequestId": f"injected-{used}",
            "x-amzn-ErrorType": body.get("__type", ""),
            "Content-Type": "application/json",
        }
        return AWSResponse(request.url, status, headers, raw)

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"before-send.{service}.{operation}", handler)
    return lambda: used


def serve(client, operation: str, answer: Callable[[dict[str, Any]], dict[str, Any] | None]):
    """Answer ``operation`` with ``answer(api_params)`` (a parsed response), or let it through
    to moto when that returns None: for what moto does not model (paging, statistics)."""
    captured: dict[str, Any] = {}

    def keep(params, **kwargs):
        captured.clear()
        captured.update(params)

    def respond(**kwargs):
        parsed = answer(dict(captured))
        if parsed is None:
            return None
        return SimpleNamespace(status_code=200, headers={}), parsed

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"before-parameter-build.{service}.{operation}", keep)
    client.meta.events.register_first(f"before-call.{service}.{operation}", respond)


def require_transform() -> None:
    """Skip the calling test module until the transform core (``convert_csv``) exists."""
    import pytest

    module = pytest.importorskip("olistctl.transform", reason="the transform core is missing")
    if not hasattr(module, "convert_csv"):
        pytest.skip("the transform core is not complete yet", allow_module_level=True)


@dataclass
class FunctionCalls:
    events: list[Any]  # what the handler ran on
    request_ids: list[str]
    # (HTTP status, error type, message): the Lambda service refuses the next invokes
    # with these, before the handler runs (throttling, 5xx).
    refusals: list[tuple[int, str, str]] = field(default_factory=list)
    # True while the test that deployed the function runs (monkeypatch resets it): an
    # invoke from a thread that outlives the test must not set os.environ for good.
    live: bool = False


def deploy_function(clients, names: dict[str, str], tmp_path: Path, monkeypatch) -> FunctionCalls:
    """Create the transform function from the real zip; make moto's invokes run its handler.

    moto runs no Lambda code without Docker, so its no-Docker backend's
    ``invoke`` is replaced by one that imports the handler from the zip and
    calls it with the function's environment, answering as the Lambda
    runtime does (an unhandled error is ``FunctionError: Unhandled``).
    Works in-process (``mock_aws``) and in a ``ThreadedMotoServer`` in this
    process alike.
    """
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.core.exceptions import JsonRESTError

    data = lambda_zip_bytes(tmp_path)
    zip_path = tmp_path / "function.zip"
    zip_path.write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "olistctl/lambda_handler.py" in archive.namelist()
        assert not any(n.startswith("olistctl/cli/") for n in archive.namelist())
    handler_module = load_zipped_handler(zip_path)
    monkeypatch.setattr(handler_module, "_s3_client", None)

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = clients.client("iam").create_role(
        RoleName="transform", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    clients.client("lambda").create_function(
        FunctionName=names["function_name"],
        Runtime="python3.12",
        Role=role,
        Handler="olistctl.lambda_handler.handler",
        Code={"ZipFile": data},
        Environment={
            "Variables": {
                "OLISTCTL_PROCESSED_BUCKET": names["processed_bucket"],
                "OLISTCTL_LOG_LEVEL": "INFO",
            }
        },
        Timeout=300,
        MemorySize=1024,
    )
    calls = FunctionCalls([], [])
    monkeypatch.setattr(calls, "live", True)

    def invoke(self, function_name, qualifier, body, headers, response_headers):
        if calls.refusals:
            status, error_type, message = calls.refusals.pop(0)
            refusal = JsonRESTError(error_type, message)
            refusal.code = status
            raise refusal
        function = self.get_function(function_name, qualifier)
        if not calls.live:
            raise RuntimeError("the test that deployed this function has ended")
        for key, value in function.environment_vars.items():
            monkeypatch.setenv(key, value)
        request_id = str(uuid.uuid4())
        event = json.loads(body)
        calls.events.append(event)
        calls.request_ids.append(request_id)
        context = SimpleNamespace(aws_request_id=request_id, function_name=function_name)
        try:
            answer = handler_module.handler(event, context)
        except Exception as exc:  # what the Lambda runtime reports for an unhandled error
            response_headers["x-amz-function-error"] = "Unhandled"
            error = {"errorMessage": str(exc), "errorType": type(exc).__name__}
            return json.dumps(error).encode()
        return json.dumps(answer).encode()

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    return calls


# -- the installed olistctl against a moto server --------------------------------------


def olistctl(
    cwd: Path, env: dict[str, str], *args: str, check: bool = True, timeout: float = 180
) -> subprocess.CompletedProcess:
    """Run the installed ``olistctl --no-progress``; with ``check``, fail unless it exits 0."""
    proc = subprocess.run(
        [str(OLISTCTL), "--no-progress", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert proc.returncode == 0, f"olistctl {' '.join(args)}: {proc.stderr}\n{proc.stdout}"
    return proc


def queue_result(rows: list[list[str]], columns: list[tuple[str, str]]) -> None:
    """Athena's answer for the next query (moto runs no SQL), in this process's moto; the
    first row is the header."""
    from moto.athena.models import QueryResults, athena_backends

    data = [{"Data": [{"VarCharValue": name} for name, _ in columns]}]
    data += [{"Data": [{"VarCharValue": v} for v in row]} for row in rows]
    info = [{"Name": n, "Label": n, "Type": t, "Precision": 0, "Scale": 0} for n, t in columns]
    athena_backends["123456789012"][REGION].query_results_queue.append(QueryResults(data, info))


def queue_athena_result(url: str, columns: list[tuple[str, str]], rows: list[tuple]) -> None:
    """moto's Athena runs no SQL: give the server at ``url`` the answer for the next query."""
    body = {
        "results": [
            {
                "rows": [{"Data": [{"VarCharValue": c} for c, _ in columns]}]
                + [{"Data": [{"VarCharValue": str(v)} for v in row]} for row in rows],
                "column_info": [
                    {"Name": c, "Label": c, "Type": t, "Nullable": "UNKNOWN"} for c, t in columns
                ],
            }
        ]
    }
    request = urllib.request.Request(
        f"{url}/moto-api/static/athena/query-results",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    assert urllib.request.urlopen(request).status == 201
