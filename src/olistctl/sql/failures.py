"""DuckDB failures as SqlErrors, and the marker text that carries a rewrite's runtime refusal.

Kept apart from the transpiler (no sqlglot import), so a query whose
transpiled SQL comes from the cache can still explain its failures.
"""

from __future__ import annotations

import re

from olistctl.errors import SqlError

# A runtime refusal is a failing CAST of this marker text: unlike DuckDB's error(),
# a cast is allowed inside TRY(...), where Athena also turns the failure into NULL.
ERROR_MARKER = "olistctl-error: "
# Separates a runtime refusal's message from its hint inside the marker text.
HINT_SEPARATOR = " | hint: "

_DUCKDB_POSITION = re.compile(r"\nLINE (\d+): (.*)\n( *)\^")


def duckdb_error(exc: BaseException) -> SqlError:
    """A DuckDB failure as a SqlError: DuckDB's message, and where DuckDB points.

    The position, when DuckDB gives one, is in the DuckDB SQL the query was
    transpiled to. Runtime refusals emitted by the rewrites carry their own
    message, which is returned on its own.
    """
    text = str(exc)
    marker = re.search(re.escape(ERROR_MARKER) + r"(.*?)'\s+to\s+\w+", text, re.DOTALL)
    if marker:
        message, _, hint = marker.group(1).replace("''", "'").partition(HINT_SEPARATOR)
        return SqlError(message.rstrip("."), hint=hint or None)
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    line = column = None
    where = _DUCKDB_POSITION.search(text)
    if where and not where.group(2).startswith("..."):
        line = int(where.group(1))
        column = len(where.group(3)) - len(f"LINE {where.group(1)}: ") + 1
    return SqlError(
        f"The query failed in the local engine: {first_line}",
        line=line,
        column=column,
        hint="Athena may fail the same way; check the values the query works on",
    )
