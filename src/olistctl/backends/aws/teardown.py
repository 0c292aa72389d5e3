"""Teardown on aws: empty the stack's buckets (every version, delete marker and unfinished
multipart upload), drop its tables.

A bucket, or the Glue database, is touched only when its tags say it belongs
to this stack (``olistctl:stack`` = the configured stack name; with no stack
name configured, the tag must at least be present). Anything else is listed
as a refusal and left alone: a typo in a bucket name must not empty someone
else's bucket, nor the default database name someone else's database. An
upload cut off while its abort failed too leaves parts that S3 bills for and
no object listing shows: they are listed (``ListMultipartUploads``) and
aborted with the rest. The Glue crawler's log group (``crawler_log_group``,
the stack's own, made by infra/ with a retention) is emptied of its log
streams under the same tag check; the group itself, like the buckets, goes
with ``terraform destroy``. After deleting, everything is listed again and what
is still there is reported, so "verified empty" is a fact, not a hope.

``destroy_infra`` then runs ``terraform destroy`` in the stack's folder
(``--destroy-infra``), with the region and endpoint olistctl uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.exceptions

from olistctl.backends.aws.clients import AwsClients, aws_errors, error_code
from olistctl.backends.aws.names import StackNames
from olistctl.backends.base import Teardown
from olistctl.errors import AwsError, ConfigError, DeadlineExceeded, OperationFailed
from olistctl.records import ProgressCallback, TeardownItem, TeardownPlan, TeardownReport
from olistctl.settings import STACK_TAG_KEY, Settings

DELETE_BATCH = 1000  # DeleteObjects' maximum
TABLE_BATCH = 100  # BatchDeleteTable's maximum
VERSIONS = "object versions"
MARKERS = "delete markers"
UPLOADS = "incomplete uploads"  # multipart uploads never completed nor aborted
TABLES = "tables"
LOG_STREAMS = "log streams"
TERRAFORM_TIMEOUT_S = 60 * 60
_ERROR_LINES = 12


@dataclass
class _Contents:
    versions: list[dict[str, str]]
    markers: list[dict[str, str]]
    bytes: int


class AwsTeardown(Teardown):
    def __init__(self, clients: AwsClients, names: StackNames) -> None:
        self.clients = clients
        self.names = names

    @property
    def s3(self):
        return self.clients.client("s3")

    @property
    def glue(self):
        return self.clients.client("glue")

    @property
    def logs(self):
        return self.clients.client("logs")

    # -- inventory ----------------------------------------------------------------

    def _buckets(self) -> list[str]:
        seen: list[str] = []
        for bucket in self.names.known_buckets().values():
            if bucket not in seen:
                seen.append(bucket)
        return seen

    def _tags(self, bucket: str) -> dict[str, str] | None:
        """The bucket's tags; None when the bucket does not exist."""
        with aws_errors("S3 GetBucketTagging", f"s3://{bucket}"):
            try:
                tag_set = self.s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
            except botocore.exceptions.ClientError as exc:
                if error_code(exc) == "NoSuchTagSet":
                    return {}
                if error_code(exc) in ("NoSuchBucket", "404"):
                    return None
                raise
        return {t["Key"]: t["Value"] for t in tag_set}

    def _refusal(self, what: str, tags: dict[str, str]) -> str | None:
        """Why ``what`` (``s3://b``, ``Glue database d``) is not ours to empty, if it is not."""
        stack = self.names.stack
        found = tags.get(STACK_TAG_KEY)
        if stack:
            if found != stack:
                now = (
                    f"its tag is {STACK_TAG_KEY}={found}"
                    if found
                    else f"it has no {STACK_TAG_KEY} tag"
                )
                return f"{what} is not tagged {STACK_TAG_KEY}={stack} ({now}); it is left untouched"
        elif found is None:
            return (
                f"{what} has no {STACK_TAG_KEY} tag, and no stack name is configured "
                "to check it against; it is left untouched (set OLISTCTL_STACK, or deploy "
                "infra/ so its outputs name the stack)"
            )
        return None

    def _database_tags(self, database: str) -> dict[str, str]:
        with aws_errors("STS GetCallerIdentity"):
            identity = self.clients.client("sts").get_caller_identity()
        partition = identity["Arn"].split(":")[1]
        arn = (
            f"arn:{partition}:glue:{self.clients.region}:{identity['Account']}:database/{database}"
        )
        with aws_errors("Glue GetTags", f"database {database}"):
            return self.glue.get_tags(ResourceArn=arn).get("Tags", {})

    def _contents(self, bucket: str) -> _Contents:
        contents = _Contents([], [], 0)
        with aws_errors("S3 ListObjectVersions", f"s3://{bucket}"):
            for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                for v in page.get("Versions", []):
                    contents.versions.append({"Key": v["Key"], "VersionId": v["VersionId"]})
                    contents.bytes += int(v.get("Size", 0))
                for m in page.get("DeleteMarkers", []):
                    contents.markers.append({"Key": m["Key"], "VersionId": m["VersionId"]})
        return contents

    def _uploads(self, bucket: str) -> list[dict[str, str]]:
        """The bucket's multipart uploads that were started and neither completed nor aborted."""
        uploads: list[dict[str, str]] = []
        with aws_errors("S3 ListMultipartUploads", f"s3://{bucket}"):
            for page in self.s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
                uploads += [
                    {"Key": u["Key"], "UploadId": u["UploadId"]} for u in page.get("Uploads", [])
                ]
        return uploads

    def _table_names(self, database: str) -> list[str] | None:
        """The database's tables; None when the database does not exist."""
        names: list[str] = []
        with aws_errors("Glue GetTables", f"database {database}"):
            try:
                for page in self.glue.get_paginator("get_tables").paginate(DatabaseName=database):
                    names.extend(t["Name"] for t in page.get("TableList", []))
            except botocore.exceptions.ClientError as exc:
                if error_code(exc) == "EntityNotFoundException":
                    return None
                raise
        return names

    def _database(self) -> str | None:
        return self.names.settings.get("database")

    def _log_group(self, name: str) -> dict[str, Any] | None:
        """The log group called ``name`` as DescribeLogGroups shows it; None when there is none."""
        with aws_errors("CloudWatch Logs DescribeLogGroups", name):
            for page in self.logs.get_paginator("describe_log_groups").paginate(
                logGroupNamePrefix=name
            ):
                for group in page.get("logGroups", []):
                    if group["logGroupName"] == name:
                        return group
        return None

    def _log_group_tags(self, group: dict[str, Any]) -> dict[str, str]:
        arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
        with aws_errors("CloudWatch Logs ListTagsForResource", group["logGroupName"]):
            return self.logs.list_tags_for_resource(resourceArn=arn).get("tags", {})

    def _log_streams(self, name: str) -> list[str]:
        streams: list[str] = []
        with aws_errors("CloudWatch Logs DescribeLogStreams", name):
            try:
                for page in self.logs.get_paginator("describe_log_streams").paginate(
                    logGroupName=name
                ):
                    streams += [s["logStreamName"] for s in page.get("logStreams", [])]
            except botocore.exceptions.ClientError as exc:
                if error_code(exc) != "ResourceNotFoundException":
                    raise
        return streams

    def plan(self) -> TeardownPlan:
        items: list[TeardownItem] = []
        refusals: list[str] = []
        for bucket in self._buckets():
            tags = self._tags(bucket)
            if tags is None:
                continue  # already gone
            refusal = self._refusal(f"s3://{bucket}", tags)
            if refusal:
                refusals.append(refusal)
                continue
            contents = self._contents(bucket)
            items.append(TeardownItem(VERSIONS, bucket, len(contents.versions), contents.bytes))
            items.append(TeardownItem(MARKERS, bucket, len(contents.markers)))
            items.append(TeardownItem(UPLOADS, bucket, len(self._uploads(bucket))))
        database = self._database()
        tables = self._table_names(database) if database else None
        if database and tables is not None:
            # The database may be a name's default ("olist"): only the stack's own is emptied.
            refusal = self._refusal(f"Glue database {database}", self._database_tags(database))
            if refusal:
                refusals.append(refusal)
            else:
                items.append(TeardownItem(TABLES, database, len(tables)))
        log_group = self.names.settings.get("crawler_log_group")
        group = self._log_group(log_group) if log_group else None
        if group is not None:
            # Never a log group olistctl did not create: the stack's tag, as for buckets.
            what = f"CloudWatch log group {log_group}"
            refusal = self._refusal(what, self._log_group_tags(group))
            if refusal:
                refusals.append(refusal)
            else:
                streams = self._log_streams(group["logGroupName"])
                stored = int(group.get("storedBytes", 0)) if streams else 0
                items.append(TeardownItem(LOG_STREAMS, group["logGroupName"], len(streams), stored))
        return TeardownPlan(items=items, refusals=refusals)

    # -- deleting -----------------------------------------------------------------

    def _empty_bucket(
        self, bucket: str, progress: ProgressCallback | None
    ) -> tuple[int, int, int, list[str]]:
        """Delete every version and marker; (versions, markers, bytes, error messages)."""
        contents = self._contents(bucket)
        marker_ids = {(m["Key"], m["VersionId"]) for m in contents.markers}
        everything = contents.versions + contents.markers
        failed: set[tuple[str, str]] = set()
        errors: list[str] = []
        for start in range(0, len(everything), DELETE_BATCH):
            batch = everything[start : start + DELETE_BATCH]
            with aws_errors("S3 DeleteObjects", f"s3://{bucket}"):
                response = self.s3.delete_objects(
                    Bucket=bucket, Delete={"Objects": batch, "Quiet": True}
                )
            for error in response.get("Errors", []):
                failed.add((error.get("Key", ""), error.get("VersionId", "")))
                errors.append(
                    f"s3://{bucket}/{error.get('Key')} (version {error.get('VersionId')}): "
                    f"{error.get('Code')}: {error.get('Message')}"
                )
            if progress:
                progress(len(batch) - len(response.get("Errors", [])))
        versions = sum(1 for v in contents.versions if (v["Key"], v["VersionId"]) not in failed)
        markers = sum(1 for m in marker_ids if m not in failed)
        return versions, markers, contents.bytes, errors

    def _abort_uploads(
        self, bucket: str, progress: ProgressCallback | None
    ) -> tuple[int, list[str]]:
        """Abort every unfinished multipart upload (its parts go); (aborted, error messages)."""
        aborted = 0
        errors: list[str] = []
        for upload in self._uploads(bucket):
            where = f"s3://{bucket}/{upload['Key']} (upload {upload['UploadId']})"
            try:
                with aws_errors("S3 AbortMultipartUpload", where):
                    try:
                        self.s3.abort_multipart_upload(Bucket=bucket, **upload)
                    except botocore.exceptions.ClientError as exc:
                        if error_code(exc) != "NoSuchUpload":  # completed or aborted meanwhile
                            raise
            except AwsError as exc:
                errors.append(f"{where}: {exc.message}")
                continue
            aborted += 1
            if progress:
                progress(1)
        return aborted, errors

    def _drop_tables(
        self, database: str, progress: ProgressCallback | None
    ) -> tuple[int, list[str]]:
        names = self._table_names(database) or []
        dropped = 0
        errors: list[str] = []
        for start in range(0, len(names), TABLE_BATCH):
            batch = names[start : start + TABLE_BATCH]
            with aws_errors("Glue BatchDeleteTable", f"database {database}"):
                response = self.glue.batch_delete_table(DatabaseName=database, TablesToDelete=batch)
            failures: list[dict[str, Any]] = response.get("Errors", [])
            errors += [
                f"{database}.{e.get('TableName')}: {e.get('ErrorDetail', {}).get('ErrorMessage')}"
                for e in failures
            ]
            dropped += len(batch) - len(failures)
            if progress:
                progress(len(batch) - len(failures))
        return dropped, errors

    def _delete_streams(
        self, group: str, progress: ProgressCallback | None
    ) -> tuple[int, list[str]]:
        deleted = 0
        errors: list[str] = []
        for stream in self._log_streams(group):
            try:
                with aws_errors("CloudWatch Logs DeleteLogStream", f"{group} stream {stream}"):
                    try:
                        self.logs.delete_log_stream(logGroupName=group, logStreamName=stream)
                    except botocore.exceptions.ClientError as exc:
                        if error_code(exc) != "ResourceNotFoundException":  # gone meanwhile
                            raise
            except AwsError as exc:
                errors.append(f"{group} stream {stream}: {exc.message}")
                continue
            deleted += 1
            if progress:
                progress(1)
        return deleted, errors

    def execute(
        self, plan: TeardownPlan, *, progress: ProgressCallback | None = None
    ) -> TeardownReport:
        """Delete what the plan lists (never a refused bucket), then look again."""
        buckets = list(
            dict.fromkeys(i.name for i in plan.items if i.kind in (VERSIONS, MARKERS, UPLOADS))
        )
        databases = [i.name for i in plan.items if i.kind == TABLES]
        log_groups = {i.name: i.bytes for i in plan.items if i.kind == LOG_STREAMS}
        deleted: list[TeardownItem] = []
        errors: list[str] = []
        for bucket in buckets:
            # Uploads first: one completed after the bucket was emptied would leave an object.
            aborted, upload_errors = self._abort_uploads(bucket, progress)
            versions, markers, size, bucket_errors = self._empty_bucket(bucket, progress)
            deleted += [
                TeardownItem(VERSIONS, bucket, versions, size),
                TeardownItem(MARKERS, bucket, markers),
                TeardownItem(UPLOADS, bucket, aborted),
            ]
            errors += upload_errors + bucket_errors
        for database in databases:
            dropped, table_errors = self._drop_tables(database, progress)
            deleted.append(TeardownItem(TABLES, database, dropped))
            errors += table_errors
        for group, stored in log_groups.items():
            streams, stream_errors = self._delete_streams(group, progress)
            deleted.append(TeardownItem(LOG_STREAMS, group, streams, stored))
            errors += stream_errors

        remaining: list[TeardownItem] = []
        for bucket in buckets:
            left = self._contents(bucket)
            remaining += [
                TeardownItem(VERSIONS, bucket, len(left.versions), left.bytes),
                TeardownItem(MARKERS, bucket, len(left.markers)),
                TeardownItem(UPLOADS, bucket, len(self._uploads(bucket))),
            ]
        for database in databases:
            remaining.append(TeardownItem(TABLES, database, len(self._table_names(database) or [])))
        for group in log_groups:
            remaining.append(TeardownItem(LOG_STREAMS, group, len(self._log_streams(group))))
        return TeardownReport(
            deleted=deleted, remaining=[i for i in remaining if i.count], errors=errors
        )

    def verified(self, report: TeardownReport) -> str:
        return "Verified: nothing of the stack's data is left."

    # -- terraform ----------------------------------------------------------------

    def destroy_infra(self, settings: Settings) -> str:
        """``terraform destroy -auto-approve`` in the stack's folder; returns its last line."""
        infra_dir = Path(settings.get("infra_dir") or "infra")
        last_line = terraform_destroy(infra_dir, variables=destroy_variables(settings))
        # The saved outputs name resources that no longer exist: a later command would
        # read them as its settings and fail against a stack that is gone.
        saved = infra_dir / "outputs.json"
        if saved.is_file():
            saved.unlink()
            last_line += f"\nRemoved {saved}: it named the destroyed stack."
        return last_line


