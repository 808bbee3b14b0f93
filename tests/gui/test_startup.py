"""Start-up: the window comes first, the services are imported off the GUI thread, and the full integrity
check runs in the background once the officer can work (damage found then brings up the recovery dialog)."""

from __future__ import annotations

import datetime as dt
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
from privdesk.services.demo import demo_case_count, mark_seeded
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from privdesk.ui import backups as backup_settings
from privdesk.ui.application import StartupFlow
from privdesk.ui.dialogs.recovery import RecoveryDialog
from privdesk.ui.main_window import MainWindow
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


def test_other_screens_load_ahead_once_the_dashboard_is_up(tmp_path: Path) -> None:
    """The queue opens without loading the case view or ReportLab; once the dashboard has its figures,
    the other screens' modules and the letter fonts are loaded in the background, so their first open
    does not wait for imports."""
    code = (
        "import sys, time\n"
        "from privdesk.services.hub import Services\n"
        "from privdesk.ui import warmup\n"
        "from privdesk.ui.application import make_application\n"
        "from privdesk.ui.main_window import MainWindow\n"
        "asked = []\n"
        "real_start, warmup.start = warmup.start, lambda: asked.append(1)\n"
        "app = make_application()\n"
        f"services = Services.open({str(tmp_path / 'firm.db')!r})\n"
        "window = MainWindow(database_label='test')\n"
        "window.show()\n"
        "def settle():\n"
        "    end = time.monotonic() + 60\n"
        "    while (window.runner.running or not asked) and time.monotonic() < end:\n"
        "        app.processEvents(); time.sleep(0.01)\n"
        "window.set_services(services)\n"
        "settle()\n"
        "window.go('cases')\n"
        "settle()\n"
        "print('asked', bool(asked))\n"
        "print('queue', 'privdesk.ui.pages.case_view' in sys.modules, 'reportlab' in sys.modules)\n"
        "real_start()\n"
        "print('finished', warmup.wait(120))\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "missing = [m for m in warmup.MODULES if m not in sys.modules]\n"
        "print('missing', missing, 'PrivdeskSans' in pdfmetrics.getRegisteredFontNames())\n"
        "window.shutdown()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-4:] == ["asked True", "queue False False", "finished True", "missing [] True"], out.stdout


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


def test_a_demo_prepared_on_an_earlier_day_is_prepared_again_for_today(
    qtbot: Any, tmp_path: Path, demo_template: Path
) -> None:
    """The demo template is dated from the tests' fixed day: opened today it would be weeks late."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    earlier = Services.open(str(db))
    mark_seeded(earlier, dt.date.today() - dt.timedelta(days=400))  # prepared more than a year ago
    earlier.close()
    backup_settings.set_schedule("off")
    window = MainWindow(database_label=str(db))
    qtbot.addWidget(window)
    window.show()
    shown: list[tuple[int, str]] = []
    real = window.show_preparing_demo

    def watch(done: int, total: int) -> None:
        real(done, total)
        shown.append((window.busy.value(), window.statusBar().currentMessage()))

    window.show_preparing_demo = watch  # type: ignore[method-assign]
    flow = StartupFlow(window, str(db), demo=True)
    flow.start()
    qtbot.waitUntil(lambda: window.services is not None, timeout=60_000)
    services = window.services
    assert services is not None
    total = demo_case_count()
    assert shown[0] == (0, f"Preparing today's demo: 0 of {total} sample cases…")
    assert shown[-1][0] == total and window.busy.maximum() == 0  # back to the plain busy indicator
    today = services.ctx.today()
    late = [r for r in services.cases.list(CaseFilter(overdue=True))]
    assert 1 <= len(late) <= 3 and all((today - r.next_due_on).days <= 7 for r in late if r.next_due_on)
    dashboard = window.pages["dashboard"]
    qtbot.waitUntil(lambda: dashboard.summary is not None, timeout=TIMEOUT)  # type: ignore[attr-defined]
    assert dashboard.tiles["overdue"].number.text() == str(len(late))  # type: ignore[attr-defined]
    window.runner.wait()
    flow._tear_down()
    window.shutdown()


def test_a_file_damaged_in_use_is_restored_without_stale_errors(
    qtbot: Any, tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads of a file damaged while in use fail: the file is checked at once, the recovery dialog takes
    the place of the error boxes, and after the restore no "damaged" message is left on screen; the
    status bar confirms the restore."""
    from privdesk.ui import errors
    from tests.gui.test_security_gui import damage

    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    folder = tmp_path / "backups"
    backup_settings.set_backup_folder(folder)
    backup_settings.set_schedule("off")
    monkeypatch.setattr(StartupFlow, "BACKGROUND_CHECK_DELAY_MS", 10)
    started = Started(qtbot, str(db), demo=True)
    services = started.wait_ready()
    qtbot.waitUntil(lambda: started.flow.checked_in_background, timeout=TIMEOUT)
    backup = services.backups.backup(folder)
    started.window.runner.wait()
    damage(db)
    started.window.go("cases")  # its reads fail
    dialog = started.dialog(RecoveryDialog)
    assert "damaged" in dialog.findChild(type(dialog.error), "recovery_problem").text()
    assert errors.open_error_texts() == []  # the recovery dialog says it once
    assert not started.window.nav.isEnabled()
    qtbot.mouseClick(dialog.restore_latest, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: started.window.services is not None and started.window.services is not services,
        timeout=TIMEOUT,
    )
    qtbot.waitUntil(lambda: started.flow.dialog is None and started.window.nav.isEnabled(), timeout=TIMEOUT)
    message = started.window.statusBar().currentMessage()
    assert message.startswith(f"✓ Restored {backup.path.name}"), message
    started.window.go("cases")
    qtbot.waitUntil(lambda: started.window.runner.running == 0, timeout=TIMEOUT)
    qtbot.wait(200)
    assert errors.open_error_texts() == []
    assert started.flow.dialog is None
    assert list(tmp_path.glob("demo.db.before-restore-*"))  # the damaged file is kept aside
    started.close()
