"""The Athena engine over both of Athena's wire protocols: json and rest-json.

botocore 1.44.18 moved Athena from the ``json`` protocol (one POST to ``/`` with an
``X-Amz-Target`` header) to ``rest-json`` (a path and verb per operation, ``NextToken``
in the query string, the error type in ``x-amzn-ErrorType``). Real Athena accepts both;
moto routes only ``json``, so the lock holds botocore back for the moto tests (README:
Development). A user's install takes the newest botocore, so the code paths that touch
the wire (the result pages' ``NextToken``, the error code a failure is mapped by) are
run here through botocore's own serializers and parsers for each protocol, with raw
HTTP answers in each protocol's shape.

``botocore_models/athena`` holds botocore 1.44.18's Athena model (Apache-2.0), cut to
the four operations olistctl calls; it shadows the installed ``json`` model when its
folder is on the loader's search path.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.loaders
import pytest
from botocore.awsrequest import AWSResponse

from olistctl.backends.aws import clients as clients_module
from olistctl.backends.aws.clients import AwsClients
from olistctl.backends.aws.engine import AthenaEngine
from olistctl.backends.aws.names import StackNames
from olistctl.errors import AwsError, ExitCode, SqlError
from olistctl.settings import load_settings

REST_JSON_MODELS = Path(__file__).parent / "botocore_models"
QUERY_ID = "5f1c9a1e-0000-4000-8000-000000000001"


class FakeAthena:
    """Answers Athena's HTTP requests in the shape of one protocol and records them."""

    def __init__(self, protocol: str, results: list[dict[str, Any]], error: tuple | None = None):
        self.protocol = protocol
        self.pages = list(results)
        self.error = error  # (status, type, message) for StartQueryExecution
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def operation(self, request) -> tuple[str, dict[str, Any]]:
        """(operation name, its parameters as sent on the wire)."""
        url = urlsplit(request.url)
        body = json.loads(request.body or b"{}")
        if self.protocol == "json":
            target = request.headers["X-Amz-Target"].decode()
            assert request.method == "POST" and url.path == "/"
            return target.split(".", 1)[1], body
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        routes = {
            ("POST", "/query-executions"): "StartQueryExecution",
            ("GET", f"/query-executions/{QUERY_ID}"): "GetQueryExecution",
            ("GET", f"/query-executions/{QUERY_ID}/results"): "GetQueryResults",
            ("POST", f"/query-executions/{QUERY_ID}/stop"): "StopQueryExecution",
        }
        return routes[(request.method, url.path)], {**body, **query}

    def __call__(self, request, **kwargs) -> AWSResponse:
        name, params = self.operation(request)
        self.requests.append((name, params))
        if name == "StartQueryExecution" and self.error:
            status, error_type, message = self.error
            return self.respond(request, status, self.error_body(error_type, message), error_type)
        if name == "StartQueryExecution":
            return self.respond(request, 200, {"QueryExecutionId": QUERY_ID})
        if name == "GetQueryExecution":
            return self.respond(
                request,
                200,
                {
                    "QueryExecution": {
                        "QueryExecutionId": QUERY_ID,
                        "StatementType": "DML",
                        "Status": {"State": "SUCCEEDED"},
                        "Statistics": {
                            "DataScannedInBytes": 12345,
                            "EngineExecutionTimeInMillis": 321,
                        },
                    }
                },
            )
        if name == "GetQueryResults":
            return self.respond(request, 200, self.pages.pop(0))
        raise AssertionError(f"unexpected {name}")

    def error_body(self, error_type: str, message: str) -> dict[str, Any]:
        # json puts the type in the body's __type; rest-json in the x-amzn-ErrorType
        # header, with a lower-case "message" in the body.
        if self.protocol == "json":
            return {"__type": f"com.amazonaws.athena#{error_type}", "Message": message}
        return {"message": message}

    def respond(self, request, status: int, body: dict, error_type: str | None = None):
        headers = {"x-amzn-RequestId": "req-1", "Content-Type": "application/x-amz-json-1.1"}
        if self.protocol == "rest-json":
            headers["Content-Type"] = "application/json"
            if error_type:
                headers["x-amzn-ErrorType"] = (
                    f"{error_type}:http://internal.amazon.com/coral/com.amazonaws.athena/"
                )
        raw = SimpleNamespace(stream=lambda **kw: iter([json.dumps(body).encode()]))
        return AWSResponse(request.url, status, headers, raw)


