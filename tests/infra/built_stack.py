"""What infra/ builds on a moto server, checked through boto3.

The ``check_*`` functions inspect what ``terraform apply`` built (with
``environment`` = ENVIRONMENT and ``alarm_email`` = ALARM_EMAIL) and what ``olistctl
teardown --destroy-infra`` left. They run in test_infra_e2e_cli.py, which applies the
stack once for both purposes (an apply on moto takes about a minute, most of it the
provider waiting for S3 lifecycle rules to settle), and check_nothing_left in
test_readme_offline_route.py.
"""

from __future__ import annotations

import json

import pytest
import tfhelpers
from botocore.exceptions import ClientError

from olistctl.dataset import TABLES
from olistctl.settings import RESOURCE_KEYS, STACK_TAG_KEY

ACCOUNT = tfhelpers.MOTO_ACCOUNT_ID
PROJECT, ENVIRONMENT = "olistctl", "moto-ci"
STACK = f"{PROJECT}-{ENVIRONMENT}"
EXPECTED_TAGS = {
    "Project": PROJECT,
    "Environment": ENVIRONMENT,
    "ManagedBy": "terraform",
    STACK_TAG_KEY: STACK,
}
CRAWLER_CONFIGURATION = {
    "Version": 1.0,
    "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"},
    "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}},
}


def _error_code(call) -> str:
    with pytest.raises(ClientError) as info:
        call()
    return info.value.response["Error"]["Code"]


def check_buckets(server, outputs):
    s3 = server.client("s3")
    names = {stage: outputs[f"{stage}_bucket"] for stage in ("raw", "processed", "results")}
    assert names == {stage: f"{STACK}-{stage}-{ACCOUNT}" for stage in names}
    for stage, bucket in names.items():
        sse = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
        assert sse["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert block == dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"),
            True,
        )
        ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
        assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
        assert tags == EXPECTED_TAGS
        rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
        assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {
            "DaysAfterInitiation": 3
        }
        assert rules["expire-noncurrent-versions"]["NoncurrentVersionExpiration"] == {
            "NoncurrentDays": 30
        }
        if stage == "results":
            athena = rules["expire-athena-results"]
            assert athena["Filter"] == {"Prefix": "athena/"}
            assert athena["Expiration"] == {"Days": 7}
        else:
            assert "expire-athena-results" not in rules
        # The moto run has no TLS-only policy (enforce_tls_policy = false) …
        assert _error_code(lambda b=bucket: s3.get_bucket_policy(Bucket=b)) == (
            "NoSuchBucketPolicy"
        )
    # … so objects can be written and read back. The probe is deleted again (a delete
    # marker over it remains, for the teardown to remove) so no pipeline stage sees it.
    probe = "tls-probe.txt"
    s3.put_object(Bucket=names["raw"], Key=probe, Body=b"a,b\n")
    assert s3.get_object(Bucket=names["raw"], Key=probe)["Body"].read() == b"a,b\n"
    s3.delete_object(Bucket=names["raw"], Key=probe)


def check_function(server, outputs, zip_sha):
    function = server.client("lambda").get_function(FunctionName=outputs["function_name"])
    config = function["Configuration"]
    assert outputs["function_name"] == f"{STACK}-transform"
    assert config["Runtime"] == "python3.12"
    assert config["Handler"] == "olistctl.lambda_handler.handler"
    assert config["Environment"]["Variables"] == {
        "OLISTCTL_PROCESSED_BUCKET": outputs["processed_bucket"],
        "OLISTCTL_LOG_LEVEL": "INFO",
    }
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert (config["MemorySize"], config["Timeout"]) == (1024, 300)
    assert config.get("Layers", []) == []  # attach_pandas_layer = false on moto
    assert config["CodeSha256"] == zip_sha
    assert function["Concurrency"] == {"ReservedConcurrentExecutions": 10}
    assert EXPECTED_TAGS.items() <= function["Tags"].items()

    logs = server.client("logs").describe_log_groups(logGroupNamePrefix=outputs["log_group"])
    (group,) = logs["logGroups"]
    assert group["logGroupName"] == f"/aws/lambda/{outputs['function_name']}"
    assert group["retentionInDays"] == 7

    # No dead-letter queue: olistctl invokes synchronously and raw_object_notifications is off.
    assert outputs.get("dlq_url") is None  # terraform leaves null outputs out
    assert "DeadLetterConfig" not in config or not config["DeadLetterConfig"].get("TargetArn")
    assert not server.client("sqs").list_queues().get("QueueUrls")


