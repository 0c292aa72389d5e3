"""Fixtures for the cost report: a local workspace after `olistctl run` on the sample data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def ran_workspace(tmp_path_factory, sample_data) -> Path:
    """A workspace after `olistctl run` on the committed sample data (shared: do not write)."""
    from typer.testing import CliRunner

    from olistctl.cli.app import app

    workspace = tmp_path_factory.mktemp("ran") / "lake"
    result = CliRunner().invoke(
        app, ["--no-progress", "--workspace", str(workspace), "run", str(sample_data)]
    )
    assert result.exit_code == 0, result.output
    return workspace


@pytest.fixture
def workspace_copy(ran_workspace, tmp_path) -> Path:
    """A private copy of the ran workspace, for tests that add to its ledger."""
    target = tmp_path / "lake"
    shutil.copytree(ran_workspace, target)
    return target


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A fresh XDG_CACHE_HOME: where this test's Price List prices are cached."""
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def fake_credentials(monkeypatch) -> None:
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)


class PriceListStub:
    """The real Price List client from olistctl's client factory, answered by a botocore
    Stubber: each expected GetProducts request (exact parameters) gets its pages."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []  # (method, arguments) queued, in order
        self.clients: list = []
        self.stubbers: list = []

    def answer(self, region: str, catalog: dict[str, list[str]], *, page_size: int = 2) -> None:
        """Queue every query's answer in ``region``, ``page_size`` entries a page."""
        from price_list_answers import ANSWER_OF, queries

        for (service, filters), name in zip(queries(region), ANSWER_OF, strict=True):
            entries = catalog[name]
            pages = [entries[i : i + page_size] for i in range(0, len(entries), page_size)] or [[]]
            for number, page in enumerate(pages):
                params = {
                    "ServiceCode": service,
                    "Filters": [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in filters],
                    "FormatVersion": "aws_v1",
                    "MaxResults": 100,
                }
                if number:
                    params["NextToken"] = f"{service}-page-{number + 1}"
                response = {"FormatVersion": "aws_v1", "PriceList": page}
                if number + 1 < len(pages):
                    response["NextToken"] = f"{service}-page-{number + 2}"
                self.calls.append(("response", {"response": response, "params": params}))

    def fail(self, code: str, message: str, status: int = 400) -> None:
        self.calls.append(
            (
                "error",
                {
                    "service_error_code": code,
                    "service_message": message,
                    "http_status_code": status,
                },
            )
        )

    def attach(self, client) -> None:
        from botocore.stub import Stubber

        stubber = Stubber(client)
        for kind, arguments in self.calls:
            if kind == "response":
                stubber.add_response("get_products", arguments["response"], arguments["params"])
            else:
                stubber.add_client_error("get_products", **arguments)
        stubber.activate()
        self.clients.append(client)
        self.stubbers.append(stubber)

    def assert_all_asked(self) -> None:
        assert self.stubbers, "no Price List client was made"
        for stubber in self.stubbers:
            stubber.assert_no_pending_responses()


@pytest.fixture
def stubbed_price_list(monkeypatch, fake_credentials, cache_home) -> PriceListStub:
    """Stub the Price List client the factory makes (``AwsClients.price_list_client``)."""
    from olistctl.backends.aws.clients import AwsClients

    stub = PriceListStub()
    original = AwsClients.price_list_client

    def stubbed(self, endpoint_region: str):
        client = original(self, endpoint_region)
        if client not in stub.clients:
            stub.attach(client)
        return client

    monkeypatch.setattr(AwsClients, "price_list_client", stubbed)
    return stub


@pytest.fixture
def no_price_list(monkeypatch) -> None:
    """Fail the test if anything makes a Price List client."""
    from olistctl.backends.aws.clients import AwsClients

    def refuse(self, endpoint_region: str):
        raise AssertionError("a Price List client was made without --refresh-prices")

    monkeypatch.setattr(AwsClients, "price_list_client", refuse)
