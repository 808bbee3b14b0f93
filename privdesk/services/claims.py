"""Claims for the morning batch: two workstations running it at once never process the same letter.

A worker claims a batch of queued letters by writing its id into ``claimed_by`` in one short
transaction, then renders and prints only the letters it got. On PostgreSQL the candidates are picked
with ``FOR UPDATE SKIP LOCKED``, so a second worker takes the next letters instead of waiting; on
SQLite the writer lock (``BEGIN IMMEDIATE``) already serialises the single ``UPDATE ... RETURNING``.
Every claim bumps the letter's version, so an edit prepared before the claim is refused as stale.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence

from sqlalchemy import select, update

from privdesk.domain.types import LetterStatus
from privdesk.store.engine import Database
from privdesk.store.models import Letter

CLAIMABLE = (LetterStatus.QUEUED.value,)


def default_worker_id() -> str:
    """Host name and process id: unique per running batch, readable in the letters table."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def claim_letters(db: Database, worker_id: str, limit: int, statuses: Sequence[str] = CLAIMABLE) -> list[int]:
    """Claim up to ``limit`` unclaimed letters in the given statuses; returns their ids, oldest first."""
    if limit <= 0:
        return []
    if not worker_id.strip():
        raise ValueError("a claim needs a worker id")
    candidates = (
        select(Letter.id)
        .where(Letter.claimed_by.is_(None), Letter.status.in_(list(statuses)))
        .order_by(Letter.id)
        .limit(limit)
    )
    with db.write() as s:
        if db.is_sqlite:
            claimed = s.scalars(
                update(Letter)
                .where(Letter.id.in_(candidates.scalar_subquery()))
                .values(claimed_by=worker_id, version=Letter.version + 1)
                .returning(Letter.id),
                execution_options={"synchronize_session": False},
            ).all()
        else:
            ids = s.scalars(candidates.with_for_update(skip_locked=True)).all()
            claimed = []
            if ids:
                # The rows are locked by us; the condition is re-checked anyway so a claim is never stolen.
                claimed = s.scalars(
                    update(Letter)
                    .where(Letter.id.in_(ids), Letter.claimed_by.is_(None))
                    .values(claimed_by=worker_id, version=Letter.version + 1)
                    .returning(Letter.id),
                    execution_options={"synchronize_session": False},
                ).all()
        return sorted(claimed)


def release_letters(db: Database, worker_id: str, ids: Sequence[int] | None = None) -> int:
    """Give back a worker's claims (all of them, or the listed ids), e.g. after a failed print run."""
    query = update(Letter).where(Letter.claimed_by == worker_id)
    if ids is not None:
        query = query.where(Letter.id.in_(list(ids)))
    with db.write() as s:
        result = s.execute(
            query.values(claimed_by=None, version=Letter.version + 1),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def claimed_by(db: Database, worker_id: str) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Letter.id).where(Letter.claimed_by == worker_id).order_by(Letter.id)))