def destroy_variables(settings: Settings) -> dict[str, str]:
    """infra/ variables that tell the provider where the stack is, for ``terraform destroy``.

    Terraform does not remember a ``-var`` given to ``apply``. Without these, a destroy
    would look for the stack in the default region (or on AWS rather than the endpoint),
    drop from its state what it cannot find there, and leave it running. The region is
    the stack's own (its ``region`` output) before olistctl's; the endpoint is olistctl's.
    """
    values = {
        "region": settings.terraform_outputs().get("region") or settings.get("region"),
        "endpoint_url": settings.get("endpoint_url"),
    }
    return {name: str(value) for name, value in values.items() if value}


def terraform_destroy(
    infra_dir: Path,
    *,
    variables: Mapping[str, str] | None = None,
    timeout_s: float = TERRAFORM_TIMEOUT_S,
) -> str:
    """Run ``terraform destroy`` in ``infra_dir``; ``variables`` go in as ``TF_VAR_*``.

    ``TF_VAR_*`` is Terraform's weakest source of a value: the user's own
    ``TF_VAR_*`` and the folder's ``*.tfvars`` files still win, and a variable
    the configuration does not declare is ignored.
    """
    terraform = shutil.which("terraform")
    if terraform is None:
        raise ConfigError(
            "terraform is not on the PATH, so the infrastructure cannot be destroyed",
            hint="install Terraform, or run `terraform -chdir=infra destroy` where it is installed",
        )
    infra_dir = infra_dir.resolve()
    if not any(infra_dir.glob("*.tf")):
        raise ConfigError(
            f"{infra_dir} holds no Terraform configuration",
            hint="pass --infra-dir (or set OLISTCTL_INFRA_DIR) to the stack's folder",
        )
    command = [
        terraform,
        f"-chdir={infra_dir}",
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]
    # The environment passes through: credentials, TF_CLI_CONFIG_FILE, TF_VAR_*.
    env = dict(os.environ)
    for name, value in (variables or {}).items():
        env.setdefault(f"TF_VAR_{name}", value)
    try:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DeadlineExceeded(
            f"terraform destroy in {infra_dir} did not finish within {timeout_s:g} s",
            hint=f"run `terraform -chdir={infra_dir} destroy` yourself and watch it",
        ) from exc
    if proc.returncode != 0:
        raise OperationFailed(
            f"terraform destroy failed in {infra_dir}: {_last_error(proc.stderr or proc.stdout)}",
            hint=f"fix that, then run `terraform -chdir={infra_dir} destroy` "
            "(the data is already gone)",
        )
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else "terraform destroy finished"


def _last_error(output: str) -> str:
    """Terraform's last ``Error:`` block, squeezed onto one line."""
    lines = [line.strip(" │╷╵") for line in output.splitlines()]
    lines = [line for line in lines if line]
    starts = [i for i, line in enumerate(lines) if line.startswith("Error:")]
    chosen = lines[starts[-1] :] if starts else lines[-_ERROR_LINES:]
    return " ".join(chosen[:_ERROR_LINES]) or "terraform printed no error"
