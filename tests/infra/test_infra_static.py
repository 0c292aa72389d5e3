"""Static checks of infra/*.tf that checkov does not make (no terraform needed)."""

from __future__ import annotations

import json
import re

import pytest
import tfhelpers
from hclmodel import blocks, dynamic_blocks

from olistctl.dataset import TABLES
from olistctl.settings import RESOURCE_KEYS, STACK_TAG_KEY, load_settings

BUCKET_SETTINGS = (
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_ownership_controls",
)
PUBLIC_ACCESS_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


def _statements(policy_doc: dict) -> list[dict]:
    """Every statement of an aws_iam_policy_document, dynamic ones included."""
    found = list(blocks(policy_doc, "statement"))
    for dynamic in dynamic_blocks(policy_doc, "statement"):
        found.extend(blocks(dynamic, "content"))
    return found


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_every_variable_is_typed_and_described(infra_model):
    variables = infra_model.variables()
    assert len(variables) > 10
    for name, body in variables.items():
        assert body.get("type"), f"variable {name} has no type"
        assert str(body.get("description", "")).strip(), f"variable {name} has no description"


def test_outputs_include_every_setting_the_cli_reads(infra_model):
    outputs = infra_model.outputs()
    for key in (*RESOURCE_KEYS, "region", "stack"):
        assert key in outputs, f"output {key} is missing (olistctl.settings reads it)"
    for name, body in outputs.items():
        assert str(body.get("description", "")).strip(), f"output {name} has no description"


def test_tables_variable_is_the_dataset_model(infra_model):
    default = infra_model.variables()["tables"]["default"]
    assert default == [t.name for t in TABLES]


def test_crawler_targets_each_table_folder_of_the_processed_bucket(infra_model):
    (crawler,) = infra_model.resources("aws_glue_crawler").values()
    assert not blocks(crawler, "s3_target"), "targets must come from var.tables, not be listed"
    (targets,) = dynamic_blocks(crawler, "s3_target")
    assert targets["for_each"] == "${var.tables}"
    (content,) = blocks(targets, "content")
    assert content["path"] == 's3://${aws_s3_bucket.this["processed"].bucket}/${s3_target.value}/'
    (policy,) = blocks(crawler, "schema_change_policy")
    assert policy == {"update_behavior": "UPDATE_IN_DATABASE", "delete_behavior": "LOG"}
    assert blocks(crawler, "recrawl_policy")


def test_every_bucket_is_fully_configured(infra_model):
    buckets = infra_model.resources("aws_s3_bucket")
    assert set(infra_model.locals()["bucket_names"]) == {"raw", "processed", "results"}
    for name, bucket in buckets.items():
        for setting in BUCKET_SETTINGS:
            configs = [
                body
                for body in infra_model.resources(setting).values()
                if f"aws_s3_bucket.{name}[each.key]" in body["bucket"]
                and body.get("for_each") == bucket.get("for_each")
            ]
            assert len(configs) == 1, f"aws_s3_bucket.{name} needs exactly one {setting}"
            if setting == "aws_s3_bucket_public_access_block":
                off = [flag for flag in PUBLIC_ACCESS_FLAGS if configs[0].get(flag) is not True]
                assert not off, f"aws_s3_bucket.{name}: public access not blocked: {off}"
            if setting == "aws_s3_bucket_ownership_controls":
                (rule,) = blocks(configs[0], "rule")
                assert rule["object_ownership"] == "BucketOwnerEnforced"


def test_lifecycle_rules(infra_model):
    (lifecycle,) = infra_model.resources("aws_s3_bucket_lifecycle_configuration").values()
    rules = {rule["id"]: rule for rule in blocks(lifecycle, "rule")}
    abort = blocks(rules["abort-incomplete-multipart-uploads"], "abort_incomplete_multipart_upload")
    assert abort == [{"days_after_initiation": "${var.abort_incomplete_multipart_days}"}]
    noncurrent = blocks(rules["expire-noncurrent-versions"], "noncurrent_version_expiration")
    assert noncurrent == [{"noncurrent_days": "${var.noncurrent_version_expiration_days}"}]
    (athena,) = dynamic_blocks(lifecycle, "rule")
    (content,) = blocks(athena, "content")
    assert blocks(content, "expiration") == [{"days": "${var.athena_results_retention_days}"}]
    assert infra_model.variables()["athena_results_retention_days"]["default"] == 7
    # moto never returns this header: an apply that sets it times out (docs/architecture.md).
    for path in tfhelpers.INFRA.glob("*.tf"):
        code = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
        )
        assert "transition_default_minimum_object_size" not in code, path.name