def check_function_role(server, outputs):
    iam = server.client("iam")
    role = f"{outputs['function_name']}-role"
    policy = iam.get_role_policy(RoleName=role, PolicyName="transform")["PolicyDocument"]
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    raw, processed = outputs["raw_bucket"], outputs["processed_bucket"]
    assert sorted(by_sid["ReadRawObjects"]["Resource"]) == sorted(
        f"arn:aws:s3:::{raw}/{t.name}/*" for t in TABLES
    )
    assert sorted(by_sid["WriteProcessedObjects"]["Resource"]) == sorted(
        f"arn:aws:s3:::{processed}/{t.name}/*" for t in TABLES
    )
    listing = by_sid["ListRawTableFolders"]
    assert listing["Resource"] == f"arn:aws:s3:::{raw}"
    assert sorted(listing["Condition"]["StringLike"]["s3:prefix"]) == sorted(
        f"{t.name}/*" for t in TABLES
    )
    for statement in policy["Statement"]:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert "*" not in actions
        if statement["Resource"] == "*":
            assert statement["Sid"] == "SendTraces"
    assert [
        a["PolicyName"] for a in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    ] == []


def check_catalog(server, outputs):
    glue = server.client("glue")
    assert outputs["database"] == "olistctl_moto_ci"  # hyphens become underscores
    assert glue.get_database(Name=outputs["database"])["Database"]["Name"] == outputs["database"]
    crawler = glue.get_crawler(Name=outputs["crawler"])["Crawler"]
    assert crawler["DatabaseName"] == outputs["database"]
    targets = [t["Path"] for t in crawler["Targets"]["S3Targets"]]
    assert sorted(targets) == sorted(
        f"s3://{outputs['processed_bucket']}/{t.name}/" for t in TABLES
    )
    assert json.loads(crawler["Configuration"]) == CRAWLER_CONFIGURATION
    assert crawler["SchemaChangePolicy"] == {
        "UpdateBehavior": "UPDATE_IN_DATABASE",
        "DeleteBehavior": "LOG",
    }
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVERYTHING"}
    assert crawler["Role"].endswith(f":role/{outputs['crawler']}-crawler-role")
    # Its logs: a group of the stack's own (infra/glue.tf), not the account's /aws-glue/crawlers.
    assert crawler["CrawlerSecurityConfiguration"] == f"{STACK}-crawler"
    config = glue.get_security_configuration(Name=f"{STACK}-crawler")["SecurityConfiguration"]
    encryption = config["EncryptionConfiguration"]
    assert encryption["CloudWatchEncryption"]["CloudWatchEncryptionMode"] == "DISABLED"
    assert outputs["crawler_log_group"] == (
        f"/aws-glue/crawlers-role/{outputs['crawler']}-crawler-role-{STACK}-crawler"
    )
    logs = server.client("logs")
    found = logs.describe_log_groups(logGroupNamePrefix=outputs["crawler_log_group"])
    (group,) = found["logGroups"]
    assert group["retentionInDays"] == 7
    tags = logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"]
    assert tags == EXPECTED_TAGS
    every = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert "/aws-glue/crawlers" not in every


