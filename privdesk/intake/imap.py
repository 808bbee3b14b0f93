"""Fetch new messages from an IMAP mailbox with the standard library, each message imported once.

Messages are read with BODY.PEEK so nothing is marked seen until the caller has stored the message
and calls ``ImapSession.mark_imported(uid)``; only then is it marked seen or moved, as configured.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from privdesk.domain.errors import ValidationError

TlsMode = Literal["ssl", "starttls", "none"]
AfterImport = Literal["mark_seen", "move", "leave"]
_TIMEOUT_SECONDS = 30
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    tls: TlsMode
    username: str
    folder: str = "INBOX"
    after_import: AfterImport = "mark_seen"
    move_to: str | None = None

    def __post_init__(self) -> None:
        if self.tls not in ("ssl", "starttls", "none"):
            raise ValidationError(f"unknown TLS mode '{self.tls}' (use ssl, starttls or none)")
        if self.after_import not in ("mark_seen", "move", "leave"):
            raise ValidationError(f"unknown after-import action '{self.after_import}'")
        if self.after_import == "move" and not self.move_to:
            raise ValidationError("moving imported messages needs a destination folder")
        if not 0 < self.port < 65536:
            raise ValidationError(f"port {self.port} is out of range")


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    uid_validity: int
    message_id: str
    raw: bytes

    @property
    def import_key(self) -> str:
        """Identifies the message in this folder even when it has no Message-ID."""
        return f"uid:{self.uid_validity}:{self.uid}"


class ImapError(ValidationError):
    """The server refused a step or could not be reached; the message says which."""


class ImapSession:
    """An open, selected mailbox. Use as a context manager; ``fetch`` yields, ``mark_imported`` confirms."""

    def __init__(self, account: ImapAccount, password: str) -> None:
        self.account = account
        self._conn = _connect(account)
        try:
            _ok(self._conn.login(account.username, password), "login")
        except imaplib.IMAP4.error as exc:
            self._conn.shutdown()
            raise ImapError(f"the IMAP server refused the login for '{account.username}'") from exc
        status, data = self._conn.select(_quote(account.folder))
        _ok((status, data), f"open folder '{account.folder}'")
        self.message_count = _count(data)
        self.uid_validity = self._uid_validity()

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._conn.close()
            self._conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def _uid_validity(self) -> int:
        response = self._conn.response("UIDVALIDITY")[1]
        try:
            return int(response[0]) if response and response[0] else 0
        except (TypeError, ValueError):
            return 0

    def fetch(
        self,
        already_imported: Callable[[str], bool],
        limit: int,
        cancel: Callable[[], bool] | None = None,
    ) -> Iterator[FetchedMessage]:
        """Messages not yet imported (by Message-ID or UIDVALIDITY+UID), oldest first, at most ``limit``."""
        status, data = self._conn.uid("SEARCH", "ALL")
        _ok((status, data), "list messages")
        uids = [int(u) for u in (data[0] or b"").split()]
        yielded = 0
        for uid in uids:
            if yielded >= limit or (cancel and cancel()):
                return
            key = f"uid:{self.uid_validity}:{uid}"
            if already_imported(key):
                continue
            raw = self._fetch_raw(uid)
            if raw is None:
                continue
            message_id = _message_id(raw)
            if message_id and already_imported(message_id):
                continue
            yielded += 1
            yield FetchedMessage(uid=uid, uid_validity=self.uid_validity, message_id=message_id, raw=raw)

    def _fetch_raw(self, uid: int) -> bytes | None:
        status, data = self._conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
        _ok((status, data), f"fetch message {uid}")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        return None  # deleted meanwhile

    def mark_imported(self, uid: int) -> None:
        """After the caller stored message ``uid``: mark it seen, move it, or leave it, as configured."""
        action = self.account.after_import
        if action == "leave":
            return
        if action == "mark_seen":
            _ok(self._conn.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), f"mark message {uid} seen")
            return
        destination = _quote(self.account.move_to or "")
        if b"MOVE" in b" ".join(self._capabilities()):
            _ok(self._conn.uid("MOVE", str(uid), destination), f"move message {uid}")
            return
        _ok(self._conn.uid("COPY", str(uid), destination), f"copy message {uid}")
        _ok(self._conn.uid("STORE", str(uid), "+FLAGS", "(\\Deleted \\Seen)"), f"flag message {uid}")
        self._conn.expunge()

    def _capabilities(self) -> list[bytes]:
        caps = self._conn.capabilities
        return [c.encode() if isinstance(c, str) else c for c in caps]


def fetch_messages(
    account: ImapAccount,
    password: str,
    already_imported: Callable[[str], bool],
    limit: int,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[FetchedMessage]:
    """Open a session, yield new messages, close. To confirm imports use ``ImapSession`` directly."""
    with ImapSession(account, password) as session:
        yield from session.fetch(already_imported, limit, cancel)


def _connect(account: ImapAccount) -> imaplib.IMAP4:
    try:
        if account.tls == "ssl":
            return imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=ssl.create_default_context(), timeout=_TIMEOUT_SECONDS
            )
        conn = imaplib.IMAP4(account.host, account.port, timeout=_TIMEOUT_SECONDS)
        if account.tls == "starttls":
            conn.starttls(ssl_context=ssl.create_default_context())
        return conn
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        raise ImapError(f"cannot connect to {account.host}:{account.port} ({type(exc).__name__})") from exc


def _ok(result: tuple[str, object], step: str) -> None:
    status = result[0]
    if status != "OK":
        raise ImapError(f"the IMAP server refused to {step} ({status})")


def _count(data: object) -> int:
    """The EXISTS count a SELECT answers with."""
    try:
        first = data[0] if isinstance(data, list) and data else b"0"
        return int(first) if isinstance(first, bytes | str) else 0
    except ValueError:
        return 0


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _message_id(raw: bytes) -> str:
    header_end = re.search(rb"\r?\n\r?\n", raw)
    match = _MESSAGE_ID.search(raw[: header_end.start() if header_end else len(raw)])
    if not match:
        return ""
    return " ".join(match.group(1).decode("ascii", errors="replace").split())
