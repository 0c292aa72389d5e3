"""moto's IAM enforcement, asking for the permissions AWS asks for.

moto (5.2) can check every request against the caller's IAM policies (enforcement is on
once ``moto.settings.INITIAL_NO_AUTH_ACTION_COUNT`` requests have passed; 0 turns it on
at once: moto/core/authorization.py, and the server's ``/moto-api/reset-auth``). It
checks real signatures, real access keys and the policies of the user or assumed role
behind them. What it checks them against falls short of AWS in three ways, which this
module corrects, in the test's own process, where the ThreadedMotoServer runs:

- The action is ``<service>:<operation name>`` (``lambda:Invoke``), not the IAM action
  (``lambda:InvokeFunction``); for S3 moto maps a few sub-resources and files the rest
  under ``ListBucket`` (moto/s3/responses.py, ``ACTION_MAP``).
- The resource is ``*`` for every service but S3, IAM, STS and SQS
  (moto/core/responses.py, ``call_action``), which no ARN-scoped statement matches.
- A DeleteObjects request is authorized once, as s3:DeleteObject on the bucket.

And one plain bug: moto recomputes the signature of a request without a body (a Lambda
GET such as GetFunctionConfiguration) over the parameters it parsed from the path
(``data=self._body or self._data`` in ``_create_aws_request``), so the signature never
matches; it is recomputed here over the empty body the client signed.

Here each request is mapped to the actions and resources AWS documents for it: S3 by the
"Required permissions for Amazon S3 API operations" table
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html),
every other service by the Service Authorization Reference as parliament ships it
(parliament's ``iam_definition.json``): each required resource type (starred there) becomes an
ARN built from the request's own parameters. The caller's policies are then evaluated
with moto's own evaluator, resource by resource. Still not AWS: conditions (moto skips
StringLike and evaluates others without request context), resource policies (bucket,
key and topic policies), permission boundaries and SCPs.

An operation this module cannot map is refused and listed in ``unmapped``, so a new call
cannot pass unchecked.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from iam_reference import privileges

# The signing name in a request's credential scope -> the IAM service prefix.
PREFIXES = {"monitoring": "cloudwatch"}
# Operation -> IAM action where the names differ (Service Authorization Reference).
RENAMED = {("lambda", "Invoke"): "lambda:InvokeFunction"}
# "No permissions are required to perform this operation" (STS API Reference).
FREE = {("sts", "GetCallerIdentity")}

_S3_BUCKET_GET = {
    "versions": "ListBucketVersions",
    "uploads": "ListBucketMultipartUploads",
    "tagging": "GetBucketTagging",
    "encryption": "GetEncryptionConfiguration",
    "location": "GetBucketLocation",
    "acl": "GetBucketAcl",
    "cors": "GetBucketCORS",
    "website": "GetBucketWebsite",
    "versioning": "GetBucketVersioning",
    "accelerate": "GetAccelerateConfiguration",
    "requestPayment": "GetBucketRequestPayment",
    "logging": "GetBucketLogging",
    "lifecycle": "GetLifecycleConfiguration",
    "replication": "GetReplicationConfiguration",
    "object-lock": "GetBucketObjectLockConfiguration",
    "policy": "GetBucketPolicy",
    "policyStatus": "GetBucketPolicyStatus",
    "ownershipControls": "GetBucketOwnershipControls",
    "publicAccessBlock": "GetBucketPublicAccessBlock",
    "notification": "GetBucketNotification",
}
_S3_BUCKET_PUT = {
    "versioning": "PutBucketVersioning",
    "tagging": "PutBucketTagging",
    "policy": "PutBucketPolicy",
    "encryption": "PutEncryptionConfiguration",
    "lifecycle": "PutLifecycleConfiguration",
    "ownershipControls": "PutBucketOwnershipControls",
    "publicAccessBlock": "PutBucketPublicAccessBlock",
    "notification": "PutBucketNotification",
}
# Deleting a bucket's configuration is authorized as putting it (S3's table).
_S3_BUCKET_DELETE = {
    "encryption": "PutEncryptionConfiguration",
    "lifecycle": "PutLifecycleConfiguration",
    "ownershipControls": "PutBucketOwnershipControls",
    "publicAccessBlock": "PutBucketPublicAccessBlock",
    "tagging": "PutBucketTagging",
    "cors": "PutBucketCORS",
    "policy": "DeleteBucketPolicy",
    "website": "DeleteBucketWebsite",
}


@dataclass(frozen=True)
class Decision:
    principal: str
    action: str
    resource: str
    allowed: bool


@dataclass
class Authorizer:
    """Installed with :meth:`install`; enforcing only inside :meth:`enforcing`."""

    account: str
    decisions: list[Decision] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self, monkeypatch) -> None:
        from moto.iam.access_control import IAMRequestBase

        authorizer = self

        def check_action_permitted(request, moto_resource: str) -> None:
            authorizer.check(request)

        monkeypatch.setattr(IAMRequestBase, "check_action_permitted", check_action_permitted)

        original = IAMRequestBase._create_aws_request

        def create_aws_request(request):
            if request._method in ("GET", "HEAD", "DELETE") and not request._body:
                saved, request._data = request._data, {}
                try:
                    return original(request)
                finally:
                    request._data = saved
            return original(request)

        monkeypatch.setattr(IAMRequestBase, "_create_aws_request", create_aws_request)

    @contextlib.contextmanager
    def enforcing(self) -> Iterator[None]:
        """moto checks every request in here (the test's own setup calls run outside)."""
        from moto import settings
        from moto.core.authorization import ActionAuthenticatorMixin

        before = settings.INITIAL_NO_AUTH_ACTION_COUNT
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        ActionAuthenticatorMixin.request_count = 0
        try:
            yield
        finally:
            settings.INITIAL_NO_AUTH_ACTION_COUNT = before

    def denied(self) -> list[Decision]:
        return [d for d in self.decisions if not d.allowed]

    # -- one request -----------------------------------------------------------------

    def check(self, request) -> None:
        from moto.iam.access_control import IAMPolicy, PermissionResult

        signing, _, operation = request._action.partition(":")
        principal = request._access_key.arn
        try:
            needs = self.required(request, signing, operation)
        except LookupError as exc:
            with self._lock:
                self.unmapped.append(f"{signing}:{operation}: {exc}")
            request._raise_access_denied()
        policies = request._access_key.collect_policies()
        for action, resource in needs:
            results = [IAMPolicy(p).is_action_permitted(action, resource) for p in policies]
            allowed = (
                PermissionResult.DENIED not in results and PermissionResult.PERMITTED in results
            )
            with self._lock:
                self.decisions.append(Decision(principal, action, resource, allowed))
            if not allowed:
                request._raise_access_denied()

    def required(self, request, signing: str, operation: str) -> list[tuple[str, str]]:
        """(IAM action, resource ARN) pairs that AWS checks for this request."""
        if signing == "s3":
            return _s3_required(request)
        prefix = PREFIXES.get(signing, signing)
        if (prefix, operation) in FREE:
            return []
        action = RENAMED.get((prefix, operation), f"{prefix}:{operation}")
        params = _params(request)
        context = _Context(
            self.account, request._region, prefix, params, request._path, request._access_key.arn
        )
        return [(action, arn) for arn in context.resources(action)]


# -- S3 --------------------------------------------------------------------------------


def _s3_required(request) -> list[tuple[str, str]]:
    parts = urlsplit(request._path)
    query = parse_qs(parts.query, keep_blank_values=True)
    bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
    method = request._method
    if not bucket:
        return [("s3:ListAllMyBuckets", "*")]
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if not key:
        if method == "POST" and "delete" in query:
            # DeleteObjects: each object is authorized as its own delete.
            body = request._body.decode() if isinstance(request._body, bytes) else request._body
            needs = []
            for obj in re.findall(r"<Object>(.*?)</Object>", body, re.S):
                name = re.search(r"<Key>(.*?)</Key>", obj, re.S).group(1)  # type: ignore[union-attr]
                versioned = "<VersionId>" in obj
                action = "s3:DeleteObjectVersion" if versioned else "s3:DeleteObject"
                needs.append((action, f"{bucket_arn}/{name}"))
            return needs
        table = {"GET": _S3_BUCKET_GET, "PUT": _S3_BUCKET_PUT, "DELETE": _S3_BUCKET_DELETE}
        found = [name for sub, name in table.get(method, {}).items() if sub in query]
        if found:
            return [(f"s3:{found[0]}", bucket_arn)]
        default = {"GET": "ListBucket", "HEAD": "ListBucket", "DELETE": "DeleteBucket"}
        if method in default:
            return [(f"s3:{default[method]}", bucket_arn)]
        raise LookupError(f"{method} /{bucket}?{parts.query}")
    key_arn = f"{bucket_arn}/{key}"
    if method in ("GET", "HEAD"):
        if "uploadId" in query:
            return [("s3:ListMultipartUploadParts", key_arn)]
        if "tagging" in query:
            return [("s3:GetObjectTagging", key_arn)]
        return [("s3:GetObjectVersion" if "versionId" in query else "s3:GetObject", key_arn)]
    if method in ("PUT", "POST"):
        return [("s3:PutObject", key_arn)]  # incl. CreateMultipartUpload, UploadPart, Complete…
    if method == "DELETE":
        if "uploadId" in query:
            return [("s3:AbortMultipartUpload", key_arn)]
        return [("s3:DeleteObjectVersion" if "versionId" in query else "s3:DeleteObject", key_arn)]
    raise LookupError(f"{method} {parts.path}")


# -- every other service -----------------------------------------------------------------


def _params(request) -> dict:
    """The request's parameters: a JSON body, or a query-protocol form (lists flattened)."""
    body = request._body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if body:
        try:
            loaded = json.loads(body)
            if isinstance(loaded, dict):
                return loaded
        except ValueError:
            pass
    form = parse_qs(body or "", keep_blank_values=True)
    form.update({k: v if isinstance(v, list) else [v] for k, v in (request._data or {}).items()})
    params: dict = {}
    for name, values in form.items():
        member = re.fullmatch(r"(\w+)\.member\.\d+", name)
        if member:
            params.setdefault(member.group(1), []).extend(values)
        else:
            params[name] = values[0] if values else ""
    return params


_ARN_PARAMS = ("ResourceARN", "ResourceArn", "resourceArn", "TopicArn", "PolicyArn")


@dataclass
class _Context:
    account: str
    region: str
    prefix: str
    params: dict
    path: str
    caller: str  # the ARN of the user or assumed role making the request

    def resources(self, action: str) -> list[str]:
        privilege = privileges().get(action.lower())
        if privilege is None:
            raise LookupError(f"{action} is not an IAM action")
        for name in _ARN_PARAMS:
            if isinstance(self.params.get(name), str) and self.params[name].startswith("arn:"):
                return [self.params[name]]
        types = [r["resource_type"] for r in privilege["resource_types"]]
        required = [t[:-1] for t in types if t.endswith("*")]
        if not required:
            return ["*"]
        arns: list[str] = []
        for kind in required:
            arns += self.arns(kind)
        return arns

    def _base(self) -> str:
        return f"arn:aws:{self.prefix}:{self.region}:{self.account}"

    def _need(self, *names: str) -> str:
        for name in names:
            value = self.params.get(name)
            if isinstance(value, str) and value:
                return value
        raise LookupError(f"none of {names} in {sorted(self.params)}")

    def arns(self, kind: str) -> list[str]:
        base, p = self._base(), self.params
        if self.prefix == "glue":
            if kind == "rootcatalog":
                return [f"{base}:catalog"]
            if kind == "crawler":
                return [f"{base}:crawler/{self._need('CrawlerName', 'Name')}"]
            database = self._need("DatabaseName", "Name")
            if kind == "database":
                return [f"{base}:database/{database}"]
            if kind == "userdefinedfunction":
                return [f"{base}:userDefinedFunction/{database}/*"]
            if kind == "table":
                names = [t for t in p.get("TablesToDelete", [])]
                name = p.get("TableName") or (p.get("TableInput") or {}).get("Name")
                names += [name] if name else []
                return [f"{base}:table/{database}/{n}" for n in names or ["*"]]
        if self.prefix == "athena" and kind == "workgroup":
            return [f"{base}:workgroup/{w}" for w in self._workgroups()]
        if self.prefix == "lambda" and kind == "function":
            name = re.search(r"/functions/([^/?]+)", self.path)
            if name is None:
                raise LookupError(f"no function in {self.path}")
            function = unquote(name.group(1)).rsplit(":", 1)[-1]
            return [f"{base}:function:{function}"]
        if self.prefix == "logs" and kind == "log-group":
            return [f"{base}:log-group:{self._need('logGroupName')}"]
        if self.prefix == "logs" and kind == "log-stream":
            group, stream = self._need("logGroupName"), self._need("logStreamName")
            return [f"{base}:log-group:{group}:log-stream:{stream}"]
        if self.prefix == "cloudwatch" and kind == "alarm":
            names = p.get("AlarmNames") or []
            return [f"{base}:alarm:{n}" for n in names] or [f"{base}:alarm:*"]
        if self.prefix == "kms" and kind == "key":
            key = self._need("KeyId")
            return [key if key.startswith("arn:") else f"{base}:key/{key}"]
        if self.prefix == "sqs" and kind == "queue":
            return [f"{base}:{self._need('QueueUrl').rstrip('/').rsplit('/', 1)[-1]}"]
        if self.prefix == "iam":
            iam = f"arn:aws:iam::{self.account}"
            if kind == "role":
                return [f"{iam}:role/{self._need('RoleName')}"]
            if kind == "user":  # without a UserName, GetUser asks about the caller
                name = self.params.get("UserName")
                return [f"{iam}:user/{name}" if name else self.caller]
        raise LookupError(f"no ARN rule for {self.prefix} resource type {kind}")

    def _workgroups(self) -> list[str]:
        if isinstance(self.params.get("WorkGroup"), str):
            return [self.params["WorkGroup"]]
        ids = self.params.get("QueryExecutionIds") or [self._need("QueryExecutionId")]
        from moto.athena.models import athena_backends

        backend = athena_backends[self.account][self.region]
        groups = []
        for query_id in ids:
            workgroup = backend.get_query_execution(query_id).workgroup
            groups.append(workgroup.name if workgroup is not None else "primary")
        return sorted(set(groups))
