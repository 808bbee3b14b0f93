"""Start the desktop app: QApplication, error hook, the start-up flow, the window.

Start-up, every disk, keyring and database step on a worker thread:

1. the database key: from the keyring, or a passphrase / recovery key asked for (saying why) when the
   file is protected by one or no keyring works;
2. the integrity check: a damaged database offers the latest verified backup, restored into a new file
   and checked before it replaces anything (the damaged file is kept aside);
3. opening, with pending schema migrations applied only after a verified backup;
4. who is working: the first-run wizard creates the administrator (or single-user mode), else the
   sign-in; the demo database without accounts opens straight away;
5. the window: the idle lock, scheduled backups, and a backup when privdesk closes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from privdesk import APP_ID, APP_NAME, __version__
from privdesk.logsafe import log_exception
from privdesk.ui import errors
from privdesk.ui.errors import explain, install_excepthook

if TYPE_CHECKING:
    from privdesk.services.backup import BackupInfo, StartupProblem
    from privdesk.services.hub import Services
    from privdesk.services.secrets import SecretStore
    from privdesk.services.users import UserDTO
    from privdesk.ui.backups import BackupScheduler
    from privdesk.ui.lock import LockController
    from privdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    # Names first: every QSettings created later is keyed by them.
    app.setOrganizationName("privdesk")
    app.setOrganizationDomain("privdesk.org")
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("privdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    from privdesk.ui import gc_guard
    from privdesk.ui.icons import icon

    gc_guard.install(app)
    from privdesk.ui.theme import install_check_outlines

    install_check_outlines(app)
    from privdesk.ui.widgets.files import use_qt_dialogs

    use_qt_dialogs(app)
    app.setWindowIcon(icon("cases"))
    return app


def describe_target(target: str | None, env_db: str | None) -> str:
    from privdesk.paths import resolve_database

    location = target or env_db
    return resolve_database(location)


@dataclasses.dataclass(frozen=True)
class _KeyOutcome:
    key: bytes | None = None
    need: str | None = None  # a passphrase.Need value when the person must supply something
    why: str = ""
    problem: str = ""
    latest: Path | None = None


DAMAGED = "damaged"


def _find_problems(path: Path, key: bytes | None, folder: Path) -> list[StartupProblem]:
    """Worker thread: the full integrity check, each problem naming the newest verified backup."""
    from privdesk.services.backup import StartupProblem, list_backups, startup_check

    problems = startup_check(path, key, folder)
    if not problems:
        return []
    backups = list_backups(folder)
    latest = backups[0].path if backups else None
    return [p if p.latest_backup else StartupProblem(p.message, latest) for p in problems]


@dataclasses.dataclass(frozen=True)
class _Opened:
    services: Services
    migration_backup: BackupInfo | None
    first_run: bool
    automatic_user: UserDTO | None
    lock_minutes: int


class StartupFlow(QObject):
    """Takes the window from "Opening the database…" to ready; also restores a backup while running."""

    ready = Signal()
    finished = Signal(int)  # privdesk should quit with this code
    BACKGROUND_CHECK_DELAY_MS = 3000

    def __init__(
        self,
        window: MainWindow,
        target: str | None,
        *,
        demo: bool = False,
        secrets: SecretStore | None = None,
        lock_check_ms: int | None = None,
        started: float | None = None,
    ) -> None:
        from privdesk.paths import DB_ENV, resolve_database

        super().__init__(window)
        self.setObjectName("startup_flow")
        self.window = window
        self.runner = window.runner
        self.demo = demo
        self.location = resolve_database(target)
        self.is_file = "://" not in self.location
        self.is_default = not target and not os.environ.get(DB_ENV)
        # New databases made from the desktop are encrypted; the throwaway demo data stays plain.
        self.encrypt: bool | None = None if demo else True
        self.store = secrets
        self.passphrase: str | None = None
        self.key: bytes | None = None
        self.services: Services | None = None
        self.user: UserDTO | None = None
        self.lock: LockController | None = None
        self.scheduler: BackupScheduler | None = None
        self.lock_check_ms = lock_check_ms
        self.dialog: QWidget | None = None  # the dialog on screen (tests reach it here)
        self.user_label: QLabel | None = None
        self.lock_minutes = 0
        self.restore_note = ""
        self.migration_backup: BackupInfo | None = None
        self.started = started  # perf_counter() at launch, for the start-up time in the log
        self.checked_in_background = False
        self._checking = False
        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.timeout.connect(self._check_in_background)

    @property
    def database_name(self) -> str:
        return Path(self.location).name if self.is_file else self.window.database_label

    def backup_folder(self) -> Path:
        from privdesk.ui.backups import backup_folder

        return backup_folder(self.location)

    # -- 1. the key ---------------------------------------------------------------------------
    def start(self) -> None:
        self.window.show_opening()
        self._unlock()

    def _unlock(self, recovery_key: str | None = None) -> None:
        location, passphrase, folder = self.location, self.passphrase, self.backup_folder()

        def work() -> _KeyOutcome:
            from privdesk.services.secrets import (
                KeyNeeded,
                Protection,
                WrongKey,
                crypto,
                database_key_name,
                default_secret_store,
                unlock_key,
            )
            from privdesk.ui.dialogs.passphrase import Need

            if self.store is None:
                self.store = default_secret_store()
            store = self.store
            if not self.is_file:
                return _KeyOutcome()
            path = Path(location).expanduser()
            why = "" if store.remembered else "the system keyring is missing or refused access"
            if recovery_key is not None:
                key = bytes.fromhex(recovery_key)
                try:
                    crypto.verify_key(path, key)
                except WrongKey:
                    return _KeyOutcome(
                        need=Need.RECOVERY_KEY, why=why, problem="That recovery key does not open it."
                    )
                store.set(database_key_name(path), key.hex())
                return _KeyOutcome(key=key)
            found: bytes | None = None
            notes: list[str] = []
            try:
                found = unlock_key(
                    path,
                    store=store,
                    passphrase=passphrase,
                    encrypt=self.encrypt,
                    is_default_database=self.is_default,
                    notes=notes,
                )
                if notes:  # an interrupted key change was finished or undone: say which, once ready
                    self.restore_note = " ".join(note[0].upper() + note[1:] + "." for note in notes)
                if found is not None and path.exists():
                    crypto.verify_key(path, found)
                return _KeyOutcome(key=found)
            except WrongKey:
                if crypto.protection_of(path) is Protection.KEYRING:
                    # The keyring's own key failing means damage far more often than a changed key.
                    from privdesk.services.backup import list_backups

                    backups = list_backups(folder)
                    return _KeyOutcome(
                        key=found,
                        need=DAMAGED,
                        problem="the database cannot be read with its key from the keyring: the file is "
                        "damaged, or it was re-encrypted elsewhere (then `privdesk recovery-key --import` "
                        "puts its key back)",
                        latest=backups[0].path if backups else None,
                    )
                return _KeyOutcome(
                    need=Need.PASSPHRASE, problem="That passphrase does not open the database. Try again."
                )
            except KeyNeeded:
                protection = crypto.protection_of(path)
                if protection is Protection.PASSPHRASE:
                    return _KeyOutcome(need=Need.PASSPHRASE)
                if protection is Protection.KEYRING:
                    return _KeyOutcome(need=Need.RECOVERY_KEY, why=why or "no entry for this file")
                return _KeyOutcome(need=Need.NEW_PASSPHRASE, why=why or "it would not keep the key")

        self.runner.run(work, self._key_found, self.fail)

    def _key_found(self, outcome: _KeyOutcome) -> None:
        from privdesk.ui.dialogs.passphrase import Need, PassphraseDialog

        if outcome.need is None:
            self.key = outcome.key
            self._open()
            return
        if outcome.need == DAMAGED:
            from privdesk.services.backup import StartupProblem

            self.key = outcome.key
            self._checked([StartupProblem(outcome.problem, outcome.latest)])
            return
        need = Need(outcome.need)
        dialog = PassphraseDialog(
            need, self.database_name, self.window, why=outcome.why, problem=outcome.problem
        )

        def entered() -> None:
            if need is Need.RECOVERY_KEY:
                self._unlock(recovery_key=dialog.value())
            else:
                self.passphrase = dialog.value()
                self.window.statusBar().showMessage("Deriving the key from the passphrase…")
                self._unlock()

        dialog.accepted.connect(entered)
        dialog.rejected.connect(lambda: self.quit(0))
        self._show(dialog)

    # -- 2. integrity -------------------------------------------------------------------------
    # A full integrity check reads every page: seconds on a large file. It runs in the background once the
    # window is ready (``_check_in_background``); it runs first only when the database fails to open.
    def _check(self, opening_error: BaseException | None = None) -> None:
        if not self.is_file:
            if opening_error is not None:
                self.fail(opening_error)
            else:
                self._open()
            return
        path, key, folder = Path(self.location).expanduser(), self.key, self.backup_folder()

        def checked(problems: list[StartupProblem]) -> None:
            if not problems and opening_error is not None:
                self.fail(opening_error)  # sound, yet it would not open: say why
            else:
                self._checked(problems)

        self.window.statusBar().showMessage("Checking the database…")
        self.runner.run(lambda: _find_problems(path, key, folder), checked, self.fail)

    def _check_in_background(self) -> None:
        """The full check of a database already in use; damage found brings up the recovery dialog."""
        if not self.is_file:
            return
        path, key, folder = Path(self.location).expanduser(), self.key, self.backup_folder()
        services = self.services

        self._checking = True

        def checked(problems: list[StartupProblem]) -> None:
            self._checking = False
            self.checked_in_background = True
            if not problems or self.window.services is not services or services is None:
                return  # sound, or the database was closed or replaced meanwhile
            from privdesk.ui.dialogs.recovery import RecoveryDialog

            log.warning("the background integrity check found a problem with the database")
            # Every read of the file fails from here on: the recovery dialog says so once, and the
            # "database problem" boxes already on screen go (they would outlive the restore).
            errors.hold(errors.DATABASE_PROBLEM)
            self._tear_down()
            self.window.services = None
            self.window.show_opening()
            self.window.statusBar().showMessage("The database is damaged: choose a backup to restore.")
            problem = problems[0]
            dialog = RecoveryDialog(problem.message, problem.latest_backup, self.backup_folder(), self.window)
            # The damaged file cannot say who may restore it: the dialog's sign-in is checked against
            # the backup, as at start-up.
            dialog.chosen.connect(
                lambda chosen: self._restore_at_start(
                    chosen, problems, dialog.credentials(), closing=services
                )
            )
            dialog.quit_requested.connect(lambda: self.quit(1))
            self._show(dialog)

        def failed(exc: BaseException) -> None:
            self._checking = False
            self.checked_in_background = True
            log_exception(log, "the background integrity check could not run", exc)

        self.runner.run(lambda: _find_problems(path, key, folder), checked, failed)

    def _database_problem_seen(self, _exc: BaseException) -> None:
        """A read failed with a database problem: check the file now rather than in a while, so damage
        brings up the recovery dialog instead of one error after another."""
        try:
            if self.window.services is not None and not self._checking:
                self.check_timer.stop()
                self._check_in_background()
        except RuntimeError:  # this flow's window was closed without tearing it down
            errors.database_problem_seen = None

    def _checked(self, problems: list[StartupProblem], error: str = "") -> None:
        if not problems:
            self._open()
            return
        from privdesk.ui.dialogs.recovery import RecoveryDialog

        problem = problems[0]
        log.warning("start-up check found a problem with the database")
        dialog = RecoveryDialog(
            problem.message, problem.latest_backup, self.backup_folder(), self.window, error=error
        )
        dialog.chosen.connect(lambda path: self._restore_at_start(path, problems, dialog.credentials()))
        dialog.quit_requested.connect(lambda: self.quit(1))
        self._show(dialog)

    def _restore_at_start(
        self,
        backup: Path,
        problems: list[StartupProblem],
        sign_in: tuple[str, str] | None = None,
        *,
        closing: Services | None = None,
    ) -> None:
        """Restore over a damaged file (at start-up, or found damaged while in use: ``closing`` is then
        the services still open on it, closed first)."""
        path, key, store = Path(self.location).expanduser(), self.key, self.store

        def work() -> Any:
            from privdesk.services.backup import Credentials, restore

            if closing is not None:
                closing.close()
            credentials = Credentials(*sign_in) if sign_in else None
            return restore(backup, path, key, current_key=key, credentials=credentials, store=store)

        def restored(result: Any) -> None:
            self.restore_note = _restored_note(backup, result)
            self._unlock()

        def failed(exc: BaseException) -> None:
            _title, what, _todo = explain(exc)
            self._checked(problems, error=f"The restore did not finish, nothing was replaced: {what}")

        self.window.statusBar().showMessage(f"Restoring {backup.name} and checking it…")
        self.runner.run(work, restored, failed, write=True)

    # -- 3. opening and migrations --------------------------------------------------------------
    def _open(self) -> None:
        location, key, store, folder, demo = (
            self.location,
            self.key,
            self.store,
            self.backup_folder(),
            self.demo,
        )

        def work(_token: object, report: Callable[[int, int], None]) -> _Opened:
            from privdesk.services.hub import Services
            from privdesk.ui.main_window import preload_pages

            preload_pages()

            def open_services() -> Services:
                if self.is_file:
                    return Services.open(location, key=key, secrets=store, migrate=False, encrypt=False)
                return Services.open(location, secrets=store, migrate=False)

            services = open_services()
            try:
                backup = services.backups.migrate_with_backup(folder if self.is_file else None)
                if demo:
                    from privdesk.services.demo import demo_is_stale, seed_demo

                    if self.is_file and demo_is_stale(services):
                        # Dated from an earlier day its cases would be months late: prepare it again.
                        services.close()
                        _remove_database_file(Path(location).expanduser())
                        services = open_services()
                        services.backups.migrate_with_backup(None)
                    if services.cases.count() == 0:
                        seed_demo(services, progress=report)
                services.db.optimize()  # the planner's statistics, refreshed where stale
                first_run = services.users.needs_first_run()
                automatic = None if first_run else services.users.automatic_user()
                minutes = services.users.lock_after_minutes()
            except BaseException:
                services.close()
                raise
            return _Opened(services, backup, first_run, automatic, minutes)

        self.window.statusBar().showMessage("Opening the database…")
        self.runner.run(
            work,
            self._opened,
            lambda exc: self._check(opening_error=exc),
            write=True,
            progress=self.window.show_preparing_demo,
        )

    # -- 4. who is working --------------------------------------------------------------------
    def _opened(self, opened: _Opened) -> None:
        services = opened.services
        self.services = services
        self.lock_minutes = opened.lock_minutes
        self.migration_backup = opened.migration_backup
        if opened.first_run and self.demo:
            self._ready(None)  # the demo data opens without accounts: nothing to sign in to
        elif opened.first_run:
            self._first_run(services)
        elif opened.automatic_user is not None:
            self._ready(opened.automatic_user)
        else:
            self._sign_in(services)

    def _first_run(self, services: Services) -> None:
        from privdesk.ui.dialogs.first_run import FirstRunDialog

        def create(username: str, display_name: str, password: str, single_user: bool) -> UserDTO:
            user = services.users.create_administrator(username, display_name, password)
            if single_user:
                services.users.set_single_user(True)
            return user

        dialog = FirstRunDialog(self.runner, create, self.window)
        dialog.created.connect(self._ready)
        dialog.quit_requested.connect(lambda: self.quit(0))
        self._show(dialog)

    def _sign_in(self, services: Services) -> None:
        from privdesk.ui.dialogs.login import LoginDialog

        dialog = LoginDialog(self.runner, services.users.login, self.window, database=self.database_name)
        dialog.signed_in.connect(self._ready)
        dialog.quit_requested.connect(lambda: self.quit(0))
        self._show(dialog)

    # -- 5. ready -----------------------------------------------------------------------------
    def _ready(self, user: UserDTO | None) -> None:
        from privdesk.ui.backups import BackupScheduler
        from privdesk.ui.lock import CHECK_INTERVAL_MS, LockController

        services = self.services
        assert services is not None
        self.dialog = None
        self.user = user
        # Whatever failed while the database was being replaced is old news; from now on a database
        # problem makes the file be checked at once.
        errors.release(errors.DATABASE_PROBLEM)
        errors.dismiss_errors(errors.DATABASE_PROBLEM)
        errors.database_problem_seen = self._database_problem_seen
        self.window.set_services(services)
        if user is not None:
            self.lock = LockController(
                self.window,
                self.runner,
                services.users.unlock,
                user.username,
                self.lock_minutes,
                check_interval_ms=self.lock_check_ms or CHECK_INTERVAL_MS,
            )
            self.lock.quit_requested.connect(lambda: self.quit(0))
            if self.user_label is None:
                self.user_label = QLabel()
                self.user_label.setObjectName("status_user")
                self.user_label.setAccessibleName("Signed in as")
                self.window.statusBar().addPermanentWidget(self.user_label)
            self.user_label.setText(f"Signed in: {user.display_name} ({user.role})")
        if self.is_file:
            self.scheduler = BackupScheduler(
                self.window, self.runner, lambda: self.window.services, self.location
            )
            self.scheduler.start()
        unencrypted_shown = self.window.statusBar().findChild(QLabel, "status_unencrypted") is not None
        if self.is_file and services.unencrypted_file and not unencrypted_shown:
            # Said once and kept in view: fictional demo data may be plain, a firm's cases never silently.
            plain = QLabel(
                "Demo data: not encrypted" if self.demo else "⚠ Not encrypted: use privdesk encrypt-db"
            )
            plain.setObjectName("status_unencrypted")
            plain.setToolTip(
                "This database file is not encrypted: anyone who copies it can read it. The demo's data is "
                "fictional; a database holding real cases should be encrypted (privdesk encrypt-db)."
            )
            self.window.statusBar().addPermanentWidget(plain)
        notes = [self.restore_note] if self.restore_note else []
        self.restore_note = ""
        if self.migration_backup is not None:
            notes.append(
                f"The database was updated; a backup was taken first ({self.migration_backup.path.name})."
            )
        warning = getattr(self.store, "warning", None)
        if isinstance(warning, str) and warning:
            notes.append(warning)
        if notes:
            self.window.statusBar().showMessage(" ".join(notes), 15_000)
        if self.started is not None:
            log.info("start-up: the window was ready %.2f s after launch", time.perf_counter() - self.started)
            self.started = None
        self.ready.emit()
        # After the first screen has its figures: the check reads the whole file and would slow them.
        self.check_timer.start(self.BACKGROUND_CHECK_DELAY_MS)

    # -- restore while running ----------------------------------------------------------------
    def restore_running(self, backup: Path) -> None:
        """Settings > Security > Restore: close the database, restore (verified), then open it again and
        ask who is working (the restored file may have other accounts)."""
        services = self.window.services
        if services is None or not self.is_file:
            return
        self._tear_down()
        errors.hold(errors.DATABASE_PROBLEM)  # reads still under way meet a closed database
        self.window.services = None
        self.window.show_opening()
        self.window.statusBar().showMessage(f"Restoring {backup.name} and checking it…")

        def work() -> Any:
            try:
                return services.backups.restore_over_live(backup, store=self.store)
            finally:
                services.close()

        def restored(result: Any) -> None:
            self.restore_note = _restored_note(backup, result)
            self._unlock()

        def failed(exc: BaseException) -> None:
            from privdesk.ui.errors import show_error

            show_error(self.window, exc)
            self._unlock()  # nothing was replaced: open the database again

        self.runner.run(work, restored, failed, write=True)

    # -- closing ------------------------------------------------------------------------------
    def _show(self, dialog: QWidget) -> None:
        self.dialog = dialog
        self.window.statusBar().clearMessage()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.show()

    def _tear_down(self) -> None:
        self.check_timer.stop()
        if errors.database_problem_seen == self._database_problem_seen:
            errors.database_problem_seen = None
        if self.lock is not None:
            self.lock.stop()
            self.lock.deleteLater()
            self.lock = None
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler.deleteLater()
            self.scheduler = None

    def fail(self, exc: BaseException) -> None:
        """The database cannot be opened: say why and what to do, then quit."""
        _title, what, todo = explain(exc)
        box = QMessageBox(self.window)
        box.setObjectName("open_failed")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("privdesk: cannot open the database")
        box.setText(f"The database {self.window.database_label} could not be opened.\n\n{what}")
        box.setInformativeText(
            todo + "\n\nTo use another database, start privdesk with --db PATH (or set PRIVDESK_DB); "
            "to try privdesk with sample data, start it with --demo."
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.finished.connect(lambda _code: self.quit(2))
        self.dialog = box
        box.open()

    def quit(self, code: int) -> None:
        self.finished.emit(code)

    def before_exit(self) -> None:
        """The window closed: a backup (if the settings ask for one), then stop the timers."""
        if self.scheduler is not None and self.window.services is not None:
            self.scheduler.backup_on_exit()
        self._tear_down()

    def close_unused(self) -> None:
        """Services opened but never handed to the window (quit at the sign-in) are closed here."""
        if self.services is not None and self.window.services is not self.services:
            self.services.close()
        self.services = None


def _restored_note(backup: Path, result: Any) -> str:
    kept = f"; the replaced database is kept as {result.previous.name}" if result.previous else ""
    return f"✓ Restored {backup.name} (checked before it replaced anything){kept}."


def _remove_database_file(path: Path) -> None:
    """The throwaway demo file and its journal files, before the demo is prepared again."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run(target: str | None, *, demo: bool, env_db: str | None, started: float | None = None) -> int:
    app = make_application()
    install_excepthook()
    from privdesk.ui.main_window import MainWindow

    window = MainWindow(database_label=describe_target(target, env_db))
    window.show()
    flow = StartupFlow(window, target, demo=demo, started=started)
    exit_code = {"code": 0}

    def finish(code: int) -> None:
        exit_code["code"] = code
        window.close()
        app.exit(code)

    flow.finished.connect(finish)
    flow.start()
    code = app.exec()
    flow.before_exit()
    window.shutdown()
    flow.close_unused()
    return int(code or exit_code["code"])
