"""Fixtures for the Terraform tests; the machinery itself lives in tfhelpers.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import tfhelpers
from hclmodel import InfraModel


@pytest.fixture(scope="session")
def infra_model() -> InfraModel:
    """infra/*.tf as parsed HCL."""
    return InfraModel.load(tfhelpers.INFRA)


@pytest.fixture(scope="session")
def tf_mirror() -> Path:
    """The offline provider mirror; skips the test when terraform cannot run here."""
    reason = tfhelpers.terraform_unavailable_reason()
    if reason:
        pytest.skip(f"terraform tests need terraform and its provider offline: {reason}")
    mirror = tfhelpers.find_provider_mirror()
    assert mirror is not None
    return mirror


@pytest.fixture(scope="session")
def tf_env(tf_mirror, tmp_path_factory) -> dict[str, str]:
    """terraform's environment: installs from the mirror only, never prompts."""
    cli_config = tfhelpers.offline_cli_config(tmp_path_factory.mktemp("tfrc"), tf_mirror)
    return tfhelpers.terraform_env(cli_config)


@pytest.fixture(scope="module")
def initialized_infra(tf_env, tmp_path_factory) -> Path:
    """A copy of infra/ after ``terraform init`` (shared by a module's tests, read-only)."""
    workdir = tfhelpers.copy_infra(tmp_path_factory.mktemp("tf") / "infra")
    tfhelpers.terraform("init", "-input=false", cwd=workdir, env=tf_env, timeout=120)
    return workdir


@pytest.fixture
def moto_server() -> Iterator[tfhelpers.MotoServer]:
    """A moto server on 127.0.0.1 for one test."""
    with tfhelpers.MotoServer() as server:
        yield server
