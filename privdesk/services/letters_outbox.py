"""Outbox states: queued, generated, printed, sent, returned or void, each change audited."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.domain.threads import normalize_message_id
from privdesk.domain.types import LetterStatus
from privdesk.letters import LETTER_KINDS
from privdesk.services import audit
from privdesk.services.cases import load_case
from privdesk.services.letterdata_builder import address_lines
from privdesk.services.letters_common import (
    FINAL,
    SEND_METHODS,
    OutboxLetterDTO,
    _event_day,
    _item_of,
    sha256_hex,
)
from privdesk.services.letters_render import RenderingMixin
from privdesk.store.models import Case, Document, DocumentContent, Letter

MAX_ENCLOSURE_BYTES = 50 * 1024 * 1024

# The step a letter reports, as the request item column that records it.
STEP_OF_KIND = {"acknowledgement": "acknowledged_on", "extension_notice": "extended_on"}
RESPONSE_STEP = "responded_on"
RESPONSE_KINDS = frozenset(
    {
        "know_categories_response",
        "know_specific_response",
        "know_denied",
        "deletion_done",
        "deletion_denied",
        "deletion_nothing_held",
        "correction_done",
        "correction_denied",
        "opt_out_confirmed",
        "opt_out_denied",
        "limit_confirmed",
        "unverifiable",
        "frequency_limit",
        "stl_response",
        "stl_already_answered",
        "stl_alternative",
        "minor_removal_done",
        "request_denied",
        "appeal_decision",
    }
)


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
                self._record_step(s, letter, self.ctx.today())
                out.append(self._dto(letter, s.get_one(Case, letter.case_id)))
            return out

    def _record_step(self, s: Session, letter: Letter, day: dt.date) -> None:
        """The step a letter reports is done the day the letter is printed (or emailed), not before:
        an acknowledgement recorded on the 12th and printed on the 3rd is recorded on the 3rd."""
        column = STEP_OF_KIND.get(letter.kind) or (RESPONSE_STEP if letter.kind in RESPONSE_KINDS else None)
        if column is None:
            return
        case = s.get_one(Case, letter.case_id)
        items = [i for i in case.items if column != RESPONSE_STEP or letter.item_id in (None, i.id)]
        moved = {}
        for item in items:
            recorded = getattr(item, column)
            if recorded is not None and recorded < day:
                setattr(item, column, day)
                moved[item.request_type] = {"before": recorded.isoformat(), "after": day.isoformat()}
        if moved:
            s.flush()
            self._audit(s, letter, "letter.step_dated", after={"step": column, "items": moved})

    def mark_sent(
        self,
        letter_id: int,
        on: dt.date,
        method: str,
        tracking_number: str | None = None,
        message_id: str | None = None,
    ) -> OutboxLetterDTO:
        """Record the mailing. For an emailed letter, ``message_id`` is the Message-ID of the email it
        went out in (the mail program shows it): a reply naming it finds the case."""
        if method not in SEND_METHODS:
            raise ValidationError(f"unknown mailing method {method!r} ({', '.join(SEND_METHODS)})")
        sent_id = None
        if (message_id or "").strip():
            if method != "email":
                raise ValidationError("a Message-ID belongs to a letter sent by email")
            sent_id = normalize_message_id(message_id or "")
            if sent_id is None:
                raise ValidationError("the Message-ID is not one: it looks like <text@host>")
        tracking = (tracking_number or "").strip() or None
        if method == "certified" and tracking is None:
            raise ValidationError("certified mail needs its tracking number")
        if on > self.ctx.today():
            raise ValidationError(f"{on.isoformat()} is in the future")
        with self.ctx.db.write() as s:
            letter = self._letter(s, letter_id)
            printed = letter.printed_at.date() if letter.printed_at is not None else None
            if printed is not None and on < printed:
                raise ValidationError(
                    f"letter {letter_id} was printed on {printed.isoformat()}; it cannot have been mailed "
                    f"on {on.isoformat()}, before it was printed"
                )
            dated = ((letter.data or {}).get("snapshot") or {}).get("letter_date")
            if dated and on.isoformat() < str(dated):
                raise ValidationError(
                    f"letter {letter_id} is dated {dated}; it cannot have been sent on {on.isoformat()}"
                )
            if letter.status in FINAL:
                raise TransitionRefused(f"letter {letter_id} was already marked sent on {letter.sent_on}")
            if letter.status not in (LetterStatus.GENERATED.value, LetterStatus.PRINTED.value):
                raise TransitionRefused(
                    f"letter {letter_id} is {letter.status}; generate it before marking it sent"
                )
            self._stored_bytes(s, letter)  # the record must be intact before it is sealed
            before = letter.status
            if printed is None:  # emailed (or mailed without a recorded printing): done the day it went
                self._record_step(s, letter, on)
            letter.status = LetterStatus.SENT.value
            letter.sent_on = on
            letter.method = method
            letter.tracking_number = tracking
            letter.message_id = sent_id
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
                    "message_id": sent_id is not None,
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

    def edit_consumer_address(self, reference: str, address: str) -> builtins.list[str]:
        """Replace the postal address of the case's consumer (one line per line of ``address``),
        audited. Returns what the envelope check finds wrong with it, if anything (empty: it fits)."""
        lines = address_lines(address)
        if len(lines) > 6:
            raise ValidationError(f"an address has at most 6 lines under the name, not {len(lines)}")
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            consumer = case.consumer
            before = address_lines(consumer.postal_address or "")
            consumer.postal_address = "\n".join(lines)
            s.flush()
            audit.record(
                s,
                self.ctx,
                "consumer.address_changed",
                "consumer",
                consumer.id,
                case_reference=case.reference,
                before={"lines": len(before), "sha256": sha256_hex("\n".join(before).encode())[:16]},
                after={"lines": len(lines), "sha256": sha256_hex("\n".join(lines).encode())[:16]},
            )
            name = consumer.full_name
            page_size = case.organization.page_size  # the window the address must fit: #10 or DL
        if not lines:
            return ["no postal address: letters to this consumer go to the email-or-find-an-address list"]
        from privdesk.domain.letterdata import PostalAddress
        from privdesk.letters.geometry import AddressFitError
        from privdesk.letters.layout import address_fit
        from privdesk.services.letters_samples import sample_letter

        probe = sample_letter("acknowledgement", "ccpa")
        try:
            paper: Literal["letter", "a4"] = "a4" if page_size == "a4" else "letter"
            letterhead = replace(probe.letterhead, page_size=paper)
            address_fit(replace(probe, recipient=PostalAddress(name, lines), letterhead=letterhead))
        except AddressFitError as err:
            return [f"{err.field}: {err.reason}"]
        return []

    def attach_enclosure(
        self, reference: str, filename: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> int:
        """Attach a document to go out with the case's answer (an access response lists it under
        "Enclosures" and is held back until one is attached); audited by size and hash, not content.
        Returns the document's id."""
        name = Path(filename).name.strip()
        if not name:
            raise ValidationError("an enclosure needs a file name (it is listed in the letter)")
        if not data:
            raise ValidationError(f"{name} is empty; attach the file the consumer is to receive")
        if len(data) > MAX_ENCLOSURE_BYTES:
            raise ValidationError(
                f"{name} is {len(data) // (1024 * 1024)} MB; enclosures are kept in the database, "
                f"at most {MAX_ENCLOSURE_BYTES // (1024 * 1024)} MB each"
            )
        digest = sha256_hex(data)
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            if s.get(DocumentContent, digest) is None:
                s.add(DocumentContent(sha256=digest, data=data))
                s.flush()  # no relationship orders the two inserts: the content row goes first
            document = Document(
                case_id=case.id,
                kind="enclosure",
                filename=name[:255],
                content_type=content_type[:120],
                size=len(data),
                sha256=digest,
            )
            s.add(document)
            s.flush()
            audit.record(
                s,
                self.ctx,
                "case.enclosure_attached",
                "document",
                document.id,
                case_reference=case.reference,
                after={"size": len(data), "sha256": digest[:16]},
            )
            return document.id

    def queued_for_case(self, reference: str) -> builtins.list[OutboxLetterDTO]:
        """The case's letters, newest first (for the case view's void and print actions)."""
        with self.ctx.db.read() as s:
            case = load_case(s, reference)
            rows = s.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id.desc())).all()
            return [self._dto(letter, case) for letter in rows]
