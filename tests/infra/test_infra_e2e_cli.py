"""Issue 5's end-to-end test: infra/ applied by Terraform to a moto server, then the installed
``olistctl`` run on what it built, configured from nothing but the stack's Terraform outputs.

In order: apply (and inspect what was built, alarms and lint of the IAM policies
included), then, as an IAM user whose only permission is the stack's operator policy
(``operator_policy_json``; moto's IAM enforcement on, corrected to ask what AWS asks:
moto_iam.py), ``config show`` (every name from terraform),
``run`` on the sample data with the Lambda path (the zip Terraform deployed executes inside
the moto server), its answers against the local backend's on the same data, the Parquet of
both paths byte for byte, ``report cost``, ``report quality``, ``status``, and
``teardown --destroy-infra``, after which the server holds nothing of the stack. The
deployed handler runs with its execution role's credentials, so the function role's
policy is enforced the same way.

The moto server runs in this process (``MotoServer``), so its Lambda invokes can be made
to run the deployed zip's handler; the handler's own S3 calls reach the same server
through AWS_ENDPOINT_URL. moto's Athena runs no SQL: each KPI query of ``run`` gets, in
order, the answer the local engine computes from the same Parquet, so what is tested on
the aws side is the way there and back (start, poll, fetch, type, print).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import tfhelpers
from built_stack import ALARM_EMAIL, ENVIRONMENT, check_built, check_destroyed
from moto_iam import Authorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))  # classic_queries

from olistctl import layout
from olistctl.dataset import TABLES
from olistctl.settings import RESOURCE_KEYS

OLISTCTL = Path(sys.executable).with_name("olistctl")  # the installed console script
LOCAL_WORKSPACE = "olist-lake"  # the local backend's default, under the run's folder
OPERATOR = "olistctl-operator"
# Access key id -> the authorizer that enforces IAM while olistctl runs with that key: the
# test's own inspections in between use moto's unchecked test credentials.
ENFORCED: dict[str, Authorizer] = {}


def olistctl(
    cwd: Path, env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``olistctl``; fail with its output unless it exits 0."""
    authorizer = ENFORCED.get(env.get("AWS_ACCESS_KEY_ID", ""))
    with authorizer.enforcing() if authorizer else contextlib.nullcontext():
        proc = subprocess.run(
            [str(OLISTCTL), "--no-progress", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    assert proc.returncode == 0, (
        f"olistctl {' '.join(args)} exited {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    )
    return proc


def local_env() -> dict[str, str]:
    """The suite's environment without any AWS or olistctl setting: the local backend."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "OLISTCTL_"))}


# -- the local backend's answers ----------------------------------------------------------


def local_run(folder: Path, data: Path) -> dict:
    """``olistctl run`` on the local backend over ``data``: its JSON summary."""
    folder.mkdir()
    done = olistctl(folder, local_env(), "run", str(data), "--output", "json")
    return json.loads(done.stdout)


def column_info(name: str, athena_type: str) -> dict:
    """A result column as GetQueryResults describes it (a decimal's size apart from its name)."""
    info = {"Name": name, "Label": name, "Type": athena_type, "Nullable": "UNKNOWN"}
    kind, _, size = athena_type.partition("(")
    if kind == "decimal" and size:
        precision, scale = size.rstrip(")").split(",")
        info.update(Type="decimal", Precision=int(precision), Scale=int(scale))
    return info


def queue_kpi_answers(server_url: str, workspace: Path) -> list[str]:
    """Queue, in the order ``run`` asks them, the local engine's answers to the KPI queries.

    moto hands queued results out first in, first out (per account and region), one to
    each new query execution, so the queue holds exactly what ``run`` will ask, in order.
    Returns the queries' names.
    """
    from olistctl.backends.local import open_local_backend
    from olistctl.settings import load_settings
    from olistctl.sql.named import list_queries

    local = open_local_backend(load_settings({"workspace": str(workspace)}, env={}))
    names = []
    for query in (q for q in list_queries() if q.kpi):  # pipeline.run's order
        queue_local_answer(server_url, local, query.sql)
        names.append(query.name)
    return names


def queue_local_answer(server_url: str, local, sql: str) -> None:
    """Queue the local engine's answer to ``sql`` as moto's Athena result for the next query."""
    result = local.engine.execute(sql)
    assert result.rows, f"no rows locally for {sql}"
    assert all(v is not None for row in result.rows for v in row)  # no NULL to spell
    # Athena sends every value as text; str() keeps a Decimal's scale ("50.00").
    rows = [result.columns, *([str(v) for v in row] for row in result.rows)]
    body = {
        "results": [
            {
                "rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in rows],
                "column_info": [
                    column_info(c, t) for c, t in zip(result.columns, result.types, strict=True)
                ],
            }
        ]
    }
    request = urllib.request.Request(
        f"{server_url}/moto-api/static/athena/query-results",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    assert urllib.request.urlopen(request).status == 201


def check_classic_queries(server, outputs, work, env, local_folder: Path) -> None:
    """The README's two classic queries, unchanged, on both backends: the same answer.

    Athena receives the README's SQL as written (no rewriting on the aws side), and the
    printed answer equals the local backend's printed answer.
    """
    from classic_queries import CLASSIC_QUERIES

    from olistctl.backends.local import open_local_backend
    from olistctl.settings import load_settings

    workspace = local_folder / LOCAL_WORKSPACE
    local = open_local_backend(load_settings({"workspace": str(workspace)}, env={}))
    athena = server.client("athena")
    for name, sql in CLASSIC_QUERIES.items():
        on_local = olistctl(local_folder, local_env(), "query", sql, "--output", "json")
        queue_local_answer(server.url, local, sql)
        on_aws = olistctl(work, env, "query", sql, "--output", "json")
        assert json.loads(on_aws.stdout) == json.loads(on_local.stdout), name
        ids = athena.list_query_executions(WorkGroup=outputs["workgroup"])["QueryExecutionIds"]
        # One by one: moto has no BatchGetQueryExecution.
        sent = [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]
        assert sql in [q["Query"] for q in sent], name  # as written, not rewritten


# -- the steps on aws ---------------------------------------------------------------------


def operator_credentials(stack: tfhelpers.AppliedStack, monkeypatch) -> dict[str, str]:
    """An IAM user whose one policy is the stack's operator policy, its access key, and
    moto's IAM enforcement for the commands run with it (and the handler's role)."""
    iam = stack.server.client("iam")
    iam.create_user(UserName=OPERATOR)
    policy = iam.create_policy(
        PolicyName=OPERATOR, PolicyDocument=stack.outputs["operator_policy_json"]
    )["Policy"]
    iam.attach_user_policy(UserName=OPERATOR, PolicyArn=policy["Arn"])
    key = iam.create_access_key(UserName=OPERATOR)["AccessKey"]
    authorizer = Authorizer(account=tfhelpers.MOTO_ACCOUNT_ID)
    authorizer.install(monkeypatch)
    monkeypatch.setitem(ENFORCED, key["AccessKeyId"], authorizer)
    assert [
        p["PolicyName"]
        for p in iam.list_attached_user_policies(UserName=OPERATOR)["AttachedPolicies"]
    ] == [OPERATOR]
    assert iam.list_user_policies(UserName=OPERATOR)["PolicyNames"] == []
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }


def check_every_request_was_allowed(authorizer: Authorizer, outputs) -> None:
    """Nothing refused, nothing unmapped; the operator and the function role both acted."""
    assert authorizer.unmapped == []
    refused = {(d.principal, d.action, d.resource) for d in authorizer.denied()}
    # The one refusal expected: terraform's AWS provider first asks iam:GetUser for the
    # account id and, on AccessDenied, asks sts:GetCallerIdentity instead (hashicorp/
    # aws-sdk-go-base v2, getAccountIDAndPartitionFromIAMGetUser: "AccessDenied ... we
    # ignore these"). The destroy that follows succeeded (above), so the policy need not
    # grant it.
    user = f"arn:aws:iam::{tfhelpers.MOTO_ACCOUNT_ID}:user/{OPERATOR}"
    assert refused <= {(user, "iam:GetUser", user)}, sorted(refused)
    assert any(d.principal.endswith(f":user/{OPERATOR}") for d in authorizer.decisions)
    role = f"{outputs['function_name']}-role"
    role_actions = {
        d.action for d in authorizer.decisions if f":assumed-role/{role}/" in d.principal
    }
    assert {"s3:GetObject", "s3:PutObject"} <= role_actions, role_actions


def check_settings_from_outputs(
    stack: tfhelpers.AppliedStack, work: Path, credentials: dict[str, str]
) -> dict[str, str]:
    """The CLI's environment, after checking ``config show`` takes every name from terraform.

    The environment names no resource: olistctl finds the applied copy through
    OLISTCTL_INFRA_DIR and reads the ``outputs.json`` saved there (README: deploy).
    """
    env = {k: v for k, v in stack.cli_env().items() if k != "AWS_SESSION_TOKEN"} | credentials
    assert {k for k in env if k.startswith("OLISTCTL_")} == {
        "OLISTCTL_BACKEND",
        "OLISTCTL_INFRA_DIR",
    }
    shown = json.loads(olistctl(work, env, "config", "show", "--output", "json").stdout)
    settings = {row["setting"]: row for row in shown}
    for key in (*RESOURCE_KEYS, "stack"):
        assert (settings[key]["value"], settings[key]["source"]) == (
            stack.outputs[key],
            "terraform",
        )
    assert settings["runner"]["value"] == "lambda"
    assert settings["endpoint_url"]["value"] == stack.endpoint_url
    return env


def check_lambda_path(
    stack: tfhelpers.AppliedStack, invocations: list[tfhelpers.Invocation]
) -> dict[str, dict]:
    """Each raw object was converted by one invocation of the deployed zip, whose handler
    wrote the Parquet object. Returns the handler's records by processed key."""
    outputs, s3 = stack.outputs, stack.server.client("s3")
    raw_keys = sorted(
        o["Key"] for o in s3.list_objects_v2(Bucket=outputs["raw_bucket"])["Contents"]
    )
    assert raw_keys == sorted(layout.raw_key(t.name, t.file_name) for t in TABLES)
    assert sorted(i.event["key"] for i in invocations) == raw_keys
    assert {i.event["bucket"] for i in invocations} == {outputs["raw_bucket"]}
    assert {(i.function_name, i.code_sha256) for i in invocations} == {
        (outputs["function_name"], stack.zip_sha256)
    }
    assert [i.event["key"] for i in invocations if i.failed] == []
    written = {r["processed_key"]: r for i in invocations for r in i.answer["objects"]}
    assert sorted(written) == sorted(layout.processed_key(k) for k in raw_keys)
    for key, record in written.items():  # one version each: the handler's, of its size
        versions = s3.list_object_versions(Bucket=outputs["processed_bucket"], Prefix=key)
        assert [v["Size"] for v in versions["Versions"]] == [record["bytes_out"]]
    return written


def check_cost_report(stack: tfhelpers.AppliedStack, work, env, *, invocations, queries):
    """``report cost`` counts the invocations, every bucket's bytes and the queries."""
    from olistctl.pricing import GB, athena_billed_bytes

    outputs, s3 = stack.outputs, stack.server.client("s3")
    table = olistctl(work, env, "report", "cost")
    assert "Lambda requests" in table.stdout
    cost = json.loads(olistctl(work, env, "report", "cost", "--output", "json").stdout)
    assert cost["backend"] == "aws"
    lines = {line["service"]: line for line in cost["lines"]}
    assert lines["Lambda requests"]["usage"] == invocations
    stored = 0
    for stage in ("raw", "processed", "results"):
        listing = s3.list_object_versions(Bucket=outputs[f"{stage}_bucket"])
        size = sum(v["Size"] for v in listing.get("Versions", []))
        assert size > 0, stage
        stored += size
    month_fraction = cost["period"]["month_fraction"]
    assert lines["S3 storage"]["usage"] == pytest.approx(stored / GB * month_fraction)
    # moto reports 0 bytes scanned: each query bills Athena's 10 MB minimum.
    billed = queries * athena_billed_bytes(0, outputs["region"])
    assert lines["Athena"]["usage"] == pytest.approx(billed / GB)


# -- the test -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.terraform
def test_apply_run_report_teardown(tf_mirror, moto_server, sample_data, tmp_path, monkeypatch):
    if not OLISTCTL.is_file():
        pytest.skip(f"the olistctl console script is not installed beside {sys.executable}")
    local = tmp_path / "local"
    reference = local_run(local, sample_data)

    # 1. Apply (moto's unchecked credentials stand for an administrator's), with the server
    # running the deployed Lambda code as its role and the handler's boto3 (in this
    # process) pointed at the server.
    invocations = tfhelpers.run_deployed_functions(
        monkeypatch, tmp_path / "deployed", as_function_role=True
    )
    for name, value in moto_server.aws_env().items():
        monkeypatch.setenv(name, value)
    tfvars = {
        "environment": ENVIRONMENT,
        "alarm_email": ALARM_EMAIL,
        "operator_can_destroy_infra": True,
    }
    with tfhelpers.applied_stack(
        tmp_path / "infra", moto_server, mirror=tf_mirror, tfvars=tfvars
    ) as stack:
        check_built(stack)
        built = stack.managed_instances()
        outputs = stack.outputs

        # 2. Configured from the Terraform outputs only, as the operator: from here on every
        # olistctl command runs with the operator's access key and nothing else.
        work = tmp_path / "aws"
        work.mkdir()
        operator = operator_credentials(stack, monkeypatch)
        authorizer = ENFORCED[operator["AWS_ACCESS_KEY_ID"]]
        env = check_settings_from_outputs(stack, work, operator)

        # 3. run, through the Lambda function. It registers the tables from the Parquet
        # footers (crawl --direct) unless given --crawler: moto's crawler never creates
        # tables, so that is the path on which Athena has tables here.
        kpis = queue_kpi_answers(moto_server.url, local / LOCAL_WORKSPACE)
        ran = json.loads(olistctl(work, env, "run", str(sample_data), "--output", "json").stdout)
        assert list(ran["kpis"]) == kpis
        assert ran["kpis"] == reference["kpis"]
        stages = {s["stage"]: s["result"] for s in ran["stages"]}
        expected = {s["stage"]: s["result"] for s in reference["stages"]}
        assert [stages[s] for s in ("upload", "transform", "crawl")] == [
            expected[s] for s in ("upload", "transform", "crawl")
        ]
        written = check_lambda_path(stack, invocations)
        tables = moto_server.client("glue").get_tables(DatabaseName=outputs["database"])
        assert sorted(t["Name"] for t in tables["TableList"]) == sorted(t.name for t in TABLES)

        # 4. The Parquet of the Lambda path and of the local path, from the same CSVs.
        s3 = moto_server.client("s3")
        for key in written:
            body = s3.get_object(Bucket=outputs["processed_bucket"], Key=key)["Body"].read()
            assert body == (local / LOCAL_WORKSPACE / "processed" / key).read_bytes(), key

        # 5. report cost.
        check_cost_report(stack, work, env, invocations=len(written), queries=len(kpis))

        # 5b. The README's classic queries, unchanged on both backends.
        check_classic_queries(moto_server, outputs, work, env, local)

        # 5d. report quality over what is stored, and status.
        olistctl(work, env, "report", "quality", "--fail-on", "never")
        stages = json.loads(olistctl(work, env, "status", "--output", "json").stdout)
        assert stages, stages

        # 5c. What a crawl logs goes to the stack's own log group; teardown plans to empty it.
        logs = moto_server.client("logs")
        logs.create_log_stream(
            logGroupName=outputs["crawler_log_group"], logStreamName=outputs["crawler"]
        )
        planned = olistctl(work, env, "teardown", "--dry-run", "--output", "json")
        rows = {(r["what"], r["where"]): r["count"] for r in json.loads(planned.stdout)}
        assert rows[("log streams", outputs["crawler_log_group"])] == 1

        # 6. teardown --destroy-infra: the data, then `terraform destroy` in the applied copy,
        # offline through the environment (TF_CLI_CONFIG_FILE). As for a user of an AWS-
        # compatible endpoint who gave apply `-var endpoint_url=…` (which Terraform does not
        # keep) and olistctl `--endpoint-url` (README), terraform can learn the endpoint from
        # olistctl only; were it to try AWS instead, it would meet a closed port on loopback.
        tfvars = stack.workdir / "terraform.tfvars.json"
        variables = json.loads(tfvars.read_text())
        del variables["endpoint_url"]
        tfvars.write_text(json.dumps(variables))
        closed = tfhelpers.closed_loopback_url()
        env = {k: v for k, v in env.items() if k != "AWS_ENDPOINT_URL"}
        env |= {"HTTPS_PROXY": closed, "HTTP_PROXY": closed, "NO_PROXY": "127.0.0.1,localhost"}
        gone = olistctl(
            work,
            env,
            *("--endpoint-url", moto_server.url, "teardown", "--destroy-infra", "--yes"),
            timeout=600,
        )
        stack.destroyed = True
        assert "Verified: nothing of the stack's data is left." in gone.stderr
        destroyed = f"Destroy complete! Resources: {built} destroyed."  # terraform's last line
        saved = stack.workdir / "outputs.json"
        assert gone.stderr.rstrip().endswith(
            f"{destroyed}\nRemoved {saved}: it named the destroyed stack."
        ), gone.stderr
        assert not saved.exists()  # nothing left that names the destroyed stack
        check_destroyed(stack)
        check_every_request_was_allowed(authorizer, outputs)


def test_destroy_infra_is_refused_on_the_local_backend_before_anything_is_deleted(cli):
    assert cli("run").exit_code == 0
    workspace = Path(LOCAL_WORKSPACE)
    before = sorted(p for p in workspace.rglob("*") if p.is_file())
    refused = cli("teardown", "--destroy-infra", "--yes")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        "Error: --destroy-infra applies to the aws backend only: "
        "use --backend aws, or drop --destroy-infra."
    )
    assert sorted(p for p in workspace.rglob("*") if p.is_file()) == before


def test_destroy_gets_the_stacks_region_and_olistctls_endpoint(cli, moto_server, tmp_path):
    """What apply was given by ``-var`` reaches ``terraform destroy`` (here a stand-in)."""
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text("# the stack\n")
    outputs = {"region": "eu-west-1", "stack": "olistctl-dev"}
    outputs |= {key: f"olistctl-dev-{key.replace('_', '-')}" for key in RESOURCE_KEYS}
    outputs["database"] = "olistctl_dev"
    (infra / "outputs.json").write_text(json.dumps({k: {"value": v} for k, v in outputs.items()}))
    bin_dir, seen = tmp_path / "bin", tmp_path / "seen.txt"
    bin_dir.mkdir()
    (bin_dir / "terraform").write_text(
        "#!/bin/sh\n"
        f'echo "$1 $2 region=$TF_VAR_region endpoint=$TF_VAR_endpoint_url" > {seen}\n'
        'echo "Destroy complete! Resources: 0 destroyed."\n'
    )
    (bin_dir / "terraform").chmod(0o755)
    env = {
        **moto_server.aws_env("us-east-1"),  # olistctl's region differs from the stack's
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "OLISTCTL_BACKEND": "aws",
        "OLISTCTL_INFRA_DIR": str(infra),
    }
    done = cli("--no-progress", "teardown", "--destroy-infra", "--yes", env=env)
    assert done.exit_code == 0, done
    assert done.stderr.rstrip().endswith(
        "Destroy complete! Resources: 0 destroyed.\n"
        f"Removed {infra.resolve() / 'outputs.json'}: it named the destroyed stack."
    )
    assert not (infra / "outputs.json").exists()
    assert seen.read_text().split() == [
        f"-chdir={infra.resolve()}",
        "destroy",
        "region=eu-west-1",
        f"endpoint={moto_server.url}",
    ]

    # The user's own TF_VAR_* (and any *.tfvars file) still win.
    done = cli("teardown", "--destroy-infra", "--yes", env={**env, "TF_VAR_region": "sa-east-1"})
    assert done.exit_code == 0, done
    assert "region=sa-east-1" in seen.read_text().split()
