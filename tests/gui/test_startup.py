"""Start-up: the window comes first, the services are imported off the GUI thread, and the full integrity
check runs in the background once the officer can work (damage found then brings up the recovery dialog)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from privdesk.app import desktop_arguments
from privdesk.services import backup as backup_module
from privdesk.services.backup import StartupProblem
from privdesk.ui import backups as backup_settings
from privdesk.ui.dialogs.recovery import RecoveryDialog
from tests.gui.test_security_gui import TIMEOUT, Started

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("args", "db", "demo"),
    [([], None, False), (["--db", "firm.db"], "firm.db", False), (["--demo"], None, True)],
)
def test_desktop_options_start_the_desktop(args: list[str], db: str | None, demo: bool) -> None:
    found = desktop_arguments(args)
    assert found is not None and found.db == db and found.demo is demo


@pytest.mark.parametrize(
    "args", [["case", "list"], ["--version"], ["--help"], ["--db"], ["--db", "x", "audit", "verify"]]
)
def test_commands_and_mistakes_go_to_the_command_line(args: list[str]) -> None:
    assert desktop_arguments(args) is None


def test_the_window_is_built_without_importing_the_services() -> None:
    """What runs before the first window never loads SQLAlchemy or a service (a second's work)."""
    code = (
        "import sys\n"
        "from privdesk.app import desktop_arguments\n"
        "from privdesk.ui.application import describe_target, make_application\n"
        "from privdesk.ui.main_window import MainWindow\n"
        "app = make_application()\n"
        "window = MainWindow(database_label=describe_target(None, None))\n"
        "window.show()\n"
        "heavy = ('sqlalchemy', 'privdesk.services', 'alembic')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_integrity_check_runs_after_the_window_is_ready(
    qtbot: Any, tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    backup_settings.set_schedule("off")
    release = threading.Event()
    checked: list[Path] = []
    real_check = backup_module.startup_check

    def slow_check(path: Path, key: bytes | None, folder: Path | None = None) -> list[StartupProblem]:
        release.wait(TIMEOUT / 1000)  # a large file: the check takes long
        checked.append(path)
        return real_check(path, key, folder)

    monkeypatch.setattr(backup_module, "startup_check", slow_check)
    started = Started(qtbot, str(db), demo=True)
    started.wait_ready()  # ready while the check is still running
    assert not checked and not started.flow.checked_in_background
    release.set()
    qtbot.waitUntil(lambda: started.flow.checked_in_background, timeout=TIMEOUT)
    assert checked == [db]
    assert started.flow.dialog is None and started.window.nav.isEnabled()  # a sound file: nothing to say
    started.close()


def test_damage_found_in_the_background_offers_the_latest_backup(
    qtbot: Any, tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    folder = tmp_path / "backups"
    backup_settings.set_backup_folder(folder)
    backup_settings.set_schedule("off")
    started = Started(qtbot, str(db), demo=True)
    services = started.wait_ready()
    qtbot.waitUntil(lambda: started.flow.checked_in_background, timeout=TIMEOUT)
    backup = services.backups.backup(folder)
    services.cases.count()  # the live file is in use

    def damaged(path: Path, key: bytes | None, folder: Path | None = None) -> list[StartupProblem]:
        return [StartupProblem("the database is damaged (row 7 missing from index)", None)]

    monkeypatch.setattr(backup_module, "startup_check", damaged)
    started.flow._check_in_background()  # as at the next start-up
    dialog = started.dialog(RecoveryDialog)
    assert "row 7 missing" in dialog.findChild(type(dialog.error), "recovery_problem").text()
    assert backup.path.name in dialog.restore_latest.text()
    assert not started.window.nav.isEnabled()  # no more work on a damaged file
    monkeypatch.setattr(backup_module, "startup_check", lambda *a, **k: [])
    qtbot.mouseClick(dialog.restore_latest, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: started.window.nav.isEnabled() and started.window.services is not None, timeout=TIMEOUT
    )
    assert list(tmp_path.glob("demo.db.before-restore-*"))  # the damaged file is kept aside
    started.close()
