"""IMAP fetching against a real pymap server on loopback (no network)."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.intake import parse_email
from privdesk.intake.imap import ImapAccount, ImapError, ImapSession, fetch_messages
from tests.imap_server import PASSWORD, USER, free_port, pymap_server
from tests.intake.support import DATA


@pytest.fixture(scope="module")
def pymap_port() -> Iterator[int]:
    with pymap_server() as port:
        yield port


@pytest.fixture()
def server(pymap_port: int) -> int:
    """The server with INBOX holding exactly samples 01-04 and an empty 'Imported' folder."""
    conn = imaplib.IMAP4("127.0.0.1", pymap_port)
    conn.login(USER, PASSWORD)
    conn.create("Imported")
    for folder in ("INBOX", "Imported"):
        conn.select(folder)
        conn.store("1:*", "+FLAGS", "(\\Deleted)")
        conn.expunge()
    for path in sorted(Path(DATA).glob("sample-0[1-4].eml")):
        conn.append("INBOX", None, None, path.read_bytes())
    conn.logout()
    return pymap_port


def _account(port: int, **kw: object) -> ImapAccount:
    return ImapAccount(host="127.0.0.1", port=port, tls="none", username=USER, **kw)  # type: ignore[arg-type]


def _flags(port: int, folder: str = "INBOX") -> list[bytes]:
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    conn.select(folder, readonly=True)
    _, data = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    return [d for d in data if isinstance(d, bytes)]


def test_fetch_peeks_then_marks_seen_once(server: int) -> None:
    imported: set[str] = set()
    with ImapSession(_account(server), PASSWORD) as session:
        fetched = list(session.fetch(imported.__contains__, limit=10))
        assert len(fetched) == 4
        assert all(b"\\Seen" not in f for f in _flags(server))  # BODY.PEEK leaves messages unread
        for message in fetched:
            parse_email(message.raw)
            imported.update({message.message_id, message.import_key})
            session.mark_imported(message.uid)
    assert fetched[0].message_id == "<20250203174107.58213.dwhitcomb@smtp.example.com>"
    assert all(b"\\Seen" in f for f in _flags(server))
    again = list(fetch_messages(_account(server), PASSWORD, imported.__contains__, limit=10))
    assert again == []


def test_limit_cancel_and_message_id_dedup(server: int) -> None:
    assert len(list(fetch_messages(_account(server), PASSWORD, lambda key: False, limit=2))) == 2
    assert (
        list(fetch_messages(_account(server), PASSWORD, lambda key: False, limit=10, cancel=lambda: True))
        == []
    )
    known = "<20250203174107.58213.dwhitcomb@smtp.example.com>"
    rest = list(fetch_messages(_account(server), PASSWORD, lambda key: key == known, limit=10))
    assert len(rest) == 3 and known not in {m.message_id for m in rest}


def test_move_after_import(server: int) -> None:
    account = _account(server, after_import="move", move_to="Imported")
    with ImapSession(account, PASSWORD) as session:
        first = next(iter(session.fetch(lambda key: False, limit=1)))
        session.mark_imported(first.uid)
    assert len(_flags(server)) == 3
    assert len(_flags(server, "Imported")) == 1


def test_wrong_password_and_bad_settings(server: int) -> None:
    with pytest.raises(ImapError, match="refused the login"):
        ImapSession(_account(server), "wrong")
    with pytest.raises(ImapError, match="cannot connect"):
        ImapSession(_account(free_port()), PASSWORD)
    with pytest.raises(ImapError.__mro__[1]):
        _account(server, after_import="move")
