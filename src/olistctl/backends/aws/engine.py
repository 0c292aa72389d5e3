"""The Athena query engine: start, poll, cancel on Ctrl-C, fetch typed results.

Athena has no waiter: the query is polled with backoff and a deadline
(``olistctl.polling``). Ctrl-C while waiting stops the query on Athena (it
would otherwise run on, and bill, to the end), waits until Athena says
CANCELLED, and raises :class:`Interrupted` naming the query.

Results come from ``GetQueryResults`` (1,000 rows a page, every value a
string) converted by the column types Athena reports. Past a page budget the
engine reads the result CSV that Athena wrote to the output location
instead: one streamed GET rather than hundreds of paged calls.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from olistctl.backends.aws.clients import AwsClients, aws_errors
from olistctl.backends.aws.names import StackNames
from olistctl.backends.base import QueryEngine
from olistctl.errors import (
    AwsError,
    DeadlineExceeded,
    Interrupted,
    OlistError,
    Refused,
    SqlError,
)
from olistctl.polling import poll
from olistctl.records import QueryResult, WrittenResult
from olistctl.sql.params import BoundParam

if TYPE_CHECKING:
    from olistctl.result_file import ResultTarget

PAGE_SIZE = 1000  # GetQueryResults' maximum
PAGE_BUDGET = 10  # beyond this many pages, read the CSV result object instead
QUERY_DEADLINE_S = 30 * 60  # Athena's own default DML timeout
CANCEL_DEADLINE_S = 60
ATHENA_RESULTS_PREFIX = "athena/"  # the workgroup's result location in the results bucket
SCAN_LIMIT_REASON = "Bytes scanned limit was exceeded"
_TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
_USER_ERROR_CATEGORY = 2  # AthenaError.ErrorCategory: 1 system, 2 user, 3 other


# -- typed values --------------------------------------------------------------


def _timestamp(text: str) -> datetime:
    """``2017-10-02 10:56:33.000`` (naive, as Athena's timestamp), or with a zone suffix."""
    head, _, zone = text.rpartition(" ")
    if head and zone and not zone[0].isdigit():  # "timestamp with time zone": "… UTC"
        from zoneinfo import ZoneInfo

        tz = UTC if zone == "UTC" else ZoneInfo(zone)
        return datetime.fromisoformat(head).replace(tzinfo=tz)
    return datetime.fromisoformat(text)


_INTEGER_TYPES = frozenset({"tinyint", "smallint", "integer", "int", "bigint"})
_FLOAT_TYPES = frozenset({"double", "float", "real"})


def converter(athena_type: str) -> Callable[[str], Any]:
    """How to turn one of Athena's string values of this type into a Python value."""
    kind = athena_type.lower().split("(", 1)[0].strip()
    if kind in _INTEGER_TYPES:
        return int
    if kind in _FLOAT_TYPES:
        return float
    if kind == "decimal":
        return Decimal
    if kind == "boolean":
        return lambda v: v.lower() == "true"
    if kind == "date":
        return date.fromisoformat
    if kind.startswith("timestamp"):
        return _timestamp
    return str  # varchar, char, json, arrays, maps, rows, intervals: as Athena prints them


def column_type(info: dict[str, Any]) -> str:
    """Athena's type name for a result column, with the precision of a decimal."""
    name = info.get("Type", "varchar")
    if name.lower() == "decimal" and "Precision" in info:
        return f"decimal({info['Precision']},{info.get('Scale', 0)})"
    return name


class _Rows:
    """Typed rows gathered up to ``max_rows`` (and whether more existed)."""

    def __init__(self, converters: list[Callable[[str], Any]], max_rows: int | None) -> None:
        self.converters = converters
        self.max_rows = max_rows
        self.rows: list[tuple[Any, ...]] = []
        self.truncated = False

    @property
    def full(self) -> bool:
        return self.max_rows is not None and len(self.rows) >= self.max_rows

    def add(self, values: list[str | None]) -> bool:
        """Add one row; False once the limit is reached (the row is then left out)."""
        if self.full:
            self.truncated = True
            return False
        self.rows.append(
            tuple(
                None if v is None else convert(v)
                for convert, v in zip(self.converters, values, strict=False)
            )
        )
        return True


class AthenaEngine(QueryEngine):
    def __init__(
        self,
        clients: AwsClients,
        names: StackNames,
        *,
        deadline_s: float = QUERY_DEADLINE_S,
        page_budget: int = PAGE_BUDGET,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clients = clients
        self.names = names
        self.deadline_s = deadline_s
        self.page_budget = page_budget
        self.clock = clock
        self.sleep = sleep
        self._running: str | None = None

    @property
    def athena(self):
        return self.clients.client("athena")

    def execute(
        self, sql: str, *, params: Sequence[BoundParam] = (), max_rows: int | None = None
    ) -> QueryResult:
        """Run ``sql`` on Athena; ``params`` go as ExecutionParameters, one literal per ``?``."""
        workgroup = self.names.workgroup
        request: dict[str, Any] = {
            "QueryString": sql,
            "WorkGroup": workgroup,
            "QueryExecutionContext": {"Database": self.names.database},
            # Makes a retried StartQueryExecution start the query once, not twice.
            "ClientRequestToken": uuid.uuid4().hex,
        }
        if params:
            # The SQL keeps its ? marks; each value goes as an Athena literal of its type.
            request["ExecutionParameters"] = [p.literal for p in params]
        results_bucket = self.names.known_buckets().get("results")
        if results_bucket:
            # Used only where the workgroup does not enforce its own location.
            request["ResultConfiguration"] = {
                "OutputLocation": f"s3://{results_bucket}/{ATHENA_RESULTS_PREFIX}"
            }
        with aws_errors("Athena StartQueryExecution", f"workgroup {workgroup}"):
            query_id = self.athena.start_query_execution(**request)["QueryExecutionId"]
        self._running = query_id
        try:
            execution = self._wait(query_id)
        finally:
            self._running = None

        status = execution["Status"]
        if status["State"] != "SUCCEEDED":
            raise self._failure(query_id, execution)
        stats = execution.get("Statistics") or {}
        output = (execution.get("ResultConfiguration") or {}).get("OutputLocation")
        columns, types, rows = self._results(query_id, execution, output, max_rows)
        return QueryResult(
            columns=columns,
            types=types,
            rows=rows.rows,
            engine_ms=float(stats.get("EngineExecutionTimeInMillis", 0)),
            bytes_scanned=int(stats.get("DataScannedInBytes", 0)),
            query_id=query_id,
            truncated=rows.truncated,
            output_location=output,
        )

    def export(
        self, sql: str, *, params: Sequence[BoundParam] = (), target: ResultTarget
    ) -> WrittenResult:
        """UNLOAD ``sql`` to Parquet in the results bucket and download it into ``target``."""
        from olistctl.backends.aws.unload import unload

        def running(query_id: str | None) -> None:
            self._running = query_id

        return unload(
            self.clients,
            self.names,
            sql,
            params,
            target,
            running=running,
            stop=self._stop,
            failure=lambda query_id: self._failure(query_id, self._get(query_id)),
        )

    def cancel(self) -> None:
        query_id = self._running
        if query_id is not None:
            with aws_errors("Athena StopQueryExecution", f"query {query_id}"):
                self.athena.stop_query_execution(QueryExecutionId=query_id)

    # -- waiting ------------------------------------------------------------------

    def _get(self, query_id: str) -> dict[str, Any]:
        with aws_errors("Athena GetQueryExecution", f"query {query_id}"):
            return self.athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]

    def _wait(self, query_id: str) -> dict[str, Any]:
        try:
            return poll(
                lambda: self._get(query_id),
                is_done=lambda e: e["Status"]["State"] in _TERMINAL,
                deadline_s=self.deadline_s,
                what=f"Athena query {query_id}",
                initial_s=0.25,
                max_interval_s=2.0,
                clock=self.clock,
                sleep=self.sleep,
            )
        except KeyboardInterrupt:
            self._stop(query_id)
            raise Interrupted(
                f"Athena query {query_id} was cancelled", hint="nothing more is billed for it"
            ) from None
        except DeadlineExceeded as exc:
            self._stop(query_id)
            raise DeadlineExceeded(
                f"Athena query {query_id} ran longer than {self.deadline_s:g} s and was cancelled",
                hint="add a filter or select fewer columns, or allow more time",
            ) from exc
        except OlistError:
            # Lost track of it (throttled, access revoked…): stop it rather than let it run,
            # and bill, unwatched; the error that lost it is the one to report.
            self._stop(query_id)
            raise

    def _stop(self, query_id: str) -> None:
        """Stop the query and wait (briefly) until Athena confirms; never raises."""
        try:
            with aws_errors("Athena StopQueryExecution", f"query {query_id}"):
                self.athena.stop_query_execution(QueryExecutionId=query_id)
            poll(
                lambda: self._get(query_id),
                is_done=lambda e: e["Status"]["State"] in _TERMINAL,
                deadline_s=CANCEL_DEADLINE_S,
                what=f"Athena to cancel query {query_id}",
                initial_s=0.2,
                max_interval_s=1.0,
                clock=self.clock,
                sleep=self.sleep,
            )
        except (OlistError, KeyboardInterrupt):
            pass  # a second Ctrl-C, or Athena not answering: the caller reports the query id

    def _failure(self, query_id: str, execution: dict[str, Any]) -> OlistError:
        status = execution["Status"]
        reason = (status.get("StateChangeReason") or "Athena gave no reason").strip()
        error = status.get("AthenaError") or {}
        if SCAN_LIMIT_REASON.lower() in reason.lower():
            return Refused(
                f"Athena stopped query {query_id}: {SCAN_LIMIT_REASON} (the workgroup's "
                "per-query cutoff)",
                hint="add a filter or select fewer columns, or raise the workgroup's "
                "bytes_scanned_cutoff_per_query (infra/ variable) and apply",
            )
        if status["State"] == "CANCELLED":
            return AwsError(
                f"Athena query {query_id} was cancelled before it finished ({reason})",
                hint="run it again",
            )
        if error.get("ErrorCategory") == _USER_ERROR_CATEGORY:
            return SqlError(
                f"Athena rejected query {query_id}: {reason.rstrip('.')}",
                # --backend is olistctl's own option: it goes before the command.
                hint="fix the SQL; `olistctl --backend local query …` checks it without Athena",
            )
        return AwsError(
            f"Athena query {query_id} failed: {reason.rstrip('.')}",
            hint="run it again if it was a transient Athena error",
        )

    # -- results ------------------------------------------------------------------

    def _results(
        self,
        query_id: str,
        execution: dict[str, Any],
        output: str | None,
        max_rows: int | None,
    ) -> tuple[list[str], list[str], _Rows]:
        token: str | None = None
        pages = 0
        rows: _Rows | None = None
        columns: list[str] = []
        types: list[str] = []
        while True:
            params: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": PAGE_SIZE}
            if token:
                params["NextToken"] = token
            with aws_errors("Athena GetQueryResults", f"query {query_id}"):
                page = self.athena.get_query_results(**params)
            result_set = page["ResultSet"]
            data = [
                [cell.get("VarCharValue") for cell in row.get("Data", [])]
                for row in result_set.get("Rows", [])
            ]
            if rows is None:
                info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
                columns = [c.get("Label") or c["Name"] for c in info]
                types = [column_type(c) for c in info]
                rows = _Rows([converter(t) for t in types], max_rows)
                # A SELECT's first row repeats the column labels; DDL and SHOW output has none.
                if execution.get("StatementType", "DML") == "DML" and data and data[0] == columns:
                    data = data[1:]
            for values in data:
                if not rows.add(values):
                    break
            pages += 1
            token = page.get("NextToken")
            if rows.truncated or not token:
                break
            if rows.full:
                rows.truncated = True  # another page exists
                break
            if pages >= self.page_budget and output:
                skip = len(rows.rows)
                self._read_csv(output, rows, skip)
                break
        assert rows is not None
        return columns, types, rows

    def _read_csv(self, output: str, rows: _Rows, skip: int) -> None:
        """Continue ``rows`` from the result CSV, past the ``skip`` rows already fetched.

        Athena quotes every value and writes NULL as an empty unquoted field,
        which pyarrow's reader (unlike Python's csv on 3.11) can tell apart
        from an empty string.
        """
        import pyarrow as pa
        import pyarrow.csv as pacsv

        bucket, _, key = output.removeprefix("s3://").partition("/")
        with aws_errors("GetObject", output):
            body = self.clients.client("s3").get_object(Bucket=bucket, Key=key)["Body"]
        width = len(rows.converters)
        names = [f"c{i}" for i in range(width)]
        reader = pacsv.open_csv(
            body,
            # The header is one physical line; the rows already fetched are parsed
            # records (a value may hold a newline), hence the two different skips.
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, skip_rows_after_names=skip
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                null_values=[""],
            ),
        )
        for batch in reader:
            for values in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                if not rows.add(list(values)):
                    return
