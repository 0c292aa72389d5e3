"""terraform init / validate / fmt, plans refusing bad input, and a plan without an endpoint
override going to AWS's own endpoints, on a copy of infra/, offline."""

from __future__ import annotations

import json

import pytest
import tfhelpers

pytestmark = pytest.mark.terraform


TERRAFORM_LEFTOVERS = (".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "*.tfvars.json")


def _leftovers() -> set[str]:
    return {p.name for pattern in TERRAFORM_LEFTOVERS for p in tfhelpers.INFRA.glob(pattern)}


@pytest.fixture(scope="module", autouse=True)
def repo_infra_untouched():
    """Everything runs on copies: the repository's infra/ gains no .terraform, state or tfvars."""
    before = _leftovers()
    yield
    assert _leftovers() == before


def test_init_and_validate_offline(initialized_infra, tf_env):
    assert (initialized_infra / ".terraform" / "providers" / tfhelpers.PROVIDER).is_dir()
    done = tfhelpers.terraform("validate", "-json", cwd=initialized_infra, env=tf_env)
    report = json.loads(done.stdout)
    assert report["valid"] is True, report
    assert report["warning_count"] == 0, report["diagnostics"]


def test_fmt_is_clean(initialized_infra, tf_env):
    done = tfhelpers.terraform(
        "fmt", "-check", "-recursive", cwd=initialized_infra, env=tf_env, check=False
    )
    assert done.returncode == 0, f"not terraform-fmt clean: {done.stdout}"


def _plan(workdir, env, server, zip_path, **variables):
    tfvars = tfhelpers.moto_tfvars(server.url, zip_path, **variables)
    (workdir / "terraform.tfvars.json").write_text(json.dumps(tfvars))
    try:
        return tfhelpers.terraform(
            "plan",
            "-input=false",
            "-lock=false",
            "-refresh=false",
            cwd=workdir,
            env={**env, **server.aws_env()},
            check=False,
            timeout=120,
        )
    finally:
        (workdir / "terraform.tfvars.json").unlink()


@pytest.fixture
def stand_in_zip(tmp_path):
    path, _ = tfhelpers.build_lambda_zip(tmp_path / "fn.zip")
    return path


# One plan for all of them: terraform reports every invalid variable at once,
# and each plan costs seconds of provider start-up.
BAD_VARIABLES = {
    "environment": ("Dev", "environment must be 2-12 characters of lowercase letters"),
    "project": ("my_project", "project must be 3-20 characters of lowercase letters"),
    "abort_incomplete_multipart_days": (9, "must be a whole number from 1 to 7"),
    "bytes_scanned_cutoff_per_query": (1000, "at least 10485760 (10 MB), Athena's minimum"),
    "log_retention_days": (10, "log_retention_days must be a value CloudWatch Logs accepts"),
    "kms_key_arn": ("alias/olist", "kms_key_arn must be a KMS key ARN"),
    "lambda_reserved_concurrency": (0, "must be -1 (no reservation) or at least 1"),
    "tables": (["Orders"], "tables must be a non-empty list of lowercase names"),
    "endpoint_url": ("127.0.0.1:5000", "endpoint_url must be an http:// or https:// URL"),
}


@pytest.mark.slow  # a plan costs ~8 s of provider start-up
def test_bad_variables_are_refused(initialized_infra, tf_env, moto_server, stand_in_zip):
    variables = {name: value for name, (value, _) in BAD_VARIABLES.items()}
    done = _plan(initialized_infra, tf_env, moto_server, stand_in_zip, **variables)
    assert done.returncode == 1
    # terraform wraps long messages: compare with whitespace collapsed.
    stderr = " ".join(done.stderr.split())
    assert stderr.count("Invalid value for variable") == len(BAD_VARIABLES)
    for name, (_, message) in BAD_VARIABLES.items():
        assert message in stderr, f"{name}: {message!r} not in terraform's output"


@pytest.mark.slow
def test_region_without_a_known_layer_is_refused(
    initialized_infra, tf_env, moto_server, stand_in_zip
):
    done = _plan(
        initialized_infra,
        tf_env,
        moto_server,
        stand_in_zip,
        region="eu-north-1",
        attach_pandas_layer=True,
    )
    assert done.returncode == 1
    stderr = " ".join(done.stderr.split())
    assert (
        "No AWS SDK for pandas layer is known for region eu-north-1: set pandas_layer_arn" in stderr
    )


@pytest.mark.slow
def test_null_endpoint_means_real_aws(tf_env, initialized_infra, tmp_path):
    """With endpoint_url unset the provider calls AWS's own endpoints.

    Nothing may leave 127.0.0.1, so every request goes to a proxy address on
    loopback where nothing listens: the error then names the URL it wanted.
    """
    closed = tfhelpers.closed_loopback_url()
    zip_path, _ = tfhelpers.build_lambda_zip(tmp_path / "fn.zip")
    env = {
        **tf_env,
        **tfhelpers.FAKE_CREDENTIALS,
        "HTTPS_PROXY": closed,
        "HTTP_PROXY": closed,
        "NO_PROXY": "",
    }
    done = tfhelpers.terraform(
        "plan",
        "-input=false",
        "-lock=false",
        "-var",
        f"lambda_zip_path={zip_path}",
        "-var",
        "region=eu-west-1",
        cwd=initialized_infra,
        env=env,
        check=False,
        timeout=180,
    )
    assert done.returncode == 1
    stderr = " ".join(done.stderr.split())
    assert 'Post "https://sts.eu-west-1.amazonaws.com/"' in stderr
    assert "127.0.0.1" in stderr  # … and it went to the proxy, never to the internet
