"""Outbox states: queued, generated, printed, sent, returned or void, each change audited."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.domain.types import LetterStatus
from privdesk.letters import LETTER_KINDS
from privdesk.services.cases import load_case
from privdesk.services.letters_common import FINAL, SEND_METHODS, OutboxLetterDTO, _event_day, _item_of
from privdesk.services.letters_render import RenderingMixin
from privdesk.store.models import Case, Letter


class OutboxMixin(RenderingMixin):
    """The outbox: listing letters and moving them through their states."""

    def outbox(
        self, status: str | None = None, date: dt.date | None = None
    ) -> builtins.list[OutboxLetterDTO]:
        """Letters, newest first. ``date`` keeps the letters whose latest event (created, printed,
        sent) fell on that day."""
        if status is not None and status not in {s.value for s in LetterStatus}:
            raise ValidationError(
                f"unknown letter status {status!r} ({', '.join(s.value for s in LetterStatus)})"
            )
        with self.ctx.db.read() as s:
            query = select(Letter, Case).join(Case, Case.id == Letter.case_id).order_by(Letter.id.desc())
            if status is not None:
                query = query.where(Letter.status == status)
            rows = s.execute(query).all()
            out = [self._dto(letter, case) for letter, case in rows]
        if date is not None:
            out = [d for d in out if _event_day(d) == date]
        return out

    def show(self, letter_id: int) -> OutboxLetterDTO:
        with self.ctx.db.read() as s:
            letter = self._letter(s, letter_id)
            return self._dto(letter, s.get_one(Case, letter.case_id))

    def mark_printed(self, ids: Sequence[int]) -> builtins.list[OutboxLetterDTO]:
        with self.ctx.db.write() as s:
            out = []
            for letter_id in ids:
                letter = self._letter(s, letter_id)
                if letter.status != LetterStatus.GENERATED.value:
                    raise TransitionRefused(
                        f"letter {letter_id} is {letter.status}; only a generated letter can be printed"
                    )
                letter.status = LetterStatus.PRINTED.value
                letter.printed_at = self.ctx.now()
                letter.claimed_by = None
                s.flush()
                self._audit(s, letter, "letter.printed", before={"status": "generated"})
                out.append(self._dto(letter, s.get_one(Case, letter.case_id)))
            return out

    def mark_sent(
        self, letter_id: int, on: dt.date, method: str, tracking_number: str | None = None
    ) -> OutboxLetterDTO:
        if method not in SEND_METHODS:
            raise ValidationError(f"unknown mailing method {method!r} ({', '.join(SEND_METHODS)})")
        tracking = (tracking_number or "").strip() or None
        if method == "certified" and tracking is None:
            raise ValidationError("certified mail needs its tracking number")
        if on > self.ctx.today():
            raise ValidationError(f"{on.isoformat()} is in the future")
        with self.ctx.db.write() as s:
            letter = self._letter(s, letter_id)
            if letter.status in FINAL:
                raise TransitionRefused(f"letter {letter_id} was already marked sent on {letter.sent_on}")
            if letter.status not in (LetterStatus.GENERATED.value, LetterStatus.PRINTED.value):
                raise TransitionRefused(
                    f"letter {letter_id} is {letter.status}; generate it before marking it sent"
                )
            self._stored_bytes(s, letter)  # the record must be intact before it is sealed
            before = letter.status
            letter.status = LetterStatus.SENT.value
            letter.sent_on = on
            letter.method = method
            letter.tracking_number = tracking
            letter.claimed_by = None
            s.flush()
            self._audit(
                s,
                letter,
                "letter.sent",
                before={"status": before},
                after={
                    "on": on.isoformat(),
                    "method": method,
                    "sha256": letter.sha256,
                    "tracked": bool(tracking),
                },
            )
            return self._dto(letter, s.get_one(Case, letter.case_id))

    def mark_returned(self, letter_id: int, on: dt.date, note: str = "") -> OutboxLetterDTO:
        with self.ctx.db.write() as s:
            letter = self._letter(s, letter_id)
            if letter.status != LetterStatus.SENT.value:
                raise TransitionRefused(
                    f"letter {letter_id} is {letter.status}; only a sent letter can come back"
                )
            letter.status = LetterStatus.RETURNED.value
            letter.data = {**(letter.data or {}), "returned": {"on": on.isoformat(), "note": note}}
            s.flush()
            self._audit(s, letter, "letter.returned", before={"status": "sent"}, after={"on": on.isoformat()})
            return self._dto(letter, s.get_one(Case, letter.case_id))

    def void(self, letter_id: int, reason: str) -> OutboxLetterDTO:
        if not reason.strip():
            raise ValidationError("voiding a letter needs a reason")
        with self.ctx.db.write() as s:
            letter = self._letter(s, letter_id)
            if letter.status in FINAL:
                raise TransitionRefused(f"letter {letter_id} was sent; a sent letter is a record and stays")
            if letter.status == LetterStatus.VOID.value:
                raise TransitionRefused(f"letter {letter_id} is already void")
            before = letter.status
            letter.status = LetterStatus.VOID.value
            letter.claimed_by = None
            letter.data = {**(letter.data or {}), "void_reason": reason.strip()}
            s.flush()
            self._audit(s, letter, "letter.voided", before={"status": before})
            return self._dto(letter, s.get_one(Case, letter.case_id))

    def create(self, reference: str, kind: str, item_type: str | None = None) -> OutboxLetterDTO:
        """Queue a letter the officer chose (e.g. a second copy, or a kind the workflow does not queue)."""
        if kind not in LETTER_KINDS:
            raise ValidationError(f"unknown letter kind {kind!r} (known: {', '.join(LETTER_KINDS)})")
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            item = _item_of(case, item_type)
            letter = Letter(
                case_id=case.id,
                item_id=item.id if item else None,
                kind=kind,
                status=LetterStatus.QUEUED.value,
                template_ref=kind,
                data={},
            )
            s.add(letter)
            s.flush()
            self._audit(s, letter, "letter.created", after={"item": item_type})
            return self._dto(letter, case)
