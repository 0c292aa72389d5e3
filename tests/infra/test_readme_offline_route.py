"""infra/README.md's offline route, followed word for word (issue 16).

The test takes the commands from the README's marked block (``<!-- offline-route -->``)
and runs them with bash from the repository root, as a reader would paste them, against a
moto server of its own (``ThreadedMotoServer`` on a free port). It sets only what the
block itself reads from the environment: ``AWS_ENDPOINT_URL`` (the server),
``OFFLINE_DIR`` (a temporary folder) and ``TF_MIRROR`` (the provider mirror). The block
builds the Lambda zip, applies infra/ with Terraform, runs ``olistctl --backend aws run
--runner local``, ``status`` and ``teardown --destroy-infra``; afterwards the server holds
nothing of the stack.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import tfhelpers
from built_stack import check_nothing_left

README = tfhelpers.INFRA / "README.md"
VENV_BIN = tfhelpers.REPO / ".venv" / "bin"
READS_FROM_ENVIRONMENT = {"AWS_ENDPOINT_URL", "OFFLINE_DIR", "TF_MIRROR"}


def offline_route() -> str:
    blocks = re.findall(r"<!-- offline-route -->\n```sh\n(.*?)\n```", README.read_text(), re.S)
    assert len(blocks) == 1, "infra/README.md needs exactly one <!-- offline-route --> block"
    return blocks[0]


def test_the_route_builds_the_zip_first_and_says_where_the_outputs_are():
    """What a new user tripped over, each on its own line of the route."""
    lines = [line for line in offline_route().splitlines() if not line.startswith("#")]
    first = {
        name: next(i for i, line in enumerate(lines) if name in line)
        for name in ("build_lambda.py", "terraform -chdir", "olistctl ")
    }
    assert first["build_lambda.py"] < first["terraform -chdir"] < first["olistctl "]
    for line in lines:
        if line.startswith("olistctl "):
            assert '--infra-dir "$OFFLINE_DIR"' in line, line
    assert any("run --runner local" in line for line in lines)
    # The variables the test sets are the ones the block reads, each with a default.
    read = set(re.findall(r"\$\{?(\w+)", offline_route())) - {"PWD", "PATH"}
    assert read == READS_FROM_ENVIRONMENT
    for name in ("AWS_ENDPOINT_URL", "OFFLINE_DIR"):
        assert f'export {name}="${{{name}:-' in offline_route(), name


def expected_warning() -> tuple[str, str]:
    """The KPI warning as the README quotes it: the text before and after its "(…)"."""
    text = " ".join(README.read_text().split())
    quoted = re.search(r"`(Warning: [^`]*)`", text)
    assert quoted, "infra/README.md no longer says which warning to expect"
    before, _, after = quoted.group(1).partition("(…)")
    return before, after


@pytest.mark.slow
@pytest.mark.terraform
def test_the_readme_offline_route_runs_as_written(tf_mirror, moto_server, tmp_path):
    if not (VENV_BIN / "olistctl").is_file():
        pytest.skip(f"the route runs {VENV_BIN}/olistctl, which is not installed (make run)")
    offline = tmp_path / "offline"
    # moto keeps Athena results queued by other tests of this process for the next query.
    from moto.athena.models import athena_backends

    athena_backends[tfhelpers.MOTO_ACCOUNT_ID]["us-east-1"].query_results_queue.clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OLISTCTL_", "TF_"))}
    env |= {
        "AWS_ENDPOINT_URL": moto_server.url,
        "OFFLINE_DIR": str(offline),
        "TF_MIRROR": str(tf_mirror),
        "CHECKPOINT_DISABLE": "1",  # no Terraform version check over the network
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", offline_route()],
        cwd=tfhelpers.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = f"--- stdout ---\n{done.stdout[-5000:]}\n--- stderr ---\n{done.stderr[-5000:]}"
    assert done.returncode == 0, output
    # What infra/README.md says to expect.
    assert "Apply complete!" in done.stdout, output
    assert "9 converted" in done.stderr, output
    warnings = [line for line in done.stderr.splitlines() if line.startswith("Warning:")]
    before, after = expected_warning()
    assert len(warnings) == 1 and warnings[0].startswith(before), output
    assert after in warnings[0], output
    assert "Verified: nothing of the stack's data is left." in done.stderr, output
    assert "Destroy complete!" in done.stderr, output
    assert (offline / "build" / "olistctl_lambda.zip").is_file()
    outputs = {
        "function_name": "olistctl-dev-transform",
        "database": "olistctl_dev",
        "crawler": "olistctl-dev-processed",
        "workgroup": "olistctl-dev",
        "log_group": "/aws/lambda/olistctl-dev-transform",
        "crawler_log_group": "/aws-glue/crawlers-role/olistctl-dev-processed-crawler-role-"
        "olistctl-dev-crawler",
    }
    check_nothing_left(moto_server, outputs, stack="olistctl-dev")
