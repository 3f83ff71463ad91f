"""The grid of a sheet: type to find the item, Enter to the quantity, Enter to the next line.

Editing starts as soon as a cell becomes current, so a whole delivery is
typed without touching the mouse. The item cell completes over item names
and SKUs; Enter takes the highlighted choice (or the only match) and moves on,
and stays put, with the choices shown, while the text names no single item.
With costs on, a delivery's Enter goes on to the unit cost, then the next
line; Tab goes through the line total as well, for an invoice that gives it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ...vocabulary import REASON_LABELS
from ..common.item_words import item_label
from .sheet_model import SheetLinesModel

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_NEXT = QAbstractItemDelegate.EndEditHint.EditNextItem
_BY_ENTER = "closed_by_enter"  # an editor property: Enter, not Tab, moved on from it


class _MovingDelegate(QStyledItemDelegate):
    """An editor in which Enter commits and moves to the next field, like Tab."""

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in _ENTER_KEYS and isinstance(editor, QWidget)):
            self.enter_pressed(editor)
            return True
        return super().eventFilter(editor, event)

    def enter_pressed(self, editor: QWidget) -> None:
        editor.setProperty(_BY_ENTER, True)
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, _NEXT)


class ItemDelegate(_MovingDelegate):
    """The item cell: a line edit completing over 'Name (SKU)' labels, any part of them."""

    def __init__(self, model: SheetLinesModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        # One list for every editor: building it per line would cost at 50,000 items.
        self._labels = QStringListModel([item_label(item) for item in model.items], self)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setPlaceholderText("Type a name or SKU")
        completer = QCompleter(self._labels, editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        # Wider than the cell: long names with their SKU are read whole.
        completer.popup().setMinimumWidth(editor.fontMetrics().horizontalAdvance("M" * 34))
        editor.setCompleter(completer)
        # With the list open, Enter reaches the line edit only through the
        # completer (which then fills in the highlighted choice): act after it.
        editor.returnPressed.connect(lambda: self.enter_pressed(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text())

    def enter_pressed(self, editor: QWidget) -> None:
        QTimer.singleShot(0, editor, lambda: self._choose(editor))

    def _choose(self, editor: QWidget) -> None:
        assert isinstance(editor, QLineEdit)
        completer = editor.completer()
        popup = completer.popup()
        if popup.isVisible():
            current = popup.currentIndex()
            if current.isValid():
                editor.setText(str(current.data()))
            popup.hide()
        item, _ = self._model.resolve(editor.text())
        if item is None and editor.text().strip():
            completer.setCompletionPrefix(editor.text())
            completer.complete()  # several match, or none: show what there is, stay here
            return
        super().enter_pressed(editor)


class QuantityDelegate(_MovingDelegate):
    """The quantity cell: a plain line edit (the services parse it exactly)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        return editor


class CostDelegate(QuantityDelegate):
    """A cost cell: what was typed; a figure worked out from the other cost shows as a hint."""

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        super().setEditorData(editor, index)
        if isinstance(editor, QLineEdit):
            shown = index.data(Qt.ItemDataRole.DisplayRole)
            editor.setPlaceholderText(str(shown) if shown and not editor.text() else "")


class ReasonDelegate(_MovingDelegate):
    """A waste line's reason: a list; typing a letter picks the reason that starts with it."""

    def __init__(self, reasons: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reasons = reasons

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QComboBox(parent)
        for reason in self._reasons:
            editor.addItem(REASON_LABELS[reason], reason)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())


class SheetView(QTableView):
    """Lines of a sheet; Enter and Tab go item → quantity (→ reason) → next line's item."""

    def __init__(self, model: SheetLinesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = model
        self.setModel(model)
        self._editable = [model.item_column, model.quantity_column] + (
            [model.reason_column] if model.reasons else [])
        self._by_enter = list(self._editable)
        self._entered = False  # the editor just closed was left with Enter
        self.setItemDelegateForColumn(model.item_column, ItemDelegate(model, self))
        self.setItemDelegateForColumn(model.quantity_column, QuantityDelegate(self))
        if model.reasons:
            self.setItemDelegateForColumn(model.reason_column, ReasonDelegate(model.reasons, self))
        for column in (model.unit_cost_column, model.total_column):
            if column >= 0:
                self.setItemDelegateForColumn(column, CostDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.CurrentChanged
                             | QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 12)
        self._size_columns()

    def editable_columns(self) -> list[int]:
        return list(self._editable)

    def set_with_costs(self, with_costs: bool) -> None:
        """Take the costs into the keyboard's path: Enter to the unit cost, Tab to both."""
        model = self.sheet
        base = [model.item_column, model.quantity_column]
        if not with_costs or model.unit_cost_column < 0:
            self._editable = self._by_enter = base + (
                [model.reason_column] if model.reasons else [])
            return
        self._by_enter = [*base, model.unit_cost_column]
        self._editable = [*self._by_enter, model.total_column]

    def closeEditor(self, editor: QWidget,
                    hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Qt moves on through moveCursor() from in here: it needs to know which key it was.
        self._entered = bool(editor.property(_BY_ENTER))
        try:
            super().closeEditor(editor, hint)
        finally:
            self._entered = False

    def start(self, row: int = 0) -> None:
        """Put the cursor in a line's item cell, editing."""
        index = self.sheet.index(row, self.sheet.item_column)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setCurrentIndex(index)
        if self.state() != QAbstractItemView.State.EditingState:
            # Already current (focus made it so): no change, so no editing began.
            self.edit(index)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        current = self.currentIndex()
        forward = action == QAbstractItemView.CursorAction.MoveNext
        if not current.isValid() or action not in (
                QAbstractItemView.CursorAction.MoveNext,
                QAbstractItemView.CursorAction.MovePrevious):
            return super().moveCursor(action, modifiers)
        row, column = current.row(), current.column()
        columns = self._by_enter if self._entered else self._editable
        if forward:
            later = [each for each in columns if each > column]
            row, column = (row, later[0]) if later else (row + 1, columns[0])
        else:
            earlier = [each for each in columns if each < column]
            row, column = (row, earlier[-1]) if earlier else (row - 1, columns[-1])
        if not 0 <= row < self.sheet.rowCount():
            return current
        return self.sheet.index(row, column)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Focus that lands on the grid while a cell is open belongs in that cell:
        # typing must go on where it was (seen when the window became active late).
        editor = self.indexWidget(self.currentIndex())
        if editor is not None and self.state() == QAbstractItemView.State.EditingState:
            editor.setFocus(event.reason())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            self.remove_current_line()
            return
        super().keyPressEvent(event)

    def remove_current_line(self) -> None:
        """Remove the line the cursor is on (not the empty one at the end)."""
        current = self.currentIndex()
        if current.isValid():
            self.sheet.remove_row(current.row())

    def _size_columns(self) -> None:
        model, header = self.sheet, self.horizontalHeader()
        width = self.fontMetrics().horizontalAdvance
        widths = {model.item_column: width("M" * 22), model.quantity_column: width("8" * 12),
                  model.unit_column: width("portion") + 24,
                  model.after_column: width("8,888.8888 kg → 88,888.8 kg")}
        if model.reasons:
            widths[model.reason_column] = width("Order usage") + 48
        if model.unit_cost_column >= 0:
            widths[model.unit_cost_column] = width("€8,888.8888/portion") + 12
            widths[model.total_column] = width("€88,888.88") + 24
        for column, size in widths.items():
            header.resizeSection(column, size)
        header.setStretchLastSection(True)