# Key policies: "*" there is the key itself, and the account root's kms:* is AWS's default
# key policy (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
KEY_POLICIES = {"alarms_key"}


def test_no_iam_wildcards(infra_model):
    """No action wildcards; "*" resources are checked against AWS's own list in
    test_operator_policy.py (only actions that take no resource may have them)."""
    docs = infra_model.data("aws_iam_policy_document")
    statements = [
        (name, s)
        for name, doc in docs.items()
        if name not in KEY_POLICIES
        for s in _statements(doc)
    ]
    assert len(statements) >= 10
    for name, statement in statements:
        actions = _as_list(statement.get("actions", []))
        sid = statement.get("sid", "?")
        assert "*" not in actions, f"{name}/{sid} allows every action"
        if statement.get("effect", "Allow") == "Allow":
            assert not any(a.endswith(":*") for a in actions), f"{name}/{sid}: service wildcard"
    # Every inline policy comes from one of those documents, so the check above is complete.
    for name, policy in infra_model.resources("aws_iam_role_policy").items():
        assert re.fullmatch(r"\$\{data\.aws_iam_policy_document\.\w+\.json\}", policy["policy"]), (
            name
        )


def test_the_crawler_logs_only_to_the_stacks_own_log_group(infra_model):
    """Not /aws-glue/crawlers (every crawler's, untagged, kept forever): a group the stack
    creates, tags and retains, named as Glue names a security configuration's group."""
    crawler = infra_model.resources("aws_glue_crawler")["processed"]
    assert crawler["security_configuration"] == "${aws_glue_security_configuration.crawler.name}"
    assert "${aws_cloudwatch_log_group.crawler}" in crawler["depends_on"]
    config = infra_model.resources("aws_glue_security_configuration")["crawler"]
    assert config["name"] == "${local.crawler_security_configuration}"
    local = infra_model.locals()
    assert local["crawler_log_group"] == (
        "/aws-glue/crawlers-role/${local.crawler_role_name}-${local.crawler_security_configuration}"
    )
    assert infra_model.resources("aws_iam_role")["crawler"]["name"] == "${local.crawler_role_name}"
    group = infra_model.resources("aws_cloudwatch_log_group")["crawler"]
    assert group["name"] == "${local.crawler_log_group}"
    assert group["retention_in_days"] == "${var.log_retention_days}"
    # The role writes its own stream there and can create no log group anywhere.
    statements = _statements(infra_model.data("aws_iam_policy_document")["crawler"])
    actions = {a for st in statements for a in _as_list(st.get("actions", []))}
    assert "logs:CreateLogGroup" not in actions
    [write] = [st for st in statements if "logs:PutLogEvents" in _as_list(st["actions"])]
    assert _as_list(write["resources"]) == [
        "${local.logs_arn_prefix}:log-group:${local.crawler_log_group}:log-stream:"
        "${local.crawler_name}*"
    ]
    assert "crawler_log_group" in infra_model.outputs()


def test_athena_workgroup_guardrails(infra_model):
    (workgroup,) = infra_model.resources("aws_athena_workgroup").values()
    (config,) = blocks(workgroup, "configuration")
    assert config.get("enforce_workgroup_configuration") is True
    assert config.get("publish_cloudwatch_metrics_enabled") is True
    assert config.get("bytes_scanned_cutoff_per_query") == "${var.bytes_scanned_cutoff_per_query}"
    assert infra_model.variables()["bytes_scanned_cutoff_per_query"]["default"] == 1024**3
    (results,) = blocks(config, "result_configuration")
    assert blocks(results, "encryption_configuration")


