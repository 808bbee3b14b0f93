"""Start-up security flow in the desktop app: first run, sign-in, idle lock, passphrase without a keyring,
recovery from a damaged database, backups on exit, and the Security settings tab."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

from privdesk.services import users as users_module
from privdesk.services.hub import Services
from privdesk.services.secrets import Protection, crypto
from privdesk.ui import backups as backup_settings
from privdesk.ui.application import StartupFlow
from privdesk.ui.dialogs.first_run import FirstRunDialog
from privdesk.ui.dialogs.login import LoginDialog
from privdesk.ui.dialogs.passphrase import Need, PassphraseDialog
from privdesk.ui.dialogs.recovery import RecoveryDialog
from privdesk.ui.lock import LockCover
from privdesk.ui.main_window import MainWindow
from tests.conftest import fixed_now

ADMIN_PW = "admin-password-1"
TIMEOUT = 20_000


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PRIVDESK_KDF_FAST", "1")
    users_module._throttle._failures.clear()
    yield
    users_module._throttle._failures.clear()


class Started:
    def __init__(self, qtbot: Any, target: str | None, *, demo: bool = False) -> None:
        self.qtbot = qtbot
        self.window = MainWindow(database_label=target or "default")
        qtbot.addWidget(self.window)
        self.window.show()
        self.flow = StartupFlow(self.window, target, demo=demo, lock_check_ms=50)
        self.exit_codes: list[int] = []
        self.flow.finished.connect(self.exit_codes.append)
        self.flow.start()

    def dialog(self, kind: type) -> Any:
        def shown() -> None:
            assert isinstance(self.flow.dialog, kind), self.flow.dialog

        self.qtbot.waitUntil(shown, timeout=TIMEOUT)
        return self.flow.dialog

    def wait_ready(self) -> Services:
        self.qtbot.waitUntil(lambda: self.window.services is not None, timeout=TIMEOUT)
        services = self.window.services
        assert services is not None
        services.ctx.now = fixed_now
        return services

    def close(self) -> None:
        self.window.runner.wait()
        self.qtbot.waitUntil(lambda: self.window.runner.running == 0, timeout=TIMEOUT)
        self.flow._tear_down()
        self.window.shutdown()
        self.flow.close_unused()


def first_run(started: Started, username: str = "boss", *, single_user: bool = False) -> None:
    dialog = started.dialog(FirstRunDialog)
    dialog.username.setText(username)
    dialog.display_name.setText("The Boss")
    dialog.password.setText(ADMIN_PW)
    dialog.again.setText("not the same password")
    dialog.accept()
    assert "differ" in dialog.message.text()
    dialog.again.setText(ADMIN_PW)
    if single_user:
        dialog.solo.setChecked(True)
    dialog.accept()


def sign_in(qtbot: Any, dialog: LoginDialog, password: str, username: str | None = None) -> None:
    if username is not None:
        dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)


def test_first_run_then_sign_in_then_idle_lock_and_unlock(qtbot: Any, tmp_path: Path) -> None:
    db = tmp_path / "firm.db"
    started = Started(qtbot, str(db))
    first_run(started)
    services = started.wait_ready()
    assert crypto.protection_of(db) is Protection.KEYRING  # the desktop encrypts new databases
    assert services.ctx.actor == "boss"
    assert [u.username for u in services.users.list()] == ["boss"]
    assert not services.users.single_user()

    lock = started.flow.lock
    assert lock is not None
    lock.idle_seconds = 0.2
    qtbot.waitUntil(lambda: lock.locked, timeout=TIMEOUT)
    covers = started.window.findChildren(LockCover)
    assert covers and all(c.isVisible() for c in covers)
    assert covers[0].geometry() == started.window.rect()
    unlock = lock.dialog
    assert unlock is not None and unlock.username.isReadOnly() and unlock.username.text() == "boss"
    unlock.reject()  # Escape does not get past the lock
    assert lock.locked and unlock.isVisible()
    sign_in(qtbot, unlock, "wrong password!")
    qtbot.waitUntil(lambda: "wrong user name or password" in unlock.message.text().lower(), timeout=TIMEOUT)
    assert lock.locked
    sign_in(qtbot, unlock, ADMIN_PW)
    qtbot.waitUntil(lambda: not lock.locked, timeout=TIMEOUT)
    assert not any(c.isVisible() for c in started.window.findChildren(LockCover))
    started.close()

    again = Started(qtbot, str(db))
    dialog = again.dialog(LoginDialog)
    sign_in(qtbot, dialog, ADMIN_PW, "boss")
    services = again.wait_ready()
    assert services.ctx.actor == "boss"
    actions = [(e.action, e.actor) for e in services.audit.entries()]
    assert ("user.create", "boss") in actions and actions.count(("user.login", "boss")) == 2
    again.close()


def test_wrong_passwords_are_throttled_with_the_seconds_to_wait(qtbot: Any, tmp_path: Path) -> None:
    db = tmp_path / "firm.db"
    svc = Services.open(str(db), encrypt=True)
    svc.users.create_administrator("boss", "Boss", ADMIN_PW)
    svc.close()
    started = Started(qtbot, str(db))
    dialog = started.dialog(LoginDialog)
    for attempt in range(3):
        sign_in(qtbot, dialog, f"guess number {attempt}", "boss")
        qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=TIMEOUT)
    sign_in(qtbot, dialog, ADMIN_PW, "boss")
    qtbot.waitUntil(lambda: "Too many failed attempts: wait" in dialog.message.text(), timeout=TIMEOUT)
    assert "second" in dialog.message.text()
    assert not dialog.submit_button.isEnabled()
    assert started.window.services is None
    qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=TIMEOUT)
    sign_in(qtbot, dialog, ADMIN_PW, "boss")
    started.wait_ready()
    started.close()


def test_without_a_keyring_a_passphrase_is_asked_and_why(qtbot: Any, tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())  # the autouse memory keyring is put back afterwards
    db = tmp_path / "firm.db"
    started = Started(qtbot, str(db))
    dialog = started.dialog(PassphraseDialog)
    assert dialog.need is Need.NEW_PASSPHRASE
    intro = " ".join(label.text() for label in dialog.findChildren(type(dialog.message)))
    assert "No working keyring" in intro and "keyring is missing" in intro
    dialog.secret.setText("correct horse battery")
    dialog.again.setText("correct horse battery")
    dialog.accept()
    first_run(started, single_user=True)
    services = started.wait_ready()
    assert crypto.protection_of(db) is Protection.PASSPHRASE
    assert services.users.single_user()
    started.close()

    again = Started(qtbot, str(db))
    dialog = again.dialog(PassphraseDialog)
    assert dialog.need is Need.PASSPHRASE
    dialog.secret.setText("wrong horse battery")
    dialog.accept()
    qtbot.waitUntil(
        lambda: isinstance(again.flow.dialog, PassphraseDialog) and again.flow.dialog is not dialog,
        timeout=TIMEOUT,
    )
    retry = again.flow.dialog
    assert isinstance(retry, PassphraseDialog) and "does not open" in retry.message.text()
    retry.secret.setText("correct horse battery")
    retry.accept()
    services = again.wait_ready()  # single-user mode: no sign-in
    assert services.ctx.actor == "boss" and again.flow.lock is not None
    again.close()


def damage(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 100 : offset + 400] = b"\x5a" * 300
    db.write_bytes(bytes(data))


def test_a_damaged_database_offers_the_latest_backup(qtbot: Any, tmp_path: Path) -> None:
    from privdesk.paths import resource

    db = tmp_path / "firm.db"
    folder = tmp_path / "backups"
    backup_settings.set_backup_folder(folder)
    svc = Services.open(str(db), encrypt=True, now=fixed_now)
    svc.organizations.import_profile_file(resource("demo", "mstis.toml"))
    backup = svc.backups.backup(folder)
    svc.close()
    crypto.remove_sidecars(db)
    damage(db)

    started = Started(qtbot, str(db))
    dialog = started.dialog(RecoveryDialog)
    assert backup.path.name in dialog.restore_latest.text() and dialog.restore_latest.isEnabled()
    qtbot.mouseClick(dialog.restore_latest, Qt.MouseButton.LeftButton)
    first_run(started)
    services = started.wait_ready()
    assert [o.slug for o in services.organizations.list()] == ["mstis"]
    kept = list(tmp_path.glob("firm.db.before-restore-*"))
    assert len(kept) == 1  # the damaged file is kept aside
    started.close()


def test_quitting_at_the_recovery_dialog_changes_nothing(qtbot: Any, tmp_path: Path) -> None:
    db = tmp_path / "firm.db"
    Services.open(str(db), encrypt=True).close()
    crypto.remove_sidecars(db)
    damage(db)
    before = db.read_bytes()
    started = Started(qtbot, str(db))
    dialog = started.dialog(RecoveryDialog)
    assert not dialog.restore_latest.isEnabled()  # no backup was found
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert started.exit_codes == [1]
    assert db.read_bytes() == before
    started.close()


def test_demo_opens_without_accounts_and_backs_up_on_exit(
    qtbot: Any, tmp_path: Path, demo_template: Path
) -> None:
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    folder = tmp_path / "exit-backups"
    backup_settings.set_backup_folder(folder)
    backup_settings.set_schedule("off")
    started = Started(qtbot, str(db), demo=True)
    services = started.wait_ready()
    assert services.users.needs_first_run() and started.flow.lock is None
    assert started.flow.dialog is None
    from PySide6.QtWidgets import QLabel

    plain = started.window.statusBar().findChild(QLabel, "status_unencrypted")
    assert plain is not None and plain.text() == "Demo data: not encrypted"
    started.window.runner.wait()
    assert not list(folder.glob("privdesk-*.db"))  # the schedule is off
    started.flow.before_exit()
    backups = list(folder.glob("privdesk-*.db"))
    assert len(backups) == 1
    from PySide6.QtWidgets import QApplication, QProgressDialog

    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
    started.close()


def test_scheduled_backup_is_taken_when_due(
    qtbot: Any, tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_settings.BackupScheduler, "FIRST_CHECK_MS", 100)
    db = tmp_path / "demo.db"
    shutil.copy(demo_template, db)
    folder = tmp_path / "scheduled"
    backup_settings.set_backup_folder(folder)
    backup_settings.set_schedule("daily")
    started = Started(qtbot, str(db), demo=True)
    started.wait_ready()
    qtbot.waitUntil(lambda: len(list(folder.glob("privdesk-*.db"))) == 1, timeout=TIMEOUT)
    scheduler = started.flow.scheduler
    assert scheduler is not None
    qtbot.waitUntil(lambda: not scheduler.running, timeout=TIMEOUT)
    scheduler.check()  # the newest backup is fresh: nothing more
    started.window.runner.wait()
    qtbot.waitUntil(lambda: not scheduler.running, timeout=TIMEOUT)
    assert len(list(folder.glob("privdesk-*.db"))) == 1
    started.close()


def test_security_settings_tab(
    qtbot: Any, empty_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.ui.pages import settings_security

    services = empty_window.services
    assert services is not None
    if not services.backups.supported():
        pytest.skip("backups of a server database are pg_dump's job")
    folder = tmp_path / "tab-backups"
    backup_settings.set_backup_folder(folder)
    empty_window.go("settings")
    page = empty_window.pages["settings"]
    tabs = page.tabs  # type: ignore[attr-defined]
    tab = next(tabs.widget(i) for i in range(tabs.count()) if tabs.tabText(i) == "Security")
    tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.folder.text() == str(folder), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "No accounts yet" in tab.users_note.text(), timeout=TIMEOUT)

    answers = iter(
        [("boss", "The Boss", "officer", ADMIN_PW), ("olga", "Olga Officer", "officer", "officer-pass-1")]
    )
    monkeypatch.setattr(settings_security.UserDialog, "ask", classmethod(lambda cls, parent: next(answers)))
    qtbot.mouseClick(tab.add_user_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.user_table.rowCount() == 1, timeout=TIMEOUT)
    assert tab.user_table.item(0, 2).text() == "administrator"  # the first account administers
    assert services.ctx.actor == "boss"
    qtbot.mouseClick(tab.add_user_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.user_table.rowCount() == 2, timeout=TIMEOUT)

    tab.user_table.selectRow(1)
    monkeypatch.setattr(settings_security.RoleDialog, "ask", classmethod(lambda cls, p, u, c: "reviewer"))
    qtbot.mouseClick(tab.role_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.user_table.item(1, 2).text() == "reviewer", timeout=TIMEOUT)
    tab.user_table.selectRow(1)
    qtbot.mouseClick(tab.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.user_table.item(1, 3).text() == "disabled", timeout=TIMEOUT)
    tab.user_table.selectRow(1)
    monkeypatch.setattr(
        settings_security.PasswordDialog, "ask", classmethod(lambda cls, p, u: "a-new-password")
    )
    qtbot.mouseClick(tab.password_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "was reset" in tab.users_note.text(), timeout=TIMEOUT)

    tab.lock_minutes.setValue(3)
    qtbot.mouseClick(tab.lock_apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "after 3 minutes" in tab.users_note.text(), timeout=TIMEOUT)
    assert services.users.lock_after_minutes() == 3

    tab.schedule.setCurrentIndex(tab.schedule.findData("weekly"))
    assert backup_settings.schedule() == "weekly"
    tab.on_exit.setChecked(False)
    assert not backup_settings.on_exit()
    qtbot.mouseClick(tab.backup_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.backup_table.rowCount() == 1, timeout=TIMEOUT)
    assert "verified" in tab.backup_status.text()
    assert tab.backup_table.item(0, 0).text().startswith("privdesk-")
    tab.backup_table.selectRow(0)
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)  # no start-up flow in this window
    assert "privdesk restore" in tab.backup_status.text()
    audit = [(e.action, e.actor) for e in services.audit.entries()]
    assert ("user.role", "boss") in audit and ("setting.change", "boss") in audit


def test_restore_from_settings_while_running(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.paths import resource
    from privdesk.ui.pages import settings_security

    db = tmp_path / "firm.db"
    folder = tmp_path / "backups"
    backup_settings.set_backup_folder(folder)
    backup_settings.set_schedule("off")
    started = Started(qtbot, str(db))
    first_run(started, single_user=True)
    services = started.wait_ready()
    services.backups.backup(folder)
    services.organizations.import_profile_file(resource("demo", "mstis.toml"))  # after the backup
    started.window.go("settings")
    tabs = started.window.pages["settings"].tabs  # type: ignore[attr-defined]
    tab = next(tabs.widget(i) for i in range(tabs.count()) if tabs.tabText(i) == "Security")
    tab.refresh()
    qtbot.waitUntil(lambda: tab.backup_table.rowCount() == 1, timeout=TIMEOUT)
    tab.backup_table.selectRow(0)
    monkeypatch.setattr(settings_security, "confirm_restore", lambda parent, name: True)
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: started.window.services is not None and started.window.services is not services,
        timeout=TIMEOUT,
    )
    restored = started.window.services
    assert restored is not None
    assert restored.organizations.list() == []  # back to the state of the backup
    assert restored.ctx.actor == "boss"  # single-user mode again, from the restored file
    assert list(tmp_path.glob("firm.db.before-restore-*"))
    started.close()


def test_an_officer_changes_their_own_password(
    qtbot: Any, empty_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.ui.pages import settings_security

    services = empty_window.services
    assert services is not None
    services.users.create_administrator("boss", "The Boss", ADMIN_PW)
    services.users.create_user("olga", "Olga Officer", "officer", "officer-pass-1")
    services.users.login("olga", "officer-pass-1")
    empty_window.go("settings")
    page = empty_window.pages["settings"]
    tabs = page.tabs  # type: ignore[attr-defined]
    tab = next(tabs.widget(i) for i in range(tabs.count()) if tabs.tabText(i) == "Security")
    tabs.setCurrentWidget(tab)
    tab.refresh()
    qtbot.waitUntil(lambda: "Only an administrator" in tab.users_note.text(), timeout=TIMEOUT)
    assert tab.own_password_button.isEnabled()
    assert not tab.add_user_button.isEnabled()  # an officer administers nothing

    typed: list[str] = []

    def fill(cls: Any, parent: Any, username: str) -> Any:
        dialog = cls(parent, username)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.current, typed.pop(0))
        qtbot.keyClicks(dialog.password, "olgas-own-new-pass")
        qtbot.keyClicks(dialog.again, "olgas-own-new-pass")
        assert dialog.problem() == ""
        return dialog.current.text(), dialog.password.text()

    monkeypatch.setattr(settings_security.OwnPasswordDialog, "ask", classmethod(fill))
    shown: list[str] = []
    monkeypatch.setattr(settings_security, "show_error", lambda parent, exc: shown.append(str(exc)))
    typed.append("not-my-password")
    qtbot.mouseClick(tab.own_password_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
    assert "current password is wrong" in shown[0]
    typed.append("officer-pass-1")
    qtbot.mouseClick(tab.own_password_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Your password is changed" in tab.users_note.text(), timeout=TIMEOUT)
    assert services.users.authenticate("olga", "olgas-own-new-pass").username == "olga"
