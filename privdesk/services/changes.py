"""Noticing another workstation's change without a restart.

``ChangeWatcher(db).poll()`` answers "has anything been committed since I last asked?" cheaply enough
to call from a timer (in a worker thread, never the GUI thread):

- SQLite: ``PRAGMA data_version`` on a connection the watcher keeps; it moves whenever another
  connection commits to the file.
- PostgreSQL: ``LISTEN privdesk_changes`` on a connection of its own; writers send ``NOTIFY`` inside
  their transaction (delivered only when it commits) through ``notify_change``. Because a writer that
  does not notify (an older privdesk, a script) must not go unnoticed, the audit head is compared too:
  every service write appends to the audit trail.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from privdesk.store.engine import Database
from privdesk.store.models import AuditHead

CHANNEL = "privdesk_changes"
_PENDING = "privdesk_change_pending"
_SENDING = "privdesk_change_sending"
NOTIFY_GRACE_SECONDS = 0.05


def notify_change(session: Session, payload: str = "") -> None:
    """Queue a notification that is sent when ``session`` commits (nothing on SQLite)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


_installed = threading.Lock()
_is_installed = False


def install_change_notifications() -> None:
    """Make every PostgreSQL session that wrote something notify on commit (idempotent, process-wide)."""
    global _is_installed
    with _installed:
        if _is_installed:
            return
        event.listen(Session, "after_flush", _mark_written)
        event.listen(Session, "do_orm_execute", _mark_statement)
        event.listen(Session, "before_commit", _notify_if_written)
        _is_installed = True


def _mark_written(session: Session, _flush_context: Any) -> None:
    session.info[_PENDING] = True


def _mark_statement(state: ORMExecuteState) -> None:
    # Bulk UPDATE/DELETE and plain SQL written through the session change rows without a flush.
    if not state.is_select and not state.session.info.get(_SENDING):
        state.session.info[_PENDING] = True


def _notify_if_written(session: Session) -> None:
    if session.info.pop(_PENDING, False):
        session.info[_SENDING] = True
        # A notification must never make a write fail; pollers still see the audit head.
        with contextlib.suppress(Exception):
            notify_change(session)
        session.info.pop(_SENDING, None)
        session.info.pop(_PENDING, None)


class ChangeWatcher:
    """``poll()`` is True when something was committed since the previous poll (or since creation)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._raw: Any = None
        self._pg: Any = None
        self._last_mark: object = None
        install_change_notifications()
        self._open()
        self._last_mark = self._mark()

    # -- connection ---------------------------------------------------------------------------
    def _open(self) -> None:
        raw = self.db.engine.raw_connection()
        if self.db.is_sqlite:
            self._raw = raw
            return
        # A connection of our own, outside the pool: LISTEN must stay registered between polls.
        pg: Any = raw.driver_connection
        raw.detach()
        pg.rollback()
        pg.autocommit = True
        pg.execute(f"LISTEN {CHANNEL}")
        self._raw = raw
        self._pg = pg

    def close(self) -> None:
        with self._lock:
            if self._raw is not None:
                try:
                    self._raw.close()
                finally:
                    self._raw = None

    def __enter__(self) -> ChangeWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- polling ------------------------------------------------------------------------------
    def _mark(self) -> object:
        if self.db.is_sqlite:
            cursor = self._raw.cursor()
            try:
                cursor.execute("PRAGMA data_version")
                return cursor.fetchone()[0]
            finally:
                cursor.close()
        with self.db.read() as s:
            head = s.execute(
                select(AuditHead.last_event_id, AuditHead.last_hash).where(AuditHead.id == 1)
            ).first()
            return tuple(head) if head is not None else None

    def _drain_notifications(self, wait: float = 0.0) -> int:
        return sum(1 for _ in self._pg.notifies(timeout=wait))

    def poll(self) -> bool:
        """At least once per change: a change may (rarely) be reported by two successive polls."""
        with self._lock:
            if self._raw is None:
                self._open()
            notified = 0 if self.db.is_sqlite else self._drain_notifications()
            mark = self._mark()
            moved = mark != self._last_mark
            self._last_mark = mark
            if moved and not notified and not self.db.is_sqlite:
                # The commit's NOTIFY may still be on its way; take it now so the next poll stays quiet.
                self._drain_notifications(NOTIFY_GRACE_SECONDS)
            return moved or notified > 0
