"""What ``olistctl shell`` completes: SQL keywords, tables, columns, named queries, its commands.

The catalog is read once when the shell starts (and again after ``\\d``), so
completing costs no query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

# The Athena (Trino) SQL words an analyst types most; completion is a convenience,
# not a grammar, so the list stays short.
KEYWORDS = (
    "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "JOIN",
    "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN", "INNER JOIN", "ON", "USING",
    "AS", "AND", "OR", "NOT", "IN", "IS NULL", "IS NOT NULL", "BETWEEN", "LIKE", "CASE",
    "WHEN", "THEN", "ELSE", "END", "DISTINCT", "UNION ALL", "UNION", "WITH", "OVER",
    "PARTITION BY", "ASC", "DESC", "NULLS LAST", "COUNT", "SUM", "AVG", "MIN", "MAX",
    "ROUND", "CAST", "TRY_CAST", "COALESCE", "DATE_TRUNC", "DATE_DIFF", "DATE_ADD",
    "DATE", "TIMESTAMP", "DECIMAL", "VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN",
    "COUNT_IF", "APPROX_DISTINCT", "ROW_NUMBER", "RANK", "LAG", "LEAD",
    "SHOW TABLES", "SHOW COLUMNS FROM", "DESCRIBE", "UNNEST",
)  # fmt: skip
COMMANDS = {
    "\\d": "list the tables, or describe one: \\d TABLE",
    "\\n": "list the shipped queries, or run one: \\n NAME [param=value …]",
    "\\o": "output format: \\o table|csv|json|jsonl|markdown",
    "\\timing": "show each statement's wall time (on/off)",
    "\\?": "this help",
    "\\q": "quit (so does Ctrl-D)",
}
_WORD = re.compile(r"[\w\\.]+$")


class ShellCompleter(Completer):
    def __init__(
        self,
        tables: Mapping[str, Sequence[str]],
        queries: Iterable[str],
        formats: Iterable[str],
    ) -> None:
        self.tables = tables  # table -> its columns
        self.queries = sorted(queries)
        self.formats = list(formats)

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        before = document.text_before_cursor
        found = _WORD.search(before)
        word = found.group(0) if found else ""
        stripped = before.lstrip()
        if stripped.startswith("\\"):
            head, _, rest = stripped.partition(" ")
            if not _:
                yield from _matching(word, COMMANDS)
                return
            if " " in rest.strip():
                return  # past the command's first argument
            choices = {"\\d": sorted(self.tables), "\\n": self.queries, "\\o": self.formats}
            yield from _matching(word, choices.get(head, ()))
            return
        if "." in word:  # table.column (a table's own name before the dot)
            table, _, partial = word.rpartition(".")
            columns = self.tables.get(table.lower(), ())
            for column in columns:
                if column.startswith(partial.lower()):
                    yield Completion(column, start_position=-len(partial))
            return
        if not word:
            return
        seen: set[str] = set()
        for text in [*sorted(self.tables), *self._columns(), *KEYWORDS]:
            candidate = text.lower() if text.isupper() and not word.isupper() else text
            if candidate.lower().startswith(word.lower()) and candidate not in seen:
                seen.add(candidate)
                yield Completion(candidate, start_position=-len(word))

    def _columns(self) -> list[str]:
        return sorted({c for columns in self.tables.values() for c in columns})


def _matching(word: str, choices: Iterable[str]) -> Iterator[Completion]:
    for choice in choices:
        if choice.startswith(word):
            yield Completion(choice, start_position=-len(word))
