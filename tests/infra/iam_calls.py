"""Which AWS API operations olistctl's code calls, read from its source, and the IAM actions
they need.

``boto3_calls`` walks the abstract syntax tree of the given modules and finds every call
whose method name is an operation of an AWS service (``s3.put_object(…)``, a paginator's
``get_paginator("list_objects_v2")``), then names the service from the receiver:
``self.s3``, ``athena``, ``clients.client("glue")`` and so on. A call on a receiver
that names no service fails loudly (:class:`UnknownReceiver`), so new code cannot slip
past the policy tests by naming its client differently; add the name to ``RECEIVERS``.

``iam_actions`` maps an operation to the IAM actions AWS authorizes it with. Most are the
service prefix and the operation's name; the exceptions are listed with their source:

- S3: "Required permissions for Amazon S3 API operations",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
  (ListObjectsV2 and HeadObject are authorized as s3:ListBucket and s3:GetObject, the
  multipart upload calls as s3:PutObject, …).
- Lambda: Invoke is authorized as lambda:InvokeFunction (Service Authorization Reference,
  https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).
- STS: GetCallerIdentity needs no permission ("No permissions are required to perform this
  operation", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SERVICES = ("s3", "lambda", "glue", "athena", "logs", "cloudwatch", "ce", "sts", "pricing")

# The last name of a receiver expression -> the service its client talks to.
RECEIVERS = {
    "s3": "s3",
    "glue": "glue",
    "athena": "athena",
    "logs": "logs",
    "cloudwatch": "cloudwatch",
    "ce": "ce",
    "sts": "sts",
    "pricing": "pricing",
    # runner.py: ``client = self.clients.invoke_client()``, the Lambda client for invokes.
    "client": "lambda",
}
# Receivers that are not AWS clients although a method name matches an operation.
NOT_CLIENTS = ("super()", "botocore.session")

# What the S3 transfer manager calls for one upload (s3transfer's upload tasks): a single
# PutObject, or a multipart upload that it aborts when a part fails.
TRANSFER_UPLOAD = (
    "PutObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
)

# Operation -> IAM actions, where they are not "<prefix>:<operation>" (sources above).
S3_ACTIONS = {
    "ListObjectsV2": ("s3:ListBucket",),
    "ListObjectVersions": ("s3:ListBucketVersions",),
    "ListMultipartUploads": ("s3:ListBucketMultipartUploads",),
    "HeadObject": ("s3:GetObject",),
    "HeadBucket": ("s3:ListBucket",),
    "CreateMultipartUpload": ("s3:PutObject",),
    "UploadPart": ("s3:PutObject",),
    "CompleteMultipartUpload": ("s3:PutObject",),
    "GetBucketEncryption": ("s3:GetEncryptionConfiguration",),
    # olistctl's DeleteObjects always names versions (teardown removes every version and
    # delete marker): "To delete a specific version, you must have the
    # s3:DeleteObjectVersion permission" (DeleteObjects, S3 API Reference).
    "DeleteObjects": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
}
EXCEPTIONS = {
    ("lambda", "Invoke"): ("lambda:InvokeFunction",),
    ("sts", "GetCallerIdentity"): (),
}


class UnknownReceiver(AssertionError):
    pass


@dataclass(frozen=True, order=True)
class Call:
    service: str
    operation: str  # the API's own name, e.g. ListObjectsV2
    where: str  # file:line
    versioned: bool = False  # a GetObject given a VersionId (or **kwargs that may hold one)


@functools.cache
def _operations() -> dict[str, dict[str, str]]:
    """snake_case method name -> {service: OperationName}, from botocore's models."""
    import botocore.session
    from botocore import xform_name

    session = botocore.session.get_session()
    by_method: dict[str, dict[str, str]] = {}
    for service in SERVICES:
        for operation in session.get_service_model(service).operation_names:
            by_method.setdefault(xform_name(operation), {})[service] = operation
    return by_method


def _service_of(receiver: ast.expr) -> str | None:
    """The service a receiver expression's client talks to, or None when it names none."""
    if isinstance(receiver, ast.Call) and receiver.args:
        # clients.client("s3"), self.clients.client("s3")
        first = receiver.args[0]
        func = receiver.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "client"
            and isinstance(first, ast.Constant)
            and first.value in SERVICES
        ):
            return first.value
    name = (
        receiver.attr
        if isinstance(receiver, ast.Attribute)
        else receiver.id
        if isinstance(receiver, ast.Name)
        else None
    )
    return RECEIVERS.get(name) if name else None


def _is_partial(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "partial") or (
        isinstance(func, ast.Attribute) and func.attr == "partial"
    )


def boto3_calls(paths: Iterable[Path], root: Path) -> list[Call]:
    operations = _operations()
    calls: list[Call] = []
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if _is_partial(func) and node.args and isinstance(node.args[0], ast.Attribute):
                func = node.args[0]  # functools.partial(glue.list_crawls, …): a call later
            if not isinstance(func, ast.Attribute):
                continue
            method, receiver = func.attr, func.value
            where = f"{path.relative_to(root)}:{node.lineno}"
            if ast.unparse(receiver).startswith(NOT_CLIENTS):
                continue
            if method == "get_paginator":
                operation_name = node.args[0].value  # type: ignore[attr-defined]
                candidates = operations[operation_name]
            elif method in operations:
                candidates = operations[method]
            elif isinstance(receiver, ast.Name) and receiver.id == "TransferManager":
                continue
            else:
                continue
            service = _service_of(receiver)
            if service is None:
                raise UnknownReceiver(
                    f"{where}: `{ast.unparse(func)}` may be an AWS call "
                    f"({', '.join(sorted(candidates))}): name its service in RECEIVERS"
                )
            if service not in candidates:
                continue  # a method of ours that happens to share a name with another service's
            versioned = candidates[service] == "GetObject" and any(
                k.arg in (None, "VersionId") for k in node.keywords
            )
            calls.append(Call(service, candidates[service], where, versioned))
        if "TransferManager(" in path.read_text():
            calls += [
                Call("s3", op, f"{path.relative_to(root)} (TransferManager)")
                for op in TRANSFER_UPLOAD
            ]
    return sorted(calls)


def iam_actions(call: Call) -> tuple[str, ...]:
    if (call.service, call.operation) in EXCEPTIONS:
        return EXCEPTIONS[(call.service, call.operation)]
    if call.service == "s3":
        actions = S3_ACTIONS.get(call.operation, (f"s3:{call.operation}",))
        return (*actions, "s3:GetObjectVersion") if call.versioned else actions
    return (f"{call.service}:{call.operation}",)
