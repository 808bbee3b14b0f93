"""The organization's IMAP mailbox, against a real pymap server on loopback (no network)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from privdesk.domain.errors import ValidationError
from privdesk.services.hub import Services
from privdesk.store.models import ImportedMessage, IntakeItem
from tests.conftest import MemoryKeyring
from tests.imap_server import PASSWORD, USER, connect, free_port, pymap_server
from tests.intake_service.support import DATA


@pytest.fixture(scope="module")
def pymap_port() -> Iterator[int]:
    with pymap_server() as port:
        yield port


@pytest.fixture()
def server(pymap_port: int) -> int:
    """INBOX holding samples 01-03, a malformed message, and sample 01 again (same Message-ID)."""
    conn = connect(pymap_port)
    conn.create("Imported")
    for folder in ("INBOX", "Imported"):
        conn.select(folder)
        conn.store("1:*", "+FLAGS", "(\\Deleted)")
        conn.expunge()
    for path in sorted(Path(DATA).glob("sample-0[1-3].eml")):
        conn.append("INBOX", None, None, path.read_bytes())
    conn.append("INBOX", None, None, b"Subject: broken\r\nFrom: x\r\nTo")
    conn.append("INBOX", None, None, (DATA / "sample-01.eml").read_bytes())
    conn.logout()
    return pymap_port


def _flags(port: int, folder: str = "INBOX") -> list[bytes]:
    conn = connect(port)
    conn.select(folder, readonly=True)
    _, data = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    return [d for d in data if isinstance(d, bytes)]


def test_password_goes_to_the_keyring_only(
    inbox: Services, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    box = inbox.intake.configure_mailbox("mstis", "127.0.0.1", 993, "ssl", "privacy", "s3cret-Passw0rd")
    assert box.password_kept and box.organization == "mstis"
    assert "s3cret-Passw0rd" in memory_keyring._store.values()
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert b"s3cret-Passw0rd" not in file.read_bytes(), file.name
    again = inbox.intake.configure_mailbox(
        "mstis", "imap.example", 993, "ssl", "privacy", None, interval_minutes=15
    )
    assert again.id == box.id and again.password_kept and again.interval_minutes == 15
    with pytest.raises(ValidationError):
        inbox.intake.configure_mailbox(
            "mstis", "imap.example", 993, "ssl", "privacy", "x", after_import="move"
        )


def test_fetch_imports_each_message_once_then_marks_it(inbox: Services, server: int) -> None:
    box = inbox.intake.configure_mailbox("mstis", "127.0.0.1", server, "none", USER, PASSWORD)
    progress: list[int] = []
    report = inbox.intake.fetch_mailbox(box.id, progress=lambda done, total: progress.append(done))
    assert sorted(r.file for r in report.imported) == sorted({r.file for r in report.imported})
    assert len(report.imported) == 3 and len(report.failed) == 1
    assert "truncated" in report.failed[0].error or "email" in report.failed[0].error
    assert progress == [1, 2, 3, 4]  # the duplicate of sample 01 is skipped by its Message-ID
    assert all(r.organization == "mstis" for r in report.imported)
    flags = _flags(server)
    assert sum(b"\\Seen" in f for f in flags) == 3  # the bad one and the duplicate stay unread
    with inbox.db.read() as s:
        rows = s.scalars(select(ImportedMessage)).all()
        assert sorted((r.imported, r.failures) for r in rows) == [(False, 1), (True, 0), (True, 0), (True, 0)]
        assert len(s.scalars(select(IntakeItem)).all()) == 3

    second = inbox.intake.fetch_mailbox(box.id)
    assert second.imported == [] and len(second.failed) == 1  # only the unreadable one is retried
    with inbox.db.read() as s:
        assert len(s.scalars(select(IntakeItem)).all()) == 3


def test_a_message_that_keeps_failing_is_set_aside_and_never_blocks_later_mail(
    inbox: Services, server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any exception while reading one message (here a defect raising LookupError, as an unknown
    codec once did) costs that message alone; after three failing fetches it is set aside."""
    import privdesk.services.intake.files as intake_service

    real_detect = intake_service.detect

    def failing_detect(parsed, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "Direct Marketing" in getattr(parsed, "subject", ""):
            raise LookupError("unknown encoding: zlib")
        return real_detect(parsed, *args, **kwargs)

    monkeypatch.setattr(intake_service, "detect", failing_detect)
    box = inbox.intake.configure_mailbox("mstis", "127.0.0.1", server, "none", USER, PASSWORD)
    first = inbox.intake.fetch_mailbox(box.id)
    assert len(first.imported) == 2 and len(first.failed) == 2  # sample 03 and the truncated one
    assert any("could not be analysed (LookupError)" in f.error for f in first.failed)
    for _ in range(2):
        assert len(inbox.intake.fetch_mailbox(box.id).failed) == 2
    assert len(inbox.intake.pending()) == 2  # samples 01 and 02: later mail got through
    set_aside = inbox.intake.set_aside_messages(box.id)
    assert len(set_aside) == 2 and all(f.error for f in set_aside)
    last = inbox.intake.fetch_mailbox(box.id)
    assert last.failed == [] and last.imported == []  # set aside: not fetched again


def test_move_after_import_and_cancel(inbox: Services, server: int) -> None:
    inbox.intake.import_email_bytes((DATA / "sample-02.eml").read_bytes(), "sample-02.eml")  # already in
    box = inbox.intake.configure_mailbox(
        "mstis", "127.0.0.1", server, "none", USER, PASSWORD, after_import="move", move_to="Imported"
    )
    assert inbox.intake.fetch_mailbox(box.id, cancelled=lambda: True).cancelled
    report = inbox.intake.fetch_mailbox(box.id, limit=1)
    assert len(report.imported) == 1 and len(_flags(server, "Imported")) == 1
    report = inbox.intake.fetch_mailbox(box.id)
    assert [r.file for r in report.imported] == [report.imported[0].file]  # sample 03 only
    assert len(_flags(server, "Imported")) == 2


def test_fetch_without_password_or_server(inbox: Services, memory_keyring: MemoryKeyring) -> None:
    box = inbox.intake.configure_mailbox("coverys", "127.0.0.1", free_port(), "none", USER, PASSWORD)
    with pytest.raises(ValidationError, match="cannot connect"):
        inbox.intake.fetch_mailbox(box.id)
    memory_keyring._store.clear()
    with pytest.raises(ValidationError, match="no password"):
        inbox.intake.fetch_mailbox(box.id)


def test_check_mailbox_logs_in_without_importing(inbox: Services, server: int) -> None:
    assert inbox.intake.check_mailbox("mstis", "127.0.0.1", server, "none", USER, PASSWORD) == 5
    with pytest.raises(ValidationError, match="refused the login"):
        inbox.intake.check_mailbox("mstis", "127.0.0.1", server, "none", USER, "wrong")
    with pytest.raises(ValidationError, match="enter the mailbox password"):
        inbox.intake.check_mailbox("mstis", "127.0.0.1", server, "none", USER, None)
    inbox.intake.configure_mailbox("mstis", "127.0.0.1", server, "none", USER, PASSWORD)
    assert inbox.intake.check_mailbox("mstis", "127.0.0.1", server, "none", USER, None) == 5
    assert inbox.intake.pending() == [] and _flags(server) and all(b"\\Seen" not in f for f in _flags(server))


def test_mailbox_configure_command_reads_the_password_from_stdin(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.intake_service.test_cli_import import _database_with_organizations, cli

    db = _database_with_organizations(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-Passw0rd\n"))
    code, box, _ = cli(
        "--db", db, "mailbox", "configure", "mstis", "--host", "imap.example", "--user", "privacy",
        "--starttls", "--every", "15", "--move-to", "Done", "--password-stdin", "--json",
    )  # fmt: skip
    assert code == 0
    assert (box["port"], box["tls"], box["interval_minutes"]) == (143, "starttls", 15)
    assert (box["after_import"], box["move_to"], box["password_kept"]) == ("move", "Done", True)
    assert "s3cret-Passw0rd" in memory_keyring._store.values()
    assert all(b"s3cret-Passw0rd" not in f.read_bytes() for f in tmp_path.rglob("*") if f.is_file())
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, nothing typed: keep the password
    code, text, _ = cli("--db", db, "mailbox", "configure", "mstis", "--host", "imap.example", "--user", "p")
    assert code == 0 and "password kept" in text and ":993/INBOX" in text


def test_mailbox_numbers_beyond_a_signed_32_bit_integer_are_kept(inbox: Services) -> None:
    """IMAP's UIDVALIDITY and UID run to 4,294,967,295; a server's random UIDVALIDITY above 2**31 once
    made every message of a fetch fail on PostgreSQL ("integer out of range")."""
    box = inbox.intake.configure_mailbox("mstis", "imap.example", 993, "ssl", "privacy", "pw")
    largest = 2**32 - 1
    inbox.intake._remember_uid(box.id, largest, largest)
    inbox.intake._remember_uid(box.id, 2_196_891_445, 105)
    from sqlalchemy import select

    from privdesk.store.models import ImportedMessage

    with inbox.ctx.db.read() as s:
        kept = {tuple(row) for row in s.execute(select(ImportedMessage.uidvalidity, ImportedMessage.uid))}
    assert kept == {(largest, largest), (2_196_891_445, 105)}
