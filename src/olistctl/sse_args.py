"""Server-side encryption arguments for the objects olistctl writes to S3.

The stack's buckets encrypt by default: SSE-S3, or SSE-KMS with the stack's key
and an S3 Bucket Key when ``kms_key_arn`` is set (infra/s3.tf). A write that
sends ``ServerSideEncryption: AES256`` to such a bucket silently overrides its
KMS default, so writers repeat the bucket's own setting (the CLI reads it with
GetBucketEncryption), or name the KMS key they were given, or send nothing and
let the default apply. Core module: the Lambda handler uses it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SSE_S3 = "AES256"
SSE_KMS = "aws:kms"
# The transform function's environment may name the key its output is encrypted with.
KMS_KEY_ENV = "OLISTCTL_KMS_KEY_ARN"


def sse_args(kms_key_id: str | None = None) -> dict[str, Any]:
    """PutObject / upload ``ExtraArgs`` for SSE-S3, or for SSE-KMS with ``kms_key_id``.

    No ``BucketKeyEnabled``: the transfer manager refuses it, and an object
    written without it takes the bucket's own S3 Bucket Key setting (infra/
    enables one with a KMS key, which cuts the KMS requests and their bill).
    """
    if not kms_key_id:
        return {"ServerSideEncryption": SSE_S3}
    return {"ServerSideEncryption": SSE_KMS, "SSEKMSKeyId": kms_key_id}


def sse_args_for_bucket(configuration: Mapping[str, Any] | None) -> dict[str, Any]:
    """The arguments that repeat a bucket's default encryption.

    ``configuration`` is GetBucketEncryption's ``ServerSideEncryptionConfiguration``;
    None (no configuration) is SSE-S3, which S3 applies to every such bucket.
    """
    for rule in (configuration or {}).get("Rules") or []:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = default.get("SSEAlgorithm") or SSE_S3
        if algorithm == SSE_S3:
            return sse_args(None)
        # aws:kms, or dual-layer aws:kms:dsse; without a key id S3 uses its aws/s3 key.
        args: dict[str, Any] = {"ServerSideEncryption": algorithm}
        if default.get("KMSMasterKeyID"):
            args["SSEKMSKeyId"] = default["KMSMasterKeyID"]
        return args
    return sse_args(None)