def test_provider_tags_and_endpoints(infra_model):
    provider = infra_model.providers()["aws"]
    (default_tags,) = blocks(provider, "default_tags")
    assert default_tags["tags"] == "${local.tags}"
    tags = infra_model.locals()["tags"]
    for key in ("Project", "Environment", "ManagedBy"):
        assert f"{key} = " in tags
    assert f'"{STACK_TAG_KEY}" = local.stack' in tags
    # skip_requesting_account_id stays off: bucket names carry the account id.
    assert provider["skip_requesting_account_id"] is False
    (endpoints,) = blocks(provider, "endpoints")
    assert set(endpoints.values()) == {"${var.endpoint_url}"}
    used = {"sts"}  # data.aws_caller_identity
    prefixes = {
        "aws_s3_": "s3",
        "aws_lambda_": "lambda",
        "aws_iam_role": "iam",
        "aws_glue_": "glue",
        "aws_athena_": "athena",
        "aws_cloudwatch_log_": "logs",
        "aws_cloudwatch_metric_alarm": "cloudwatch",
        "aws_sqs_": "sqs",
        "aws_sns_": "sns",
        "aws_kms_": "kms",
        "aws_iam_policy": "iam",
    }
    for document in infra_model.files.values():
        for block in document.get("resource", []):
            for rtype in block:
                used.update(svc for prefix, svc in prefixes.items() if rtype.startswith(prefix))
    assert used <= set(endpoints), f"no endpoint override for {used - set(endpoints)}"


def test_pandas_layer_map(infra_model):
    arns = infra_model.variables()["pandas_layer_arns"]["default"]
    assert {"us-east-1", "eu-west-1", "af-south-1"} <= set(arns)
    for region, arn in arns.items():
        assert re.fullmatch(
            rf"arn:aws:lambda:{region}:336392948345:layer:AWSSDKPandas-Python312:\d+", arn
        ), arn


def test_lambda_function_settings(infra_model):
    (function,) = infra_model.resources("aws_lambda_function").values()
    assert function["runtime"] == "python3.12"
    assert function["handler"] == "olistctl.lambda_handler.handler"
    assert function["source_code_hash"] == "${filebase64sha256(local.lambda_zip)}"
    (env,) = blocks(function, "environment")
    assert set(env["variables"]) == {"OLISTCTL_PROCESSED_BUCKET", "OLISTCTL_LOG_LEVEL"}
    assert blocks(function, "tracing_config") == [{"mode": "Active"}]
    # A dead-letter queue only with asynchronous (S3-triggered) invocations (infra/lambda.tf).
    (dead_letters,) = dynamic_blocks(function, "dead_letter_config")
    assert dead_letters["for_each"] == "${aws_sqs_queue.transform_dlq}"
    queue = infra_model.resources("aws_sqs_queue")["transform_dlq"]
    assert queue["count"] == "${local.dead_letter_queue ? 1 : 0}"
    assert infra_model.locals()["dead_letter_queue"] == "${var.raw_object_notifications}"
    assert "${aws_cloudwatch_log_group.transform}" in function["depends_on"]
    log_group = infra_model.resources("aws_cloudwatch_log_group")["transform"]
    assert log_group["name"] == "${local.log_group}"
    assert infra_model.locals()["log_group"] == "/aws/lambda/${local.function_name}"
    assert function["function_name"] == "${local.function_name}"


@pytest.mark.parametrize("path", sorted(tfhelpers.INFRA.glob("*.tf")), ids=lambda p: p.name)
def test_every_checkov_skip_has_a_reason(path):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if "checkov:skip" in line:
            assert re.search(r"#checkov:skip=CKV2?_AWS_\d+:\S.{20,}", line), (
                f"{path.name}:{number}: a skip needs a check id and a real reason"
            )


def test_readme_documents_every_variable_and_output(infra_model):
    readme = (tfhelpers.INFRA / "README.md").read_text()
    for kind, names in (("variable", infra_model.variables()), ("output", infra_model.outputs())):
        for name in names:
            assert f"| `{name}` |" in readme, f"infra/README.md does not document {kind} {name}"


@pytest.mark.parametrize(
    "key",
    [key for key in (*RESOURCE_KEYS, "stack", "region", "crawler_log_group")],
)
def test_settings_read_terraform_outputs(infra_model, tmp_path, key):
    """Every output the CLI needs reaches olistctl's settings from `terraform output -json`."""
    assert key in infra_model.outputs()
    saved = {
        name: {"sensitive": False, "type": "string", "value": f"{name}-from-terraform"}
        for name in infra_model.outputs()
    }
    (tmp_path / "outputs.json").write_text(json.dumps(saved))
    env = {"OLISTCTL_BACKEND": "aws", "OLISTCTL_INFRA_DIR": str(tmp_path)}
    settings = load_settings(env=env, cwd=tmp_path)
    assert (settings.get(key), settings.source(key)) == (f"{key}-from-terraform", "terraform")
