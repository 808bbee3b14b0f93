"""Entries the officer makes by hand: a phone call's note and a scanned letter."""

from __future__ import annotations

import datetime as dt

from privdesk.domain.errors import ValidationError
from privdesk.domain.matching import normalize_phone
from privdesk.domain.types import Channel
from privdesk.intake import (
    IntakeLimits,
    detect,
)
from privdesk.intake.scans import ScanRefused, inspect_scan
from privdesk.services import audit
from privdesk.services.intake.common import (
    IntakeBase,
    _add_document,
    _addressing,
    _sha256,
    _zone,
)
from privdesk.services.intake.dto import (
    _CONTENT_TYPES,
    _EXTENSIONS,
    _FUTURE_SLACK,
    PENDING,
    CallNote,
    IntakeResultDTO,
    ScannedLetter,
    _no_detection,
    detection_json,
    for_organization,
)
from privdesk.services.organizations import get_organization
from privdesk.store.models import (
    IntakeItem,
)


class ManualEntries(IntakeBase):
    """What the officer logs by hand: phone calls and scanned letters."""

    def add_call_note(self, note: CallNote) -> IntakeResultDTO:
        asked = note.what_they_asked.strip()
        if not asked:
            raise ValidationError("a call note needs what the caller asked, in their words")
        caller = normalize_phone(note.caller_number) if note.caller_number.strip() else None
        line = normalize_phone(note.line_called) if note.line_called.strip() else None
        warnings: list[str] = []
        if note.caller_number.strip() and caller is None:
            warnings.append("the caller's number is not a valid phone number; kept as typed")
        with self.ctx.db.write() as s:
            org = get_organization(s, note.organization)
            zone = _zone(org.timezone)
            received_at = (
                note.received_at if note.received_at.tzinfo else note.received_at.replace(tzinfo=zone)
            )
            if received_at > self.ctx.now() + _FUTURE_SLACK:
                raise ValidationError("the call's date is in the future")
            text = _call_note_text(note, received_at.astimezone(zone), caller, line, org.display_name)
            found = detect(asked, [_addressing(org)])
            detection = detection_json(found)
            detection = for_organization(detection, org.slug)
            item = IntakeItem(
                organization_id=org.id,
                channel=Channel.PHONE.value,
                received_at=received_at,
                received_on=received_at.astimezone(zone).date(),
                sender_name=note.caller_name.strip()[:300],
                sender_address="",
                subject=f"Phone call: {asked[:80]}",
                body_text=asked,
                detection=detection,
                details={
                    "caller_number": caller or note.caller_number.strip(),
                    "caller_number_typed": note.caller_number.strip(),
                    "line_called": line or note.line_called.strip(),
                    "data_points_given": [p.strip() for p in note.data_points_given if p.strip()],
                },
                warnings=warnings + detection["warnings"],
                status=PENDING,
            )
            s.add(item)
            s.flush()
            data = text.encode("utf-8")
            stamp = received_at.astimezone(zone).strftime("%Y%m%d-%H%M")
            _add_document(s, item, "call_note", f"call-note-{stamp}.txt", "text/plain; charset=utf-8", data)
            audit.record(
                s,
                self.ctx,
                "intake.call_note",
                "intake_item",
                item.id,
                after={"organization": org.slug, "received_on": item.received_on, "sha256": _sha256(data)},
            )
            return self._result(item, "", detection, _sha256(data), documents=1, organization=org.slug)

    # -- post -----------------------------------------------------------------------------------

    def add_scanned_letter(self, letter: ScannedLetter) -> IntakeResultDTO:
        if not letter.pages:
            raise ValidationError("a scanned letter needs at least one page")
        kinds = [self._scan_kind(page, f"page {n}") for n, page in enumerate(letter.pages, 1)]
        envelope_kind = self._scan_kind(letter.envelope, "the envelope") if letter.envelope else None
        if letter.received_on > self.ctx.today():
            raise ValidationError("the received date is in the future")
        warnings: list[str] = []
        if letter.postmark_on is not None and letter.postmark_on > letter.received_on:
            warnings.append("the postmark is later than the received date; check both dates")
        with self.ctx.db.write() as s:
            org = get_organization(s, letter.organization)
            zone = _zone(org.timezone)
            if letter.transcript.strip():
                detection = detection_json(detect(letter.transcript, [_addressing(org)]))
            else:
                detection = _no_detection(
                    "no text was given for the letter: read it and choose the request types"
                )
            detection = for_organization(detection, org.slug)
            item = IntakeItem(
                organization_id=org.id,
                channel=Channel.MAIL.value,
                received_at=dt.datetime.combine(letter.received_on, dt.time(9, 0), tzinfo=zone),
                received_on=letter.received_on,
                sender_name=letter.sender_name.strip()[:300],
                sender_address=letter.sender_address.strip()[:300],
                subject="Letter"
                + (f" from {letter.sender_name.strip()}" if letter.sender_name.strip() else ""),
                body_text=letter.transcript,
                detection=detection,
                details={
                    "postmark_on": letter.postmark_on.isoformat() if letter.postmark_on else None,
                    "sender_address": letter.sender_address.strip(),
                    "pages": len(letter.pages),
                },
                warnings=warnings + [w for w in detection["warnings"] if w not in warnings],
                status=PENDING,
            )
            s.add(item)
            s.flush()
            digests = []
            for number, (page, kind) in enumerate(zip(letter.pages, kinds, strict=True), 1):
                name = f"letter-{item.id}-page-{number:02d}.{_EXTENSIONS[kind]}"
                digests.append(_add_document(s, item, "original", name, _CONTENT_TYPES[kind], page).sha256)
            if letter.envelope and envelope_kind:
                name = f"letter-{item.id}-envelope.{_EXTENSIONS[envelope_kind]}"
                _add_document(s, item, "envelope", name, _CONTENT_TYPES[envelope_kind], letter.envelope)
            audit.record(
                s,
                self.ctx,
                "intake.letter",
                "intake_item",
                item.id,
                after={"organization": org.slug, "received_on": letter.received_on, "sha256": digests},
            )
            count = len(letter.pages) + (1 if letter.envelope else 0)
            return self._result(item, "", detection, digests[0], documents=count, organization=org.slug)

    def _scan_kind(self, data: bytes | None, what: str) -> str:
        problem = scan_problem(data or b"", what, self.limits.max_file_bytes)
        if problem is not None:
            raise ValidationError(problem)
        return inspect_scan(data or b"").kind


