"""The operator policy (infra/operator.tf) against the code: every AWS call olistctl makes on
the aws backend is granted, and nothing is granted that nothing needs. Also the function
role against the handler's own calls, and "*" resources only where AWS allows nothing else.

The calls are read from the source (iam_calls.py); the IAM actions and the resource types
each accepts come from the Service Authorization Reference as parliament ships it
(parliament's ``iam_definition.json``, iam_reference.py, https://docs.aws.amazon.com/service-authorization/latest/reference/).
No terraform needed; the rendered policies are linted by parliament in the apply test.
"""

from __future__ import annotations

import pytest
import tfhelpers
from hclmodel import blocks, dynamic_blocks
from iam_calls import boto3_calls, iam_actions
from iam_reference import privileges as reference_privileges

SRC = tfhelpers.REPO / "src" / "olistctl"
# What the aws backend runs in the operator's own process: the backend (its Cost Explorer and
# Price List clients included), and the Lambda handler's code (`--runner local` runs it here).
HANDLER_MODULES = [SRC / "lambda_handler.py", SRC / "s3_stream.py"]
OPERATOR_MODULES = [
    *sorted((SRC / "backends" / "aws").glob("*.py")),
    *sorted((SRC / "cost").glob("*.py")),
    SRC / "cli" / "cost_cmd.py",
    *HANDLER_MODULES,
]
# Granted though no line of olistctl calls them:
NOT_CALLED_BY_OLISTCTL = {
    # Athena reads the tables' data and writes query results with the caller's permissions:
    # "Access to Amazon S3" (https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html)
    # lists s3:GetBucketLocation, and s3:ListMultipartUploadParts for the results bucket.
    "s3:GetBucketLocation",
    "s3:ListMultipartUploadParts",
    # … and reads the catalog with them ("Fine-grained access to databases and tables in the
    # AWS Glue Data Catalog", https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html).
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetPartition",
    "glue:BatchGetPartition",
}


def _statements(document: dict) -> list[dict]:
    """The statements of an aws_iam_policy_document that always exist (not dynamic ones)."""
    return list(blocks(document, "statement"))


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def granted(document: dict) -> set[str]:
    return {a for st in _statements(document) for a in _as_list(st.get("actions", []))}


@pytest.fixture(scope="module")
def documents(infra_model) -> dict[str, dict]:
    return infra_model.data("aws_iam_policy_document")


@pytest.fixture(scope="module")
def privileges() -> dict[str, dict]:
    """``service:action`` -> its entry in the Service Authorization Reference."""
    return reference_privileges()


def test_the_code_calls_nothing_the_operator_policy_does_not_grant(documents):
    calls = boto3_calls(OPERATOR_MODULES, tfhelpers.REPO)
    assert len(calls) > 40, calls  # the scan found the backend's calls
    allowed = granted(documents["operator"])
    missing = sorted(
        f"{action} ({call.service} {call.operation} at {call.where})"
        for call in calls
        for action in iam_actions(call)
        if action not in allowed
    )
    assert missing == [], "the operator policy lacks:\n" + "\n".join(missing)


def test_the_scan_sees_the_price_list_call():
    """`report cost --refresh-prices` pages GetProducts (backends/aws/price_list.py)."""
    calls = boto3_calls(OPERATOR_MODULES, tfhelpers.REPO)
    found = [c for c in calls if (c.service, c.operation) == ("pricing", "GetProducts")]
    assert [c.where.split(":")[0] for c in found] == ["src/olistctl/backends/aws/price_list.py"]
    assert [a for c in found for a in iam_actions(c)] == ["pricing:GetProducts"]


def test_the_operator_policy_grants_nothing_that_nothing_needs(documents):
    needed = {
        a for call in boto3_calls(OPERATOR_MODULES, tfhelpers.REPO) for a in iam_actions(call)
    }
    unused = granted(documents["operator"]) - needed - NOT_CALLED_BY_OLISTCTL
    assert unused == set()
    assert granted(documents["operator"]) >= NOT_CALLED_BY_OLISTCTL


def test_the_function_role_grants_what_the_handler_calls(documents):
    calls = boto3_calls(HANDLER_MODULES, tfhelpers.REPO)
    assert {c.operation for c in calls} >= {"GetObject", "PutObject", "UploadPart"}
    allowed = granted(documents["transform"])
    missing = sorted(
        f"{action} ({call.operation} at {call.where})"
        for call in calls
        for action in iam_actions(call)
        if action not in allowed
    )
    assert missing == []


def test_every_action_exists_and_star_only_where_aws_offers_no_resource(documents, privileges):
    """A typo in an action fails here; so does "*" for an action that requires an ARN.

    "If there is no value for this column [Resource types], you must specify all resources
    ("*")"; "Required resources are indicated in the table with an asterisk (*)" (Service
    Authorization Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
    """
    checked = 0
    for name, document in documents.items():
        if name == "alarms_key":
            continue  # a key policy (test_infra_static.KEY_POLICIES)
        statements = _statements(document) + [
            content
            for d in dynamic_blocks(document, "statement")
            for content in blocks(d, "content")
        ]
        for statement in statements:
            actions = _as_list(statement.get("actions", []))
            if any(a.startswith("${") for a in actions):
                continue  # the destroy statements, from a map: checked on the rendered policy
            resources = _as_list(statement.get("resources", []))
            for action in actions:
                if action.endswith(":*"):  # the TLS-only Deny of every S3 action
                    assert statement["effect"] == "Deny", f"{name}: {action} allowed"
                    continue
                assert action.lower() in privileges, f"{name}: no such IAM action {action}"
                checked += 1
                if "*" in resources and statement.get("effect", "Allow") == "Allow":
                    types = {
                        r["resource_type"] for r in privileges[action.lower()]["resource_types"]
                    }
                    # A required resource type is starred ("bucket*"); "*" cannot stand for it.
                    required = sorted(t for t in types if t.endswith("*"))
                    assert required == [], (
                        f"{name}/{statement.get('sid')}: {action} requires {required}, not *"
                    )
    assert checked > 60
