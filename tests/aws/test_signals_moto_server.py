"""SIGTERM and SIGHUP during ``olistctl --backend aws query``, a subprocess against a moto server.

What ``timeout``, a CI cancel or ``docker stop`` send must not leave an Athena query
running (and billing) unwatched: the command stops it as Ctrl-C does, then exits with
128 + the signal's number and one sentence. The server's request log (a proxy in front of
it, tests/aws/faultproxy.py) shows ``StopQueryExecution``; nothing waits by sleeping: the
test waits on the log, with a deadline.
"""

from __future__ import annotations

import signal
import subprocess

import pytest
from awsstack import NAMES, OLISTCTL, REGION, create_stack
from faultproxy import FaultProxy

from olistctl.errors import ExitCode

pytestmark = pytest.mark.slow
MOTO_ACCOUNT = "123456789012"


@pytest.fixture
def queries_stay_where_put():
    """moto moves a query QUEUED -> RUNNING -> SUCCEEDED as it is polled; hold it still."""
    from moto.moto_api import state_manager

    state_manager.set_transition("athena::execution", {"progression": "manual", "times": 10**9})
    yield
    state_manager.unset_transition("athena::execution")


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, ExitCode.TERMINATED), (signal.SIGHUP, ExitCode.HANGUP)],
    ids=["SIGTERM", "SIGHUP"],
)
def test_a_termination_signal_stops_the_running_athena_query_and_exits_128_plus_n(
    moto_server, env, tmp_path, queries_stay_where_put, signum, code
):
    from moto.athena.models import athena_backends

    from olistctl.backends.aws.clients import AwsClients

    create_stack(AwsClients(region=REGION, endpoint_url=moto_server), NAMES)
    executions = athena_backends[MOTO_ACCOUNT][REGION].executions
    with FaultProxy(moto_server) as proxy:
        process = subprocess.Popen(
            [str(OLISTCTL), "--no-progress", "query", "SELECT 42 AS answer"],
            cwd=tmp_path,
            env={**env, "AWS_ENDPOINT_URL": proxy.url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            proxy.wait_for(lambda calls: "StartQueryExecution" in [c.operation for c in calls])
            [execution] = executions.values()
            execution.status = "RUNNING"
            polls = proxy.operations("athena").count("GetQueryExecution")
            # The next poll's answer says RUNNING: the command is watching a running query.
            proxy.wait_for(
                lambda calls: [c.operation for c in calls].count("GetQueryExecution") > polls
            )
            process.send_signal(signum)
            stdout, stderr = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    assert process.returncode == code == 128 + signum, stderr
    assert "StopQueryExecution" in proxy.operations("athena")
    assert execution.status == "CANCELLED"
    assert "Traceback" not in stderr and stdout == ""
    assert stderr.splitlines() == [
        f"Error: Stopped by {signal.Signals(signum).name}. Athena query {execution.id} was "
        "cancelled: nothing more is billed for it."
    ]
