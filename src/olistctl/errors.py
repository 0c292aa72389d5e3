"""Errors that reach the user, and the exit code each class maps to.

Core code raises these; the CLI turns them into one line on stderr and the
exit code below. Every message is a sentence that names the problem, and
``hint`` names the fix.
"""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # an operation ran and (partly) failed
    USAGE = 2  # bad arguments, bad input files, bad SQL
    CONFIG = 3  # configuration or credentials missing or wrong
    AWS = 4  # an AWS service refused or failed
    TIMEOUT = 5  # a deadline passed (crawler, query)
    REFUSED = 6  # a guardrail said no, or the user declined
    HANGUP = 129  # SIGHUP (128 + 1), after what Ctrl-C does
    INTERRUPTED = 130  # Ctrl-C, after cancelling what was running
    TERMINATED = 143  # SIGTERM (128 + 15), after what Ctrl-C does


class OlistError(Exception):
    """Base class: a failure with a message for the user and an exit code."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message.rstrip('.')}: {self.hint}"
        return self.message


class OperationFailed(OlistError):
    exit_code = ExitCode.FAILED


class UsageError(OlistError):
    exit_code = ExitCode.USAGE


class InputError(UsageError):
    """A file the user gave us is not what it should be.

    ``path`` and ``line`` point at the place; the message says what is wrong
    there and the hint says how to fix it.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message, hint=hint)
        self.path = path
        self.line = line


class SqlError(UsageError):
    """SQL that cannot run: syntax, unknown table or column, unsupported construct."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        if line is not None:
            message = f"{message.rstrip('.')} (line {line}" + (
                f", column {column})" if column is not None else ")"
            )
        super().__init__(message, hint=hint)
        self.line = line
        self.column = column


class ConfigError(OlistError):
    exit_code = ExitCode.CONFIG


class AwsError(OlistError):
    exit_code = ExitCode.AWS

    def __init__(
        self, message: str, *, hint: str | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.request_id = request_id


class DeadlineExceeded(OlistError):
    exit_code = ExitCode.TIMEOUT


class Refused(OlistError):
    exit_code = ExitCode.REFUSED


class Interrupted(OlistError):
    exit_code = ExitCode.INTERRUPTED


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for any exception that reaches the CLI's edge."""
    if isinstance(error, OlistError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.FAILED


# The OS errors that say the environment refused a write, and what to do about each.
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
_NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in _NO_SPACE


def os_error(error: OSError, doing: str, *, where: str | None = None) -> OlistError:
    """An OSError met while ``doing`` (e.g. "writing raw/x.csv") as one sentence with its fix.

    ``where`` names the folder to free or fix (the workspace, say), for the hint.
    A full disk is an operation that failed (1); a folder that refuses writes is
    configuration (3): another folder or other permissions fix it.
    """
    reason = error.strerror or type(error).__name__
    place = f" in {where}" if where else ""
    if error.errno in _NO_SPACE:
        return OperationFailed(
            f"The disk is full: {reason} while {doing}",
            hint=f"free some space{place} (or use another disk) and run the command again;"
            " nothing half-written was kept",
        )
    if error.errno in _NOT_WRITABLE:
        return ConfigError(
            f"{reason} while {doing}",
            hint=f"make {where or 'that folder'} writable, or choose another folder"
            " (--workspace or OLISTCTL_WORKSPACE for the workspace)",
        )
    return OperationFailed(
        f"{reason} while {doing}", hint="check the disk and run the command again"
    )
