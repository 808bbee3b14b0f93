"""Backups from the desktop: on a schedule (checked by a timer) and when privdesk closes, into the folder
chosen in Settings > Security, rotated 7 daily / 4 weekly / 12 monthly by the backup service.

These preferences are local (each computer backs up to its own folder); a backup is encrypted with the
database's own key, so the folder holds nothing readable without it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from privdesk.ui import settings as ui_settings
from privdesk.ui.errors import show_error
from privdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from privdesk.services.hub import Services

log = logging.getLogger(__name__)

FOLDER_KEY = "backup/folder"
SCHEDULE_KEY = "backup/schedule"
ON_EXIT_KEY = "backup/on_exit"
SCHEDULES: dict[str, dt.timedelta | None] = {
    "off": None,
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(weeks=1),
}
SCHEDULE_LABELS = {"off": "Never", "hourly": "Every hour", "daily": "Every day", "weekly": "Every week"}
DEFAULT_SCHEDULE = "daily"
CHECK_INTERVAL_MS = 10 * 60 * 1000


def backup_folder(database: str) -> Path:
    """The chosen folder, else ``backups`` beside the database file."""
    from privdesk.services.backup import default_backup_dir

    chosen = ui_settings.settings().value(FOLDER_KEY)
    if isinstance(chosen, str) and chosen.strip():
        return Path(chosen).expanduser()
    return default_backup_dir(Path(database).expanduser())


def set_backup_folder(folder: Path | None) -> None:
    if folder is None:
        ui_settings.settings().remove(FOLDER_KEY)
    else:
        ui_settings.settings().setValue(FOLDER_KEY, str(folder))


def schedule() -> str:
    value = ui_settings.settings().value(SCHEDULE_KEY, DEFAULT_SCHEDULE)
    return value if isinstance(value, str) and value in SCHEDULES else DEFAULT_SCHEDULE


def set_schedule(name: str) -> None:
    if name not in SCHEDULES:
        raise ValueError(name)
    ui_settings.settings().setValue(SCHEDULE_KEY, name)


def on_exit() -> bool:
    return ui_settings.get_bool(ON_EXIT_KEY, True)


def set_on_exit(enabled: bool) -> None:
    ui_settings.settings().setValue(ON_EXIT_KEY, enabled)


class BackupScheduler(QObject):
    """Takes a backup when the newest one is older than the schedule; checked at start and by a timer."""

    backed_up = Signal(object)  # BackupInfo
    failed = Signal(str)
    FIRST_CHECK_MS = 30_000

    def __init__(
        self,
        parent: QWidget,
        runner: TaskRunner,
        services: Callable[[], Services | None],
        database: str,
        *,
        check_interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backup_scheduler")
        self.parent_widget = parent
        self.runner = runner
        self.services = services
        self.database = database
        self.running = False
        self.last_error = ""
        self.timer = QTimer(self)
        self.timer.setInterval(check_interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        # A backup due at launch waits a little: copying and checking a large file would slow start-up.
        QTimer.singleShot(self.FIRST_CHECK_MS, self, self.check)

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> None:
        """Back up now if the schedule says one is due (the check itself runs on a worker)."""
        every = SCHEDULES[schedule()]
        services = self.services()
        if every is None or services is None or self.running:
            return
        folder = backup_folder(self.database)
        self._run(
            lambda: services.backups.backup_if_due(folder, every) if services.backups.supported() else None
        )

    def backup_now(
        self, done: Callable[[Any], None] | None = None, failed: Callable[[BaseException], None] | None = None
    ) -> None:
        services = self.services()
        if services is None:
            return
        folder = backup_folder(self.database)
        self._run(lambda: services.backups.backup(folder), done, failed)

    def _run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.running = True

        def ok(info: Any) -> None:
            self.running = False
            self.last_error = ""
            if info is not None:
                self.backed_up.emit(info)
            if done is not None:
                done(info)

        def bad(exc: BaseException) -> None:
            self.running = False
            self.last_error = str(exc)
            log.warning("backup failed: %s", type(exc).__name__)
            self.failed.emit(str(exc))
            if failed is not None:
                failed(exc)

        self.runner.run(work, ok, bad)

    def backup_on_exit(self, timeout_ms: int = 10 * 60 * 1000) -> Any:
        """Closing: take a backup on a worker behind a short progress dialog, then return (always).

        A failure is shown and logged but never stops privdesk from closing.
        """
        services = self.services()
        if not on_exit() or services is None:
            return None
        self.stop()
        self.runner.wait(15_000)  # edits still being written go into the backup
        folder = backup_folder(self.database)
        loop = QEventLoop()
        outcome: dict[str, Any] = {}
        progress = QProgressDialog("Backing up the database before privdesk closes…", "", 0, 0)
        progress.setObjectName("exit_backup_progress")
        progress.setWindowTitle("privdesk")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)

        def work() -> Any:
            return services.backups.backup(folder) if services.backups.supported() else None

        def ok(info: Any) -> None:
            outcome["info"] = info
            loop.quit()

        def bad(exc: BaseException) -> None:
            outcome["error"] = exc
            loop.quit()

        self.runner.run(work, ok, bad)
        QTimer.singleShot(timeout_ms, loop.quit)
        progress.show()
        loop.exec()
        progress.close()
        progress.deleteLater()
        error = outcome.get("error")
        if isinstance(error, BaseException):
            log.warning("backup on exit failed: %s", type(error).__name__)
            show_error(None, error)
        return outcome.get("info")
