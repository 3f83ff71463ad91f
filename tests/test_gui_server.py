"""The window on a server's database (issue 11): live refresh, offline, backups that do not apply.

Each test opens the real window on its own PostgreSQL database (the
pg_server fixture); "the server goes away" is every connection to the
database cut by an admin, with new connections refused until it is let
back in (ALTER DATABASE … ALLOW_CONNECTIONS).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pg_server as pg_server_module
import psycopg
import pytest
from gui_helpers import isolate_settings, open_main_window, shown, wait_loaded, when_modal
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from inventory_desktop import db, services
from inventory_desktop.ui.items.item_table import ON_HAND
from inventory_desktop.ui.shell import data_files
from inventory_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


class Server:
    """A test's database on the pg_server: its address as the program's login, and the admin."""

    def __init__(self, server: str, name: str) -> None:
        self.server, self.name = server, name
        self.url = pg_server_module.login_url(server, name)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(pg_server_module.admin_url(self.server, "postgres"),
                               autocommit=True)

    def cut_off(self) -> None:
        """Refuse new connections to the database and end every one it has."""
        with self.admin() as admin:
            admin.execute(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS false")
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (self.name,))

    def let_back(self) -> None:
        with self.admin() as admin:
            admin.execute(f"ALTER DATABASE {self.name} ALLOW_CONNECTIONS true")

    def movements(self) -> int:
        with psycopg.connect(pg_server_module.admin_url(self.server, self.name)) as connection:
            return connection.execute("SELECT count(*) FROM inventory.stock_movement").fetchone()[0]


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def server(pg_server: str) -> Iterator[Server]:
    name = pg_server_module.new_database(pg_server)
    target = Server(pg_server, name)
    try:
        db.open_database(target.url)
        services.create_item("Flour", "kg", "FL-01", "5")
        services.add_stock(services.find_item("FL-01").id, "12")
        yield target
    finally:
        db.close_database()
        target.let_back()
        pg_server_module.drop_database(pg_server, name)


@pytest.fixture
def window(qtbot, server: Server) -> Iterator[MainWindow]:
    main = open_main_window(qtbot)
    yield main
    # Closed while its database is still there: no late reload meets a closed one.
    wait_loaded(qtbot, main)
    main.close()


def _other_terminal(server: Server, *command: str) -> None:
    done = subprocess.run([sys.executable, "-m", "inventory_desktop", "--db", server.url,
                           "--user", "Sam", *command], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_another_terminals_receipt_shows_without_polling(qtbot, window: MainWindow,
                                                         server: Server) -> None:
    assert not window.watcher._timer.isActive()  # no data_version poll on a server
    assert shown(window, ON_HAND) == ["12 kg"]
    _other_terminal(server, "receive", "FL-01", "3")
    qtbot.waitUntil(lambda: shown(window, ON_HAND) == ["15 kg"], timeout=5000)


def test_title_about_and_backups_name_the_server(window: MainWindow, server: Server) -> None:
    location = db.current_file().location
    assert window.windowTitle() == f"{location} — Inventory"
    assert f"Server database: {location}" in data_files.about_text()
    for action in (window.commands.back_up, window.backup_actions.backups,
                   window.backup_actions.restore):
        assert not action.isEnabled()
        assert "pg_dump" in action.statusTip() and "pg_dump" in action.toolTip()
    assert data_files.recent_files()[0] == db.current_file().address
    assert "inventory-test" not in db.current_file().address  # the test login's password


def test_offline_is_said_a_write_is_refused_in_the_dialog_and_the_return_is_noticed(
        qtbot, window: MainWindow, server: Server) -> None:
    assert not window.offline_banner.isVisible()
    seen: dict[str, object] = {}

    def type_lose_the_server_and_save(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.quantity, "7")
        qtbot.keyClicks(dialog.notes, "Tuesday's delivery")
        server.cut_off()
        qtbot.waitUntil(window.offline_banner.isVisible, timeout=5000)
        seen["banner"] = window.offline_banner.text()
        dialog.ok_button.click()
        seen.update(open=dialog.isVisible(), message=dialog.message.text(),
                    quantity=dialog.quantity.text(), notes=dialog.notes.text())
        dialog.reject()

    when_modal(type_lose_the_server_and_save)
    window.commands.receive.trigger()
    banner = str(seen["banner"])
    assert "The server cannot be reached" in banner and db.current_file().location in banner
    assert "what you typed stays in the form" in banner
    assert seen["open"] and seen["quantity"] == "7" and seen["notes"] == "Tuesday's delivery"
    assert "cannot be reached" in str(seen["message"])
    assert "nothing was saved" in str(seen["message"])
    qtbot.wait(3500)  # a reconnection attempt fails while the database is closed to us
    assert window.offline_banner.isVisible()
    server.let_back()
    qtbot.waitUntil(lambda: not window.offline_banner.isVisible(), timeout=8000)
    assert server.movements() == 1  # the refused receipt left nothing
    _other_terminal(server, "receive", "FL-01", "3")
    qtbot.waitUntil(lambda: shown(window, ON_HAND) == ["15 kg"], timeout=5000)


def test_an_action_whose_dialog_cannot_read_says_so(qtbot, window: MainWindow,
                                                    server: Server) -> None:
    server.cut_off()
    qtbot.waitUntil(window.offline_banner.isVisible, timeout=5000)
    seen: list[str] = []
    when_modal(lambda box: box.done(0), seen)
    window.commands.receive.trigger()  # reads the suppliers first: refused, not a bug
    assert seen and "cannot be reached" in seen[0]


def _socket_and_port(pg_server: str) -> tuple[str, int]:
    query = parse_qs(urlsplit(pg_server).query)
    return query["host"][0], int(query.get("port", ["5432"])[0])


def _fill_server_dialog(pg_server: str, database: str) -> Callable[[QWidget], None]:
    def fill(dialog: QWidget) -> None:
        host, port = _socket_and_port(pg_server)
        dialog.host.setText(host)
        dialog.port.setValue(port)
        dialog.database.setText(database)
        dialog.user.setText(pg_server_module.LOGINS["app"][0])
        assert dialog.preview.text() == (f"postgresql://inventory_test_app@{quote(host, safe='')}"
                                         f":{port}/{database}")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    return fill


@pytest.fixture
def kitchen_file(tmp_path: Path) -> Path:
    path = tmp_path / "kitchen.sqlite3"
    db.open_database(path)
    services.create_item("Salt", "kg", "SA-1", "1")
    return path


def _settings_bytes(tmp_path: Path) -> bytes:
    return b"".join(path.read_bytes() for path in (tmp_path / "settings").rglob("*.conf"))


def test_file_open_server_opens_its_items_and_remembers_no_password(
        qtbot, tmp_path: Path, pg_server: str, kitchen_file: Path) -> None:
    name = pg_server_module.new_database(pg_server)
    try:
        db.open_database(pg_server_module.login_url(pg_server, name))
        services.create_item("Flour", "kg", "FL-01", "5")
        db.open_database(kitchen_file)
        window = open_main_window(qtbot)
        assert shown(window) == ["Salt"]
        when_modal(_fill_server_dialog(pg_server, name))
        window.commands.open_server.trigger()
        wait_loaded(qtbot, window)
        assert shown(window) == ["Flour"]
        assert db.current_file().server and name in window.windowTitle()
        stored = _settings_bytes(tmp_path)
        assert b"postgresql://inventory_test_app@" in stored and name.encode() in stored
        # Opened by an address holding the password, it is remembered without it.
        assert window.switch_to(pg_server_module.login_url(pg_server, name))
        wait_loaded(qtbot, window)
        assert data_files.recent_files()[0] == db.current_file().address
        assert pg_server_module.PASSWORD.encode() not in _settings_bytes(tmp_path)
        window.close()
    finally:
        db.close_database()
        pg_server_module.drop_database(pg_server, name)


def test_a_server_that_refuses_leaves_the_open_file_open(
        qtbot, pg_server: str, kitchen_file: Path) -> None:
    window = open_main_window(qtbot)
    seen: list[str] = []

    def fill_then_close_the_refusal(dialog: QWidget) -> None:
        when_modal(lambda box: box.done(0), seen)
        _fill_server_dialog(pg_server, "no_such_kitchen")(dialog)

    when_modal(fill_then_close_the_refusal)
    window.commands.open_server.trigger()
    assert seen and "no database 'no_such_kitchen'" in seen[0]
    assert db.current_file().path == kitchen_file
    assert shown(window) == ["Salt"]


def test_a_count_refused_while_the_server_is_away_stays_in_its_cell(qtbot, server: Server) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    from inventory_desktop.ui.stocktake.count_window import StocktakeWindow

    store = services.create_area("Dry store").id
    services.place_item(services.find_item("FL-01").id, [store])
    services.start_stocktake("Monthly")
    counting = StocktakeWindow()
    qtbot.addWidget(counting)
    counting.show()
    qtbot.waitExposed(counting)
    server.cut_off()
    counting.table.setFocus()
    qtbot.keyClick(counting.table, Qt.Key.Key_1)  # any key starts typing in the Count cell
    qtbot.keyClicks(counting.table.focusWidget(), "1.5")
    qtbot.keyClick(counting.table.focusWidget(), Qt.Key.Key_Return)
    qtbot.wait(50)
    assert "Flour: The server cannot be reached" in counting.message.text()
    editors = [e for e in counting.table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert [editor.text() for editor in editors] == ["11.5"]
    counting.close()
    server.let_back()
    with psycopg.connect(pg_server_module.admin_url(server.server, server.name)) as connection:
        assert connection.execute("SELECT count(*) FROM inventory.stocktake_count").fetchone() \
            == (0,)


def _delivery_sheet(qtbot, reference: str) -> QWidget:
    """The delivery grid, shown, with 4 of FL-01 typed under `reference`."""
    from inventory_desktop.ui.deliveries.sheet_dialog import DELIVERY, SheetDialog

    def submit(sheet) -> object:
        return services.receive_delivery(sheet.lines, reference=sheet.reference)

    dialog = SheetDialog(None, DELIVERY, services.list_items(), submit)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.model.setData(dialog.model.index(0, 0), "FL-01")
    dialog.model.setData(dialog.model.index(0, 1), "4")
    dialog.reference.setText(reference)
    return dialog


def test_a_delivery_refused_while_the_server_is_away_keeps_its_lines(qtbot, server: Server) -> None:
    dialog = _delivery_sheet(qtbot, "DN-7")
    server.cut_off()
    dialog.save()
    assert dialog.isVisible()
    assert "cannot be reached" in dialog.message.text()
    assert dialog.model.index(0, 0).data().startswith("Flour")
    assert dialog.model.index(0, 1).data() == "4" and dialog.reference.text() == "DN-7"
    server.let_back()
    assert server.movements() == 1
    dialog.save()  # once it is back, the same sheet books without retyping
    assert not dialog.isVisible() and server.movements() == 2


def test_a_delivery_held_up_by_another_terminal_says_so_in_its_words(qtbot, server: Server
                                                                      ) -> None:
    db.run("SET lock_timeout = '300ms'")  # the program waits 15 s
    dialog = _delivery_sheet(qtbot, "DN-8")
    with psycopg.connect(pg_server_module.admin_url(server.server, server.name)) as other:
        other.execute("SELECT 1 FROM inventory.stock_item FOR UPDATE")  # until it commits
        dialog.save()
    assert dialog.isVisible()
    assert dialog.message.text().startswith("Another terminal was changing the same stock")
    assert "data file" not in dialog.message.text()
    assert server.movements() == 1  # the fixture's receipt: nothing more
    dialog.save()  # the other terminal is done: the same sheet books
    assert not dialog.isVisible() and server.movements() == 2
