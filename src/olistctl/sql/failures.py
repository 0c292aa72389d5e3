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

# DuckDB points at the failing part of the SQL it ran: "LINE n: <text>" and a caret run.
_DUCKDB_POSITION = re.compile(r"\nLINE (\d+): (.*)\n( *)(\^+)")
# DuckDB's own advice, which is about DuckDB settings, not about the Athena SQL the user wrote.
_DUCKDB_ADVICE = re.compile(r"\.? (Use TRY\(|Either add it|Did you mean).*$", re.DOTALL)


def duckdb_error(exc: BaseException) -> SqlError:
    """A DuckDB failure as a SqlError: DuckDB's message, and the part of the SQL it points at.

    DuckDB's position is in the DuckDB SQL the query was transpiled to, so it is
    not given as a line and column (they would point elsewhere in the user's SQL)
    but as the text found there. Runtime refusals emitted by the rewrites carry
    their own message, which is returned on its own.
    """
    text = str(exc)
    marker = re.search(re.escape(ERROR_MARKER) + r"(.*?)'\s+to\s+\w+", text, re.DOTALL)
    if marker:
        message, _, hint = marker.group(1).replace("''", "'").partition(HINT_SEPARATOR)
        return SqlError(message.rstrip("."), hint=hint or None)
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    first_line = _DUCKDB_ADVICE.sub("", first_line).rstrip(".!")
    where = _DUCKDB_POSITION.search(text)
    if where:
        start = len(where.group(3)) - len(f"LINE {where.group(1)}: ")
        near = where.group(2)[start : start + len(where.group(4))].strip()
        if near and not near.startswith("..."):
            first_line += f", at `{near}`"
    return SqlError(f"The query failed in the local engine: {first_line}", hint=_hint(exc))


def _hint(exc: BaseException) -> str:
    kind = type(exc).__name__
    if kind in ("BinderException", "CatalogException"):
        return "check the names the query uses and that every selected column is grouped"
    if "Division by zero" in str(exc):
        return "Athena fails the same way; wrap the division in TRY(...) to get NULL instead"
    return "Athena may fail the same way; check the values the query works on"
