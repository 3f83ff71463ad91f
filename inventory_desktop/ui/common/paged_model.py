"""A read-only table model that loads its rows a page at a time, newest first.

The ledger and the audit log can hold millions of rows, so a view on them
never counts or loads them all: it reads one page and the view asks for the
next (canFetchMore/fetchMore) as the manager scrolls. Pages are read by
keyset (`before_id` = the oldest id loaded), so the thousandth page costs
what the first did. Subclasses say how to read a page and what to show.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ...errors import InventoryError

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    """Rows with an `id`, newest first; subclasses define COLUMNS, read_page and texts."""

    COLUMNS: tuple[str, ...] = ()
    load_failed = Signal(str)

    def __init__(self, parent: Any = None, page_size: int = 200) -> None:
        super().__init__(parent)
        self._page_size = page_size
        self._rows: list[Row] = []
        # Column texts are made when a row is first painted: a page costs its
        # query, and only the rows on screen pay for formatting.
        self._texts: list[tuple[str, ...] | None] = []
        self._exhausted = True
        self._failed = False

    def read_page(self, before_id: int | None, limit: int) -> list[Row]:
        """The next `limit` rows older than `before_id` (None: the newest)."""
        raise NotImplementedError

    def texts(self, row: Row) -> tuple[str, ...]:
        """What each column shows for one row."""
        raise NotImplementedError

    def row_key(self, row: Row) -> int:
        """The id that orders rows (newest highest) and pages with `before_id`."""
        return row.id  # type: ignore[attr-defined]

    @property
    def complete(self) -> bool:
        """True once every matching row is loaded."""
        return self._exhausted

    def reload(self) -> None:
        """Drop what is loaded and read the newest page again."""
        self.beginResetModel()
        self._rows, self._texts = [], []
        self._exhausted, self._failed = False, False
        self._append(self._next_page())
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return self.row_texts(index.row())[index.column()]
        return None

    def multiData(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:
        # The delegate asks for every role of a painted cell in one call. The
        # span is reused between cells, so each role is set or cleared; a role
        # with no value is cleared rather than handed to Qt as Python's None,
        # the path on which PySide6 6.12.0 loses None references.
        for number in range(len(roles)):
            role_data = roles[number]
            value = self.data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def row_texts(self, row: int) -> tuple[str, ...]:
        """What each column shows for the row at `row`."""
        texts = self._texts[row]
        if texts is None:
            texts = self._texts[row] = self.texts(self._rows[row])
        return texts

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole
                and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section]
        return None

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted and not self._failed

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        page = self._next_page()
        if not page:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._append(page)
        self.endInsertRows()

    def load_newer(self) -> int:
        """Put rows newer than any loaded on top, read from the newest; returns how many.

        More than a page of new rows starts again from the newest page.
        """
        top_id = self.row_key(self._rows[0]) if self._rows else 0
        page = self.read_page(None, self._page_size)
        newer = [row for row in page if self.row_key(row) > top_id]
        if len(newer) == self._page_size:
            self.reload()
        else:
            self.put_on_top(newer)
        return len(newer)

    def put_on_top(self, newer: list[Row]) -> None:
        """Insert rows newer than any loaded (newest first) above the others."""
        if not newer:
            return
        self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
        self._rows[:0] = newer
        self._texts[:0] = [None] * len(newer)
        self.endInsertRows()

    def _next_page(self) -> list[Row]:
        before_id = self.row_key(self._rows[-1]) if self._rows else None
        try:
            page = self.read_page(before_id, self._page_size)
        except InventoryError as error:
            # A busy or vanished file must not loop the view through fetchMore.
            self._failed = True
            self.load_failed.emit(str(error))
            return []
        self._exhausted = len(page) < self._page_size
        return page

    def _append(self, page: list[Row]) -> None:
        self._rows.extend(page)
        self._texts.extend([None] * len(page))
