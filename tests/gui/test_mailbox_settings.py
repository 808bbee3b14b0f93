"""Settings > Mailboxes and the scheduled fetch, against a real pymap server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages.inbox import InboxPage
from privdesk.ui.pages.settings_mailboxes import MailboxSettings
from tests.conftest import MemoryKeyring
from tests.imap_server import PASSWORD, USER, connect, pymap_server

INTAKE = Path(__file__).resolve().parents[1] / "data" / "intake"


@pytest.fixture(scope="module")
def pymap_port() -> Iterator[int]:
    with pymap_server() as port:
        yield port


@pytest.fixture()
def server(pymap_port: int) -> int:
    """INBOX holding samples 01-03 and nothing else."""
    conn = connect(pymap_port)
    conn.select("INBOX")
    conn.store("1:*", "+FLAGS", "(\\Deleted)")
    conn.expunge()
    for path in sorted(INTAKE.glob("sample-0[1-3].eml")):
        conn.append("INBOX", None, None, path.read_bytes())
    conn.logout()
    return pymap_port


def unseen(port: int) -> int:
    conn = connect(port)
    conn.select("INBOX", readonly=True)
    _, data = conn.search(None, "UNSEEN")
    conn.logout()
    return len((data[0] or b"").split())


def idle(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=15_000)


def mailbox_tab(qtbot: Any, window: MainWindow) -> MailboxSettings:
    window.go("settings")
    tab = window.pages["settings"].findChild(MailboxSettings)
    assert tab is not None
    qtbot.waitUntil(lambda: tab.organization.findData("mstis") >= 0, timeout=15_000)
    idle(qtbot, window)
    return tab


def test_the_mailbox_tab_saves_to_the_keyring_tests_the_connection_and_fetches(
    qtbot: Any, window: MainWindow, server: int, memory_keyring: MemoryKeyring
) -> None:
    tab = mailbox_tab(qtbot, window)
    tab.organization.setCurrentIndex(tab.organization.findData("mstis"))
    assert not tab.fetch_button.isEnabled()  # nothing to fetch before the mailbox is saved
    qtbot.keyClicks(tab.host, "127.0.0.1")
    tab.security.setCurrentIndex(tab.security.findData("none"))
    tab.port.setValue(server)
    qtbot.keyClicks(tab.username, USER)
    qtbot.keyClicks(tab.password, "wrong")
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused the login" in tab.result.text(), timeout=15_000)
    tab.password.clear()
    qtbot.keyClicks(tab.password, PASSWORD)
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connected: INBOX holds 3 messages" in tab.result.text(), timeout=15_000)
    tab.interval.setValue(10)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.result.text().startswith("✓ Saved"), timeout=15_000)
    assert "every 10 min" in tab.result.text()
    # The password went to the keyring and is never shown back.
    assert tab.password.text() == "" and "keyring" in tab.password.placeholderText()
    assert PASSWORD in memory_keyring._store.values()
    services = window.services
    assert services is not None
    (box,) = services.intake.mailboxes()
    assert (box.organization, box.port, box.tls, box.interval_minutes) == ("mstis", server, "none", 10)
    # Testing again uses the kept password.
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Connected" in tab.result.text(), timeout=15_000)

    assert tab.fetch_button.isEnabled()
    qtbot.mouseClick(tab.fetch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "3 new" in tab.result.text(), timeout=30_000)
    idle(qtbot, window)
    assert len(services.intake.pending()) == 3 and unseen(server) == 0


def test_scheduled_fetch_imports_new_messages_exactly_once_without_dialogs(
    qtbot: Any, window: MainWindow, server: int
) -> None:
    services = window.services
    assert services is not None
    box = services.intake.configure_mailbox(
        "mstis", "127.0.0.1", server, "none", USER, PASSWORD, interval_minutes=5
    )
    # A second organization whose server refuses the login: a status line, not a dialog per attempt.
    services.intake.configure_mailbox(
        "coverys", "127.0.0.1", server, "none", USER, "nope", interval_minutes=5
    )
    window.go("inbox")
    inbox = window.pages["inbox"]
    assert isinstance(inbox, InboxPage)
    scheduler = inbox.scheduler
    now = [1000.0]
    scheduler.clock = lambda: now[0]
    scheduler.TICK_MS = scheduler.FIRST_TICK_MS = 50
    scheduler.start()
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 3, timeout=30_000)
    qtbot.waitUntil(lambda: "Last fetched" in inbox.mail_status.text(), timeout=15_000)
    status = inbox.mail_status.text()
    assert "3 new" in status and "coverys" in status and "refused the login" in status

    # Within the interval, further ticks fetch nothing.
    runs = dict(scheduler.last_run)
    qtbot.wait(400)
    assert scheduler.last_run == runs

    # A new message arrives; once the interval has passed it is imported, and the old ones are not again.
    conn = connect(server)
    conn.append("INBOX", None, None, (INTAKE / "sample-04.eml").read_bytes())
    conn.logout()
    now[0] += 5 * 60
    qtbot.waitUntil(lambda: inbox.items.rowCount() == 4, timeout=30_000)
    qtbot.waitUntil(lambda: "1 new" in inbox.mail_status.text(), timeout=15_000)
    now[0] += 5 * 60
    qtbot.waitUntil(lambda: scheduler.last_run[box.id] == now[0], timeout=30_000)
    scheduler.stop()
    idle(qtbot, window)
    assert "0 new" in inbox.mail_status.text()
    assert len(services.intake.pending()) == 4 and unseen(server) == 0