def check_workgroup(server, outputs):
    athena = server.client("athena")
    workgroup = athena.get_work_group(WorkGroup=outputs["workgroup"])["WorkGroup"]
    config = workgroup["Configuration"]
    assert config["EnforceWorkGroupConfiguration"] is True
    assert config["PublishCloudWatchMetricsEnabled"] is True
    assert config["BytesScannedCutoffPerQuery"] == 1024**3
    assert config["ResultConfiguration"] == {
        "OutputLocation": f"s3://{outputs['results_bucket']}/athena/",
        "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
    }
    arn = f"arn:aws:athena:us-east-1:{ACCOUNT}:workgroup/{outputs['workgroup']}"
    tags = {t["Key"]: t["Value"] for t in athena.list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert EXPECTED_TAGS.items() <= tags.items()


ALARM_EMAIL = "ops@example.com"


def check_alarms(server, outputs):
    """Errors and Throttles of the function, notifying the encrypted topic (alarm_email set).

    Metric names, namespace and dimension: "Types of metrics for Lambda functions"
    (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
    """
    cloudwatch, sns = server.client("cloudwatch"), server.client("sns")
    topic = outputs["alarm_topic_arn"]
    assert topic == f"arn:aws:sns:us-east-1:{ACCOUNT}:{STACK}-alarms"
    expected = {f"{STACK}-transform-errors": "Errors", f"{STACK}-transform-throttles": "Throttles"}
    assert sorted(outputs["alarm_names"]) == sorted(expected)
    alarms = cloudwatch.describe_alarms(AlarmNames=list(expected))["MetricAlarms"]
    assert {a["AlarmName"]: a["MetricName"] for a in alarms} == expected
    for alarm in alarms:
        assert alarm["Namespace"] == "AWS/Lambda"
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": outputs["function_name"]}]
        assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Sum", 300, 1)
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == (
            "GreaterThanOrEqualToThreshold",
            1.0,
        )
        assert alarm["TreatMissingData"] == "notBreaching"
        assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
        tags = cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]
        assert EXPECTED_TAGS.items() <= {t["Key"]: t["Value"] for t in tags}.items()
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    key = server.client("kms").describe_key(KeyId=attributes["KmsMasterKeyId"])["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER" and key["KeyState"] == "Enabled"
    rotation = server.client("kms").get_key_rotation_status(KeyId=key["KeyId"])
    assert rotation["KeyRotationEnabled"] is True
    (publish,) = json.loads(attributes["Policy"])["Statement"]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Action"] == "sns:Publish" and publish["Resource"] == topic
    assert publish["Condition"]["ArnLike"]["aws:SourceArn"] == (
        f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{STACK}-transform-*"
    )
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", ALARM_EMAIL)]
    tags = sns.list_tags_for_resource(ResourceArn=topic)["Tags"]
    assert EXPECTED_TAGS.items() <= {t["Key"]: t["Value"] for t in tags}.items()


# parliament findings that misread the Service Authorization Reference, each checked:
# athena:ListTagsForResource stars three resource types (capacity-reservation, datacatalog,
# workgroup); a request names one resource, of any of them, and parliament wants all.
PARLIAMENT_MISREADS = {("RESOURCE_MISMATCH", "athena:ListTagsForResource")}


def lint_findings(policy_json: str) -> list[str]:
    """parliament's findings for one policy, less the misreads above."""
    from iam_reference import lint

    found = []
    for finding in lint(policy_json):
        details = finding["detail"] if isinstance(finding["detail"], list) else [finding["detail"]]
        actions = {d.get("action") for d in details if isinstance(d, dict)}
        if actions and all((finding["issue"], a) in PARLIAMENT_MISREADS for a in actions):
            continue
        found.append(f"{finding['issue']} {finding['severity']}: {finding['detail']}")
    return found


def check_policies_lint_clean(server, outputs):
    """The operator policy and the roles' policies, as deployed, linted by parliament."""
    iam = server.client("iam")
    policies = {"operator": outputs["operator_policy_json"]}
    for role, name in (
        (f"{outputs['function_name']}-role", "transform"),
        (f"{outputs['crawler']}-crawler-role", "crawler"),
    ):
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        policies[name] = json.dumps(document)
    operator = json.loads(outputs["operator_policy_json"])
    assert "DestroyStackBuckets" in {s["Sid"] for s in operator["Statement"]}  # opted in
    for name, policy in policies.items():
        assert lint_findings(policy) == [], name


def check_nothing_left(server, outputs, stack: str = STACK):
    buckets = [b["Name"] for b in server.client("s3").list_buckets()["Buckets"]]
    assert not [b for b in buckets if b.startswith(stack)]
    lam, glue = server.client("lambda"), server.client("glue")
    assert _error_code(lambda: lam.get_function(FunctionName=outputs["function_name"])) == (
        "ResourceNotFoundException"
    )
    assert _error_code(lambda: glue.get_database(Name=outputs["database"])) == (
        "EntityNotFoundException"
    )
    assert _error_code(lambda: glue.get_tables(DatabaseName=outputs["database"])) == (
        "EntityNotFoundException"
    )
    assert _error_code(lambda: glue.get_crawler(Name=outputs["crawler"])) == (
        "EntityNotFoundException"
    )
    workgroups = server.client("athena").list_work_groups()["WorkGroups"]
    assert outputs["workgroup"] not in [w["Name"] for w in workgroups]
    groups = server.client("logs").describe_log_groups()["logGroups"]
    assert outputs["log_group"] not in [g["logGroupName"] for g in groups]
    assert outputs["crawler_log_group"] not in [g["logGroupName"] for g in groups]
    assert not server.client("sqs").list_queues().get("QueueUrls")
    roles = [r["RoleName"] for r in server.client("iam").list_roles()["Roles"]]
    assert not [r for r in roles if r.startswith(stack)]
    alarms = server.client("cloudwatch").describe_alarms(AlarmNamePrefix=stack)
    assert alarms["MetricAlarms"] == []
    topics = server.client("sns").list_topics()["Topics"]
    assert not [t for t in topics if t["TopicArn"].rsplit(":", 1)[1].startswith(stack)]


def check_built(stack: tfhelpers.AppliedStack) -> None:
    """Everything apply built, as infra/README.md describes it (``environment`` = ENVIRONMENT)."""
    server, outputs = stack.server, stack.outputs
    assert set(RESOURCE_KEYS) | {"region", "stack"} <= set(outputs)
    assert outputs["stack"] == STACK
    assert outputs["region"] == "us-east-1"
    assert outputs["account_id"] == ACCOUNT
    check_buckets(server, outputs)
    check_function(server, outputs, stack.zip_sha256)
    check_function_role(server, outputs)
    check_catalog(server, outputs)
    check_workgroup(server, outputs)
    check_alarms(server, outputs)
    check_policies_lint_clean(server, outputs)


def check_destroyed(stack: tfhelpers.AppliedStack) -> None:
    """Nothing of the stack is left on the server, and Terraform's state is empty."""
    check_nothing_left(stack.server, stack.outputs)
    assert stack.managed_instances() == 0
