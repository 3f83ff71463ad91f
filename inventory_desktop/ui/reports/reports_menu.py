"""The main window's Reports menu: the Reports window and the order list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QWidget

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow


def add_reports_menu(window: MainWindow, *, before: QAction, toolbar: QToolBar) -> None:
    """Put Reports… (Ctrl+Shift+V: what the stock is worth) and Order list… (Ctrl+Shift+O)
    in a menu before `before`; the window's keyboard reference lists them."""
    reports = QAction("&Reports…", window)
    reports.setShortcut(QKeySequence("Ctrl+Shift+V"))
    reports.triggered.connect(lambda _checked=False: open_reports(window))
    orders = QAction("&Order list…", window)
    orders.setShortcut(QKeySequence("Ctrl+Shift+O"))
    orders.triggered.connect(lambda _checked=False: open_order_list(window))
    for action in (reports, orders):
        window.addAction(action)  # shortcuts work wherever the focus is
    window.reports_actions = [reports, orders]
    menu = QMenu("&Reports", window)
    menu.addActions([reports, orders])
    window.menuBar().insertMenu(before, menu)
    toolbar.addSeparator()
    toolbar.addAction(reports)


def open_reports(window: MainWindow):  # -> ReportsWindow
    from .reports_window import ReportsWindow

    return window.show_child(ReportsWindow, lambda: _own_window(ReportsWindow(window)))


def open_order_list(window: MainWindow):  # -> OrderListWindow
    from .order_window import OrderListWindow

    return window.show_child(OrderListWindow, lambda: _own_window(OrderListWindow(window)))


def _own_window(child: QWidget) -> QWidget:
    child.setWindowFlag(Qt.WindowType.Window, True)
    child.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    return child
