"""Every error the application raises on purpose.

`InventoryError` is the root: the command line turns any of them into exit
code 1 with the message on stderr, the desktop shows the message in a dialog.
Messages are whole sentences meant for the manager, not for a developer.
Anything else that escapes is a bug and is reported as one.
"""

from __future__ import annotations


class InventoryError(Exception):
    """Something the user asked for cannot be done; the message says why."""


class ValidationError(InventoryError):
    """A value the user entered is not acceptable.

    `field` names the input it concerns (e.g. "sku"), so a form can mark it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class LinesRefusedError(ValidationError):
    """Some lines of a delivery or waste sheet cannot be booked; nothing was written.

    `problems` pairs each refused line's number (from 1) with the reason.
    """

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        shown = " ".join(f"Line {number}: {reason}" for number, reason in problems[:5])
        more = len(problems) - 5
        tail = f" And {more} more line{'s' if more > 1 else ''}." if more > 0 else ""
        super().__init__(f"Nothing was booked. {shown}{tail}", "lines")
        self.problems = problems


class NotFoundError(InventoryError):
    """The item or movement asked for does not exist."""


class InsufficientStockError(InventoryError):
    """A deduction, adjustment or reversal would take a quantity below zero."""


class DuplicateSkuError(ValidationError):
    """Another item already uses this SKU."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="sku")


class ConflictError(InventoryError):
    """The request contradicts what is recorded (already reversed, key reused, ...)."""


class RuleRefusedError(InventoryError):
    """The data file's own rules (its triggers and constraints) refused the change.

    The program checks first, so this means the file holds something our
    checks did not expect (another program's doing, or our bug): either way
    nothing was written, and the file's reason is in the message.
    """


class DataFileError(InventoryError):
    """The data file cannot be used: refused, unreadable, read-only or full."""


class RefusedFileError(DataFileError):
    """The file is not ours to open; it was left untouched."""


class ReadOnlyFileError(DataFileError):
    """The data file or its folder cannot be written."""


class DiskFullError(DataFileError):
    """SQLite found no room for the write: the disk, or (rarely) the id numbering, is full."""


class StructureChangedError(DataFileError):
    """Another program changed the file's tables or rules: reading works, writing does not."""


class DatabaseBusyError(DataFileError):
    """Another program held the data file longer than we were willing to wait."""
