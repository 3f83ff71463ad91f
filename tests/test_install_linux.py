"""scripts/install-linux.sh and its --uninstall, in a fake HOME with a tiny fake bundle.

conftest points HOME, XDG_DATA_HOME and XDG_CONFIG_HOME into tmp_path, so
nothing here touches the real user's folders. The real bundle is not built
here (scripts/bundle_smoke.sh does that); a two-file stand-in is enough to
check what lands where.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "install-linux.sh"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the Linux installer")


class Places:
    """Where the installer puts things, and where the user's own files are."""

    def __init__(self) -> None:
        home, data_home = Path(os.environ["HOME"]), Path(os.environ["XDG_DATA_HOME"])
        config_home = Path(os.environ["XDG_CONFIG_HOME"])
        self.program_dir = home / ".local/lib" / f"{platform.machine()}-linux-gnu/inventory-desktop"
        self.launcher = home / ".local/bin/inventory-desktop"
        self.entry = data_home / "applications/inventory-desktop.desktop"
        self.icon = data_home / "icons/hicolor/scalable/apps/inventory-desktop.svg"
        self.data_file = data_home / "inventory-desktop/inventory.sqlite3"
        self.settings = config_home / "inventory-desktop/inventory-desktop.conf"
        self.installed = (self.program_dir, self.launcher, self.entry, self.icon)


def _fake_bundle(folder: Path, says: str = "fake bundle") -> Path:
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / "libpretend.so").write_bytes(b"\x7fELF pretend")
    program = folder / "inventory-desktop"
    program.write_text(f'#!/bin/sh\necho "{says}: $*"\n')
    program.chmod(0o755)
    return folder


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=60)


def _users_own_files(places: Places) -> None:
    for path, text in ((places.data_file, "the restaurant's stock"),
                       (places.settings, "[files]\nrecent=/srv/kitchen.sqlite3\n")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_install_puts_the_program_launcher_menu_entry_and_icon_in_place(tmp_path: Path) -> None:
    places = Places()
    done = _run(str(_fake_bundle(tmp_path / "bundle")))
    assert done.returncode == 0, done.stderr
    program = places.program_dir / "inventory-desktop"
    assert os.access(program, os.X_OK)
    assert (places.program_dir / "_internal" / "libpretend.so").read_bytes() == b"\x7fELF pretend"
    assert places.launcher.is_symlink() and places.launcher.resolve() == program.resolve()
    ran = subprocess.run([str(places.launcher), "items", "list"], capture_output=True, text=True)
    assert ran.stdout == "fake bundle: items list\n"
    entry = places.entry.read_text().splitlines()
    assert f'Exec="{program}"' in entry
    assert "Icon=inventory-desktop" in entry and "Name=Inventory" in entry
    assert places.icon.read_bytes() == (ROOT / "resources" / "inventory-desktop.svg").read_bytes()
    assert "left alone" in done.stdout


def test_uninstall_removes_exactly_what_install_put_there_and_keeps_the_data(
        tmp_path: Path) -> None:
    places = Places()
    _users_own_files(places)
    assert _run(str(_fake_bundle(tmp_path / "bundle"))).returncode == 0
    done = _run("--uninstall")
    assert done.returncode == 0, done.stderr
    for path in places.installed:
        assert not path.exists() and not path.is_symlink(), path
    assert places.data_file.read_text() == "the restaurant's stock"
    assert places.settings.read_text() == "[files]\nrecent=/srv/kitchen.sqlite3\n"
    assert "Your data file and settings were left alone" in done.stdout
    assert str(places.data_file.parent) in done.stdout


def test_uninstall_script_is_the_same_as_the_option(tmp_path: Path) -> None:
    places = Places()
    assert _run(str(_fake_bundle(tmp_path / "bundle"))).returncode == 0
    done = subprocess.run(["bash", str(ROOT / "scripts" / "uninstall-linux.sh")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not any(path.exists() for path in places.installed)


def test_installing_again_replaces_the_old_copy_entirely(tmp_path: Path) -> None:
    places = Places()
    assert _run(str(_fake_bundle(tmp_path / "old", says="old"))).returncode == 0
    (places.program_dir / "_internal" / "only-in-old").write_text("stale")
    assert _run(str(_fake_bundle(tmp_path / "new", says="new"))).returncode == 0
    ran = subprocess.run([str(places.launcher)], capture_output=True, text=True)
    assert ran.stdout == "new: \n"
    assert not (places.program_dir / "_internal" / "only-in-old").exists()
    leftovers = [p.name for p in places.program_dir.parent.iterdir() if ".new-" in p.name]
    assert leftovers == []


def test_a_path_with_spaces_and_quotes_is_quoted_in_the_menu_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / 'Chef "Ana" $HOME'
    monkeypatch.setenv("HOME", str(home))
    assert _run(str(_fake_bundle(tmp_path / "bundle"))).returncode == 0
    program = Places().program_dir / "inventory-desktop"
    # The Desktop Entry spec: "..." around it, \\" for a quote and \\$ for a dollar.
    quoted = str(program).replace('"', '\\\\"').replace("$", "\\\\$")
    assert f'Exec="{quoted}"' in Places().entry.read_text().splitlines()


def test_without_a_built_bundle_install_says_so_and_writes_nothing(tmp_path: Path) -> None:
    places = Places()
    done = _run(str(tmp_path / "no-such-bundle"))
    assert done.returncode == 1
    assert "there is no built program at" in done.stderr and "scripts/build.sh" in done.stderr
    assert not any(path.exists() for path in places.installed)


def test_a_launcher_of_the_users_own_is_never_replaced_or_removed(tmp_path: Path) -> None:
    places = Places()
    places.launcher.parent.mkdir(parents=True)
    places.launcher.write_text("#!/bin/sh\necho mine\n")
    done = _run(str(_fake_bundle(tmp_path / "bundle")))
    assert done.returncode == 1
    assert "is not this program's launcher" in done.stderr
    assert not places.program_dir.exists()
    assert _run("--uninstall").returncode == 0
    assert places.launcher.read_text() == "#!/bin/sh\necho mine\n"
