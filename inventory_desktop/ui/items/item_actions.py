"""The window's actions: what each menu entry, toolbar button and shortcut does.

Stock and item changes go through a dialog (which calls the service and
shows refusals itself) or through run_operation; either way the window
refreshes afterwards. Nothing here reads or writes the file directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from ... import services
from ...errors import InventoryError
from ...services import ItemRow
from ..common.formatting import quantity_text
from ..common.operations import run_operation, show_refusal
from ..deliveries import sheet_actions
from ..shell import data_files, keys_dialog, manual_window, operator, server_dialog
from . import costing_actions

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow
    from .item_dialog import ItemInput
    from .stock_dialog import StockInput


class ItemActions:
    """Every QAction of the main window, and the handlers behind them."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.new_file = self._action("&New data file…", self._new_file)
        self.open_file = self._action("&Open data file…", self._open_file,
                                      QKeySequence.StandardKey.Open)
        self.open_server = self._action("Open &server…", lambda: server_dialog.open_server(window))
        self.back_up = self._action("&Back up now…", self._back_up)
        self.quit = self._action("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.new_item = self._action("&New item…", self._new_item, "Ctrl+N")
        self.edit = self._action("&Edit…", self._edit, "F2")
        self.receive = self._action("&Receive…", lambda: self._stock("receive"), "Ctrl+R")
        self.deduct = self._action("&Deduct / waste…", lambda: self._stock("deduct"), "Ctrl+D")
        self.adjust = self._action("Ad&just…", lambda: self._stock("adjust"), "Ctrl+J")
        self.history = self._action("&History", self._item_history, "Ctrl+H")
        self.archive = self._action("&Archive", self._archive_or_restore)
        self.item_changes = self._action("Changes to this item", self._item_changes)
        self.find = self._action("&Find…", window.focus_filter, "Ctrl+F")
        self.show_archived = self._action("Show &archived items", window.reload)
        self.show_archived.setCheckable(True)
        self.all_history = self._action("&Movement history (all items)", self._all_history)
        self.audit_log = self._action("Audit &log", self._audit_log)
        self.stocktake = self._action("&Count stock…", self._stocktake, "Ctrl+T")
        self.storage_areas = self._action("Storage &areas…", self._storage_areas)
        self.about = self._action("&About", window.show_about)
        self.receive_delivery = self._action(
            "Receive a d&elivery…", lambda: sheet_actions.book(window, "delivery"), "Ctrl+Shift+R")
        self.waste_sheet = self._action(
            "&Waste sheet…", lambda: sheet_actions.book(window, "waste sheet"), "Ctrl+Shift+D")
        self.delete = self._action("De&lete item…", self._delete)
        self.revalue = self._action("Re&value…", lambda: costing_actions.revalue(window))
        self.suppliers = self._action("&Suppliers…", lambda: costing_actions.suppliers(window))
        self.currency = self._action("&Currency symbol…",
                                     lambda: costing_actions.currency(window))
        self.operator = self._action("&Who is recording…", self._choose_operator, "Ctrl+Shift+U")
        self.keyboard_help = self._action("&Keyboard reference", lambda: keys_dialog.show_keys(
            window), QKeySequence.StandardKey.HelpContents)
        self.manual = self._action("The &manual (README)",
                                   lambda: manual_window.open_manual(window))

    def item_actions(self) -> list[QAction]:
        """The actions on the selected item, as the toolbar and context menu list them."""
        return [self.new_item, self.edit, self.receive, self.deduct, self.adjust,
                self.history, self.archive, self.delete]

    def all_actions(self) -> list[QAction]:
        """Every action of the window (the keyboard reference lists their shortcuts)."""
        return self._window.actions()

    def update_enabled(self, item: ItemRow | None) -> None:
        """Enable what makes sense for `item` (None: nothing selected) and the file."""
        writable = not self._window.read_only
        active = item is not None and item.is_active
        self.new_item.setEnabled(writable)
        self.edit.setEnabled(writable and item is not None)
        for action in (self.receive, self.deduct, self.adjust, self.revalue):
            action.setEnabled(writable and active)
        self.currency.setEnabled(writable)
        self.archive.setEnabled(writable and item is not None)
        self.delete.setEnabled(writable and item is not None)
        for action in (self.receive_delivery, self.waste_sheet):
            action.setEnabled(writable)
        text = "&Restore" if item is not None and not item.is_active else "&Archive"
        if self.archive.text() != text:  # a new text re-lays out the toolbar
            self.archive.setText(text)
        self.history.setEnabled(item is not None)
        self.item_changes.setEnabled(item is not None)

    def _action(self, text: str, handler: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: self._run(action, handler))
        self._window.addAction(action)  # shortcuts work wherever the focus is
        return action

    def _run(self, action: QAction, handler: Callable[[], object]) -> None:
        # What a dialog reads before it opens (the suppliers of a receipt) can
        # be refused too: the server gone, the file busy. Said, not a bug.
        try:
            handler()
        except InventoryError as error:
            show_refusal(self._window, action.text().replace("&", "").rstrip("…"), str(error))

    def _new_item(self) -> None:
        from .item_dialog import ItemDialog

        created: list[ItemRow] = []

        def submit(data: ItemInput) -> ItemRow:
            item = services.create_item(data.name, data.unit, data.sku, data.threshold,
                                        data.initial_quantity, pack_size=data.pack_size,
                                        pack_name=data.pack_name, areas=data.areas,
                                        standard_cost=data.standard_cost,
                                        par_level=data.par_level, supplier_id=data.supplier_id,
                                        unit_cost=data.unit_cost, user=operator.current())
            created.append(item)
            return item

        if ItemDialog.ask(self._window, submit):
            self._window.refresh_item(created[-1].id)
            self._window.select_item(created[-1].id, clear_filter=True)

    def _edit(self) -> None:
        from .item_dialog import ItemDialog

        item = self._writable_item()
        if item is None:
            return

        def submit(data: ItemInput) -> ItemRow:
            return services.update_item(item.id, name=data.name, sku=data.sku, unit=data.unit,
                                        low_stock_threshold=data.threshold,
                                        pack_size=data.pack_size, pack_name=data.pack_name,
                                        areas=data.areas, standard_cost=data.standard_cost,
                                        par_level=data.par_level, supplier_id=data.supplier_id,
                                        user=operator.current())

        if ItemDialog.ask(self._window, submit, item):
            self._window.refresh_item(item.id)

    def _stock(self, action: str) -> None:
        from .stock_dialog import StockDialog

        item = self._writable_item()
        if item is None or not item.is_active:
            return
        book = {"receive": services.add_stock, "deduct": services.deduct_stock,
                "adjust": services.adjust_stock}[action]

        def submit(data: StockInput) -> object:
            return book(item.id, data.quantity, data.reason, notes=data.notes,
                        reference=data.reference or None, user=operator.current(),
                        **data.cost)

        if StockDialog.ask(self._window, action, item, submit):
            self._window.refresh_item(item.id)

    def _archive_or_restore(self) -> None:
        item = self._writable_item()
        if item is None:
            return
        if item.is_active and item.quantity and not self._confirm(
                "Archive item", f"{item.name} still has {quantity_text(item.quantity, item.unit)} "
                "on hand. Archive it anyway? It leaves the daily list and no stock can be "
                "recorded on it until it is restored; its history stays.", "Archive"):
            return
        change = services.archive_item if item.is_active else services.restore_item
        title = "Archive item" if item.is_active else "Restore item"
        if item.is_active:
            self._window.forget_low_stock(item)  # an archived item needs no attention
        done = run_operation(self._window, title,
                             lambda: change(item.id, user=operator.current()),
                             lambda: self._window.refresh_item(item.id))
        if done is not None:
            shown = " (View → Show archived items lists it)" if item.is_active else ""
            self._window.say(f"{'Archived' if item.is_active else 'Restored'} {item.name}{shown}.")

    def _delete(self) -> None:
        item = self._writable_item()
        if item is None:
            return
        try:
            has_movements = bool(services.list_movements(item_id=item.id, limit=1))
        except InventoryError as error:
            show_refusal(self._window, "Delete item", str(error))
            return
        if has_movements:
            show_refusal(self._window, "Delete item",
                         f"{item.name} has stock movements, so it cannot be deleted: its "
                         "history must stay. Archive it instead (Items → Archive).")
            return
        if not self._confirm("Delete item", f"Delete {item.name}? It has no movements; "
                             "the audit log keeps a record that it existed.", "Delete"):
            return
        done = run_operation(self._window, "Delete item",
                             lambda: services.delete_item(item.id, user=operator.current()) or True,
                             self._window.reload)
        if done:
            self._window.say(f"Deleted {item.name}.")

    def _confirm(self, title: str, question: str, yes: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, question,
                          QMessageBox.StandardButton.Cancel, self._window)
        button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is button

    def _choose_operator(self) -> None:
        from ..shell.operator_dialog import OperatorDialog

        name = OperatorDialog.ask(self._window, operator.current(), operator.known())
        if name is not None:
            operator.choose(name)
            self._window.operator_button.show_current()
            self._window.say(f"Changes are now recorded as made by {operator.current()}.")

    def _stocktake(self) -> None:
        from ..stocktake.count_window import StocktakeWindow

        self._window.show_child(StocktakeWindow, lambda: StocktakeWindow(
            self._window, current_user=self._window.current_user))

    def _storage_areas(self) -> None:
        from ..stocktake.areas_dialog import AreasDialog

        if self._window.read_only:
            return
        AreasDialog(self._window, self._window.current_user).exec()

    def _item_history(self) -> None:
        item = self._window.selected_item()
        if item is not None:
            from ..history.history_window import HistoryWindow

            self._show(HistoryWindow(self._window, item_id=item.id))

    def _all_history(self) -> None:
        from ..history.history_window import HistoryWindow

        self._show(HistoryWindow(self._window))

    def _item_changes(self) -> None:
        item = self._window.selected_item()
        if item is not None:
            from ..audit.audit_window import AuditWindow

            self._show(AuditWindow(self._window, item_id=item.id))

    def _audit_log(self) -> None:
        from ..audit.audit_window import AuditWindow

        self._show(AuditWindow(self._window))

    def _show(self, window: QWidget) -> None:
        window.setWindowFlag(Qt.WindowType.Window, True)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.show()

    def _writable_item(self) -> ItemRow | None:
        if self._window.read_only:
            return None
        return self._window.selected_item()

    def _new_file(self) -> None:
        path = data_files.choose_new_file(self._window)
        if path:
            self._window.switch_to(path, create=True)

    def _open_file(self) -> None:
        path = data_files.choose_file_to_open(self._window)
        if path:
            self._window.switch_to(path)

    def _back_up(self) -> None:
        target = data_files.back_up_with_progress(self._window)
        if target is not None:
            self._window.statusBar().showMessage(f"Backed up to {target}.", 10_000)
