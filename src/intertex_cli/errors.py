"""User-facing errors: one class per kind, one exit code each (contract §4)."""

from __future__ import annotations

from enum import IntEnum

from .record import Record


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    INTERRUPTED = 130


class Problem(Record):
    """One problem in one input: where it is and what is wrong."""

    __slots__ = ("file", "message", "line", "field")

    def __init__(self, file: str, message: str, line: int | None = None, field: str | None = None):
        self.file = file
        self.message = message
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        field = self.field
        if field and len(field) > 80:  # a key that is a paragraph: named, not printed whole
            field = f"{field[:60]}… ({len(field)} characters)"
        what = f"{field}: " if field else ""
        return f"{where}: {what}{self.message}"


class IntertexError(Exception):
    exit_code = ExitCode.USAGE

    def __init__(self, message: str, problems: list[Problem] | None = None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.hint = hint


class UsageError(IntertexError):
    """Bad command-line usage: unknown id, region, option value."""


class CatalogError(IntertexError):
    """A scheme or agency file is invalid."""


class AnswersError(IntertexError):
    """An answers file is invalid."""


class Interrupted(IntertexError):
    exit_code = ExitCode.INTERRUPTED

    def __init__(self, message: str, profile=None, signum: int | None = None):
        super().__init__(message)
        self.profile = profile  # the answers given before the interruption
        self.signum = signum  # SIGHUP or SIGTERM: exit 128 + its number, as a shell says
        if signum is not None:
            self.exit_code = 128 + signum