def _call_note_text(
    note: CallNote, at: dt.datetime, caller: str | None, line: str | None, org_name: str
) -> str:
    points = [p.strip() for p in note.data_points_given if p.strip()]
    lines = [
        f"Call note for {org_name}",
        f"Date and time: {at.isoformat(timespec='minutes')}",
        f"Caller's number: {caller or note.caller_number.strip() or '(not given)'}",
        f"Caller's name: {note.caller_name.strip() or '(not given)'}",
        f"Line called: {line or note.line_called.strip() or '(not noted)'}",
        "",
        "What they asked, in their words:",
        note.what_they_asked.strip(),
        "",
        "Data points given for verification:",
        *([f"- {p}" for p in points] or ["(none)"]),
    ]
    return "\n".join(lines) + "\n"


def scan_problem(data: bytes, what: str, max_bytes: int | None = None) -> str | None:
    """Why ``data`` cannot be stored as a scanned page, or None: empty, too large, not starting with
    a PDF, PNG, JPEG or TIFF magic number, or not decodable as one (pages counted by a PDF reader,
    image size read and pixels decoded, a pixel limit; ``privdesk.intake.scans``)."""
    if not data:
        return f"{what} is empty"
    limit = max_bytes if max_bytes is not None else IntakeLimits().max_file_bytes
    if len(data) > limit:
        return f"{what} is over the {limit // (1024 * 1024)} MB limit"
    try:
        inspect_scan(data)
    except ScanRefused as refused:
        return f"{what} {refused}; nothing was stored"
    return None