def page(rows: list[list[str]], token: str | None, *, header: bool) -> dict[str, Any]:
    columns = [
        {"Name": "order_status", "Label": "order_status", "Type": "varchar"},
        {"Name": "orders", "Label": "orders", "Type": "bigint"},
    ]
    data = ([["order_status", "orders"]] if header else []) + rows
    result: dict[str, Any] = {
        "ResultSet": {
            "Rows": [{"Data": [{"VarCharValue": v} for v in r]} for r in data],
            "ResultSetMetadata": {"ColumnInfo": columns},
        }
    }
    if token:
        result["NextToken"] = token
    return result


@pytest.fixture(params=["json", "rest-json"])
def protocol(request, monkeypatch, aws_env) -> str:
    """A loader that gives the Athena client this protocol's model."""
    extra = [str(REST_JSON_MODELS)] if request.param == "rest-json" else []
    loader = botocore.loaders.create_loader()
    loader.search_paths[:0] = extra
    monkeypatch.setattr(clients_module, "shared_loader", lambda: loader)
    return request.param


def engine_for(fake: FakeAthena, tmp_path: Path) -> AthenaEngine:
    clients = AwsClients(region="us-east-1")
    athena = clients.client("athena")
    assert athena.meta.service_model.protocol == fake.protocol
    athena.meta.events.register_first("before-send.athena", fake)
    flags = {"backend": "aws", "database": "olist_db", "workgroup": "olist-wg"}
    names = StackNames(load_settings(flags, env={}, cwd=tmp_path))
    return AthenaEngine(clients, names, sleep=lambda s: None)


def test_results_are_paged_with_next_token_on_either_protocol(protocol, tmp_path):
    fake = FakeAthena(
        protocol,
        [
            page([["delivered", "96478"]], "token-page-2", header=True),
            page([["shipped", "1107"]], None, header=False),
        ],
    )
    result = engine_for(fake, tmp_path).execute("SELECT order_status, COUNT(*) FROM t GROUP BY 1")

    assert result.columns == ["order_status", "orders"]
    assert result.rows == [("delivered", 96478), ("shipped", 1107)]
    assert result.bytes_scanned == 12345 and result.query_id == QUERY_ID
    pages = [params for name, params in fake.requests if name == "GetQueryResults"]
    assert "NextToken" not in pages[0]
    assert pages[1]["NextToken"] == "token-page-2"
    start = next(params for name, params in fake.requests if name == "StartQueryExecution")
    assert start["QueryString"] == "SELECT order_status, COUNT(*) FROM t GROUP BY 1"
    assert start["WorkGroup"] == "olist-wg"


@pytest.mark.parametrize(
    ("error_type", "error", "exit_code", "words"),
    [
        ("AccessDeniedException", AwsError, ExitCode.AWS, "Access was denied to Athena"),
        ("InvalidRequestException", AwsError, ExitCode.AWS, "InvalidRequestException"),
    ],
)
def test_error_codes_are_read_on_either_protocol(
    protocol, tmp_path, error_type, error, exit_code, words
):
    fake = FakeAthena(protocol, [], error=(400, error_type, "no access to workgroup olist-wg"))
    with pytest.raises(error) as raised:
        engine_for(fake, tmp_path).execute("SELECT 1")
    assert raised.value.exit_code == exit_code
    assert words in str(raised.value)
    assert "no access to workgroup olist-wg" in str(raised.value)
    assert not issubclass(error, SqlError)
