"""Transform runners on aws: the Lambda function, or its handler in this process (`--runner local`).

Both convert one raw object per call, N at a time, and turn each answer into a
:class:`TransformOutcome`. A file that fails (bad CSV, function error,
timeout, throttled too long) yields ``ok=False`` and the others go on; a
problem no file can get past (no credentials, no such function, access
denied) raises, so the user sees one error with its fix instead of N.

Throttling: the invoke client never retries by itself (a retried invoke could
run the function twice). A ``TooManyRequestsException`` (HTTP 429) is
different: Lambda refused the invoke before running anything, so retrying it
is safe, and it is retried here, a bounded number of times with backoff.
Other failures are not retried; re-running ``olistctl transform`` redoes
only the files that are not converted yet.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any

import botocore.exceptions

from olistctl.backends.aws.clients import AwsClients, error_code, translate
from olistctl.backends.aws.names import StackNames
from olistctl.backends.aws.store import S3Store
from olistctl.backends.base import TransformRunner
from olistctl.backends.pool import convert_in_pool
from olistctl.errors import ConfigError, OlistError
from olistctl.records import ProgressCallback, TransformOutcome

THROTTLE_ATTEMPTS = 6
THROTTLE_BASE_S = 1.0
THROTTLE_MAX_S = 20.0
RERUN_HINT = "run `olistctl transform` again: files already converted are skipped"

# Errors that every invoke would hit: raised once rather than reported per file.
_FATAL_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "AccessDeniedException",
        "AccessDenied",
        "KMSAccessDeniedException",
    }
)


def _fatal(exc: BaseException, *, action: str, resource: str) -> OlistError | None:
    mapped = translate(exc, action=action, resource=resource)
    if isinstance(mapped, ConfigError) or error_code(exc) in _FATAL_CODES:
        return mapped
    return None


def outcome_from_record(
    raw_key: str, record: dict[str, Any], request_id: str | None
) -> TransformOutcome:
    """A successful handler record (see ``olistctl.lambda_handler``) as an outcome."""
    from olistctl.transform import TransformResult

    result = TransformResult.from_dict(record["result"])
    return TransformOutcome(
        raw_key=raw_key,
        table=record.get("table") or result.table,
        ok=True,
        processed_key=record["processed_key"],
        rows=int(record["rows"]),
        bytes_in=int(record["bytes_in"]),
        bytes_out=int(record["bytes_out"]),
        seconds=float(record["seconds"]),
        quality=result.quality.to_dict(),
        request_id=request_id,
    )


def _failed(raw_key: str, error: str, request_id: str | None = None) -> TransformOutcome:
    table = raw_key.split("/", 1)[0]
    return TransformOutcome(
        raw_key=raw_key, table=table, ok=False, error=error, request_id=request_id
    )


class _PoolRunner(TransformRunner):
    """Runs ``_convert_one`` for each key on a thread pool, biggest file first."""

    def __init__(self, store: S3Store) -> None:
        self.store = store

    def _convert_one(self, raw_key: str, report: ProgressCallback) -> TransformOutcome:
        raise NotImplementedError

    def convert(
        self,
        raw_keys: Sequence[str],
        *,
        concurrency: int = 2,
        progress: ProgressCallback | None = None,
        sizes: Mapping[str, int] | None = None,
        finished: list[TransformOutcome] | None = None,
    ) -> Generator[TransformOutcome, None, None]:
        if sizes is None:
            wanted = set(raw_keys)
            sizes = {o.key: o.size for o in self.store.list("raw") if o.key in wanted}
        return convert_in_pool(
            raw_keys,
            sizes,
            self._convert_one,
            concurrency=concurrency,
            progress=progress,
            finished=finished,
        )


class LambdaRunner(_PoolRunner):
    """One synchronous (RequestResponse) invoke of the transform function per raw object."""

    def __init__(
        self,
        clients: AwsClients,
        names: StackNames,
        store: S3Store,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(store)
        self.clients = clients
        self.names = names
        self.sleep = sleep

    def _invoke(self, payload: bytes) -> dict[str, Any]:
        """Invoke once, retrying only throttling (the function did not run)."""
        client = self.clients.invoke_client()
        function = self.names.function_name
        for attempt in range(THROTTLE_ATTEMPTS):
            try:
                return client.invoke(
                    FunctionName=function, InvocationType="RequestResponse", Payload=payload
                )
            except botocore.exceptions.ClientError as exc:
                if (
                    error_code(exc) != "TooManyRequestsException"
                    or attempt == THROTTLE_ATTEMPTS - 1
                ):
                    raise
                delay = min(THROTTLE_MAX_S, THROTTLE_BASE_S * 2**attempt)
                self.sleep(delay * random.uniform(0.5, 1.0))
        raise AssertionError("unreachable")

    def _convert_one(self, raw_key: str, report: ProgressCallback) -> TransformOutcome:
        payload = json.dumps({"bucket": self.names.bucket("raw"), "key": raw_key}).encode()
        try:
            response = self._invoke(payload)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            where = {"action": "Lambda Invoke", "resource": self.names.function_name}
            fatal = _fatal(exc, **where)
            if fatal is not None:
                raise fatal from exc
            mapped = translate(exc, **where)
            request_id = getattr(mapped, "request_id", None)
            return _failed(raw_key, f"{mapped}; {RERUN_HINT}", request_id)
        request_id = response.get("ResponseMetadata", {}).get("RequestId")
        body = response["Payload"].read()
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if response.get("FunctionError"):
            error_type = (data or {}).get("errorType", response["FunctionError"])
            message = (data or {}).get("errorMessage") or body.decode("utf-8", "replace")[:500]
            return _failed(
                raw_key,
                f"{message.rstrip('.')} ({error_type}; Lambda request id {request_id})",
                request_id,
            )
        try:
            record = data["objects"][0]
            outcome = outcome_from_record(raw_key, record, request_id)
        except (TypeError, KeyError, IndexError, ValueError):
            return _failed(
                raw_key,
                f"The function returned an unexpected answer {body[:200]!r} (Lambda request id "
                f"{request_id}); deploy the current code with `terraform -chdir=infra apply`",
                request_id,
            )
        report(outcome.bytes_in)
        return outcome


class InProcessS3Runner(_PoolRunner):
    """`--runner local`: the Lambda handler's own code, in this process, against S3."""

    def __init__(self, clients: AwsClients, names: StackNames, store: S3Store) -> None:
        super().__init__(store)
        self.clients = clients
        self.names = names

    def _convert_one(self, raw_key: str, report: ProgressCallback) -> TransformOutcome:
        from olistctl import lambda_handler

        request_id = f"local-{uuid.uuid4()}"
        try:
            answer = lambda_handler.run(
                {"bucket": self.names.bucket("raw"), "key": raw_key},
                s3=self.clients.client("s3"),
                processed_bucket=self.names.bucket("processed"),
                request_id=request_id,
                progress=report,
                sse=self.store.sse_args("processed"),
            )
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            where = {"action": "S3", "resource": f"s3://{self.names.bucket('raw')}/{raw_key}"}
            fatal = _fatal(exc, **where)
            if fatal is not None:
                raise fatal from exc
            return _failed(raw_key, f"{translate(exc, **where)}; {RERUN_HINT}", request_id)
        except ConfigError:
            raise
        except Exception as exc:  # the Lambda would report any exception as a FunctionError
            message = str(exc) if isinstance(exc, OlistError) else f"{type(exc).__name__}: {exc}"
            return _failed(raw_key, message, request_id)
        return outcome_from_record(raw_key, answer["objects"][0], request_id)
