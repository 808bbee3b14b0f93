"""Claims for the morning batch: two workstations running it at once never process the same letter.

A worker claims a batch of queued letters by writing its id and the time into ``claimed_by`` and
``claimed_at`` in one short transaction, then renders and prints only the letters it got. On PostgreSQL
the candidates are picked with ``FOR UPDATE SKIP LOCKED``, so a second worker takes the next letters
instead of waiting; on SQLite the writer lock (``BEGIN IMMEDIATE``) already serialises the transaction.
Every claim bumps the letter's version, so an edit prepared before the claim is refused as stale.

A workstation that crashed in the middle of its print run never releases its claims, so a claim older
than the claim timeout (a shared setting, 30 minutes unless an administrator changes it) may be taken
over by the next run; each takeover is audited with the worker that lost the letter. A live run renews
its claims while it renders (``ClaimKeepAlive``), so only a run that stopped loses them; and a run that
stalled past the timeout still does not print twice: it re-checks its claims before marking anything
printed and is refused when one was taken over. Tasks need no claims: nothing processes them in
batch, and each change to a task is one optimistic, versioned update.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket
import time
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from privdesk.domain.errors import ValidationError
from privdesk.domain.types import LetterStatus, Role
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.context import ServiceContext
from privdesk.store.engine import Database
from privdesk.store.models import Case, Letter, Setting

CLAIMABLE = (LetterStatus.QUEUED.value,)
TIMEOUT_SETTING = "letters.claim_timeout_minutes"
DEFAULT_TIMEOUT = dt.timedelta(minutes=30)
MIN_TIMEOUT = dt.timedelta(minutes=1)


def default_worker_id() -> str:
    """Host name and process id: unique per running batch, readable in the letters table."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _stored_timeout(s: Session) -> dt.timedelta:
    row = s.get(Setting, TIMEOUT_SETTING)
    value = row.value.get("value") if row is not None and isinstance(row.value, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return dt.timedelta(minutes=value)
    return DEFAULT_TIMEOUT


def claim_timeout(db: Database) -> dt.timedelta:
    """How old a claim must be before another worker may take it over."""
    with db.read() as s:
        return _stored_timeout(s)


def set_claim_timeout(ctx: ServiceContext, minutes: int) -> None:
    """Change the claim timeout for every workstation (administrators; audited). It must be longer than
    the longest print run, or a slow run is refused at its end because its letters were taken over."""
    if dt.timedelta(minutes=minutes) < MIN_TIMEOUT:
        raise ValidationError("the claim timeout must be at least one minute")
    with ctx.db.write() as s:
        require_role(ctx, Role.ADMINISTRATOR, session=s)
        before = _stored_timeout(s)
        row = s.get(Setting, TIMEOUT_SETTING)
        if row is None:
            s.add(Setting(key=TIMEOUT_SETTING, value={"value": minutes}))
        else:
            row.value = {"value": minutes}
        audit.record(
            s,
            ctx,
            "setting.changed",
            "setting",
            TIMEOUT_SETTING,
            before={"value": int(before.total_seconds() // 60)},
            after={"value": minutes},
        )


def _claimable(cutoff: dt.datetime) -> ColumnElement[bool]:
    # A claim without a time cannot be shown to be alive: it is treated as expired.
    return or_(Letter.claimed_by.is_(None), Letter.claimed_at.is_(None), Letter.claimed_at < cutoff)


def claim_letters(
    ctx: ServiceContext,
    worker_id: str,
    limit: int,
    statuses: Sequence[str] = CLAIMABLE,
    *,
    timeout: dt.timedelta | None = None,
) -> list[int]:
    """Claim up to ``limit`` letters in the given statuses that nobody holds, or whose claim is older
    than ``timeout`` (the stored claim timeout by default); returns their ids, oldest first."""
    if limit <= 0:
        return []
    if not worker_id.strip():
        raise ValueError("a claim needs a worker id")
    db = ctx.db
    now = ctx.now()
    with db.write() as s:
        cutoff = now - (timeout if timeout is not None else _stored_timeout(s))
        rows = s.execute(
            select(Letter.id, Letter.claimed_by, Letter.claimed_at, Case.reference)
            .join(Case, Case.id == Letter.case_id)
            .where(Letter.status.in_(list(statuses)), _claimable(cutoff))
            .order_by(Letter.id)
            .limit(limit)
            # PostgreSQL: rows another worker is claiming right now are skipped, not waited for.
            .with_for_update(skip_locked=True, of=Letter)
        ).all()
        if not rows:
            return []
        # The rows are locked by us (or the SQLite writer lock is ours); the condition is re-checked
        # all the same, so a live claim is never stolen.
        claimed = set(
            s.scalars(
                update(Letter)
                .where(Letter.id.in_([r.id for r in rows]), _claimable(cutoff))
                .values(claimed_by=worker_id, claimed_at=now, version=Letter.version + 1)
                .returning(Letter.id),
                execution_options={"synchronize_session": False},
            )
        )
        for row in rows:
            if row.id in claimed and row.claimed_by is not None and row.claimed_by != worker_id:
                audit.record(
                    s,
                    ctx,
                    "letter.claim_taken_over",
                    "letter",
                    row.id,
                    case_reference=row.reference,
                    before={"claimed_by": row.claimed_by, "claimed_at": row.claimed_at},
                    after={"claimed_by": worker_id, "claimed_at": now},
                )
        return sorted(claimed)


def release_letters(db: Database, worker_id: str, ids: Sequence[int] | None = None) -> int:
    """Give back a worker's claims (all of them, or the listed ids), e.g. after a failed print run."""
    query = update(Letter).where(Letter.claimed_by == worker_id)
    if ids is not None:
        query = query.where(Letter.id.in_(list(ids)))
    with db.write() as s:
        result = s.execute(
            query.values(claimed_by=None, claimed_at=None, version=Letter.version + 1),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def renew_claims(ctx: ServiceContext, worker_id: str) -> int:
    """Restart the clock of every claim the worker holds; returns how many it still holds."""
    with ctx.db.write() as s:
        result = s.execute(
            update(Letter).where(Letter.claimed_by == worker_id).values(claimed_at=ctx.now()),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _clock() -> float:
    return time.monotonic()


class ClaimKeepAlive:
    """Called often during a print run; renews the worker's claims every third of the claim timeout."""

    def __init__(self, ctx: ServiceContext, worker_id: str) -> None:
        self.ctx = ctx
        self.worker_id = worker_id
        self.interval = claim_timeout(ctx.db).total_seconds() / 3
        self.renewed = _clock()

    def __call__(self) -> None:
        if _clock() - self.renewed >= self.interval:
            renew_claims(self.ctx, self.worker_id)
            self.renewed = _clock()


def claimed_by(db: Database, worker_id: str) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Letter.id).where(Letter.claimed_by == worker_id).order_by(Letter.id)))


@dataclasses.dataclass(frozen=True)
class ClaimHolder:
    """Letters a print run holds: who (HOST:PID), how many, and when its claims lapse."""

    worker: str
    count: int
    until: dt.datetime
    alive: bool | None  # None when the run is on another computer


def _worker_alive(worker: str) -> bool | None:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:100] or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def claim_holders(db: Database) -> list[ClaimHolder]:
    """Every print run holding letters now, so an empty batch can say why instead of "nothing to print"."""
    timeout = claim_timeout(db)
    with db.read() as s:
        rows = s.execute(
            select(Letter.claimed_by, func.count(), func.max(Letter.claimed_at))
            .where(Letter.claimed_by.is_not(None))
            .group_by(Letter.claimed_by)
            .order_by(Letter.claimed_by)
        ).all()
    holders = []
    for worker, count, latest in rows:
        started = latest if latest is not None else dt.datetime.min
        if started.tzinfo is None:
            started = started.replace(tzinfo=dt.UTC)
        holders.append(ClaimHolder(str(worker), int(count), started + timeout, _worker_alive(str(worker))))
    return holders


def release_stale(ctx: ServiceContext, *, everything: bool = False) -> int:
    """Free the claims of print runs that ended without releasing them (on this computer, by process;
    elsewhere, once expired); ``everything`` frees every claim (a run that is alive will then find its
    letters taken and stop before marking them printed). Audited."""
    released = 0
    now = ctx.now()
    for holder in claim_holders(ctx.db):
        stale = holder.alive is False or (holder.alive is None and holder.until <= now)
        if everything or stale:
            count = release_letters(ctx.db, holder.worker)
            released += count
            with ctx.db.write() as s:
                audit.record(
                    s, ctx, "letter.claims_released", "worker", holder.worker, after={"letters": count}
                )
    return released
