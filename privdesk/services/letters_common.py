"""Shared by the letter service's parts: the outbox row, the states, storage helpers, auditing."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from privdesk.domain.errors import NotFound, ValidationError
from privdesk.domain.letterdata import (
    LetterData,
)
from privdesk.domain.types import LetterStatus
from privdesk.letters import LETTER_KINDS, LetterRenderer
from privdesk.services import audit
from privdesk.services.context import ServiceContext
from privdesk.services.letterdata_builder import recipient_for
from privdesk.store import scratch
from privdesk.store.models import Case, Letter, RequestItem

SEND_METHODS = ("first_class", "certified", "email")
RENDERABLE = (LetterStatus.QUEUED.value, LetterStatus.GENERATED.value)
# Statuses whose stored PDF is the record: what was printed is what was (or will be) mailed.
KEPT_AS_IS = (LetterStatus.PRINTED.value, LetterStatus.SENT.value, LetterStatus.RETURNED.value)
FINAL = (LetterStatus.SENT.value, LetterStatus.RETURNED.value)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass(frozen=True)
class OutboxLetterDTO:
    id: int
    case_reference: str
    organization: str
    kind: str
    title: str
    status: str
    recipient_name: str
    has_postal_address: bool
    created_on: dt.date
    printed_at: dt.datetime | None
    sent_on: dt.date | None
    method: str | None
    tracking_number: str | None
    sha256: str | None
    document_id: int | None
    claimed_by: str | None
    version: int
    message_id: str | None = None  # of the email it was sent in (method "email")


@dataclass(frozen=True)
class _Job:
    """One letter ready to render: its data and the template text (None: the bundled one)."""

    letter_id: int
    data: LetterData
    template_source: str | None
    template_ref: str
    email: str = ""  # the consumer's email, for a letter that cannot go by post


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _jsonable(value: Any) -> Any:
    """A LetterData snapshot as JSON (dates as ISO 8601, enums as their codes)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def write_file(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Letters hold personal data: the temporary file is in the ledger, so a killed run leaves none.
    tmp = scratch.private_temp_name(path)
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def print_copy(data: bytes) -> Path:
    """A private temporary copy of a letter for the system's PDF application to print (the Windows
    shell's print verb reads the file after the call returns). It is in the ledger of files holding
    personal data: the next privdesk start removes it once this process has ended."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="privdesk-print-"))
    path = folder / "letter.pdf"
    scratch.register(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


class LetterBase:
    """What every part of the letter service shares: the context, the renderer, finding a letter,
    describing it and auditing a change to it."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.renderer = LetterRenderer()

    @staticmethod
    def _dto(letter: Letter, case: Case) -> OutboxLetterDTO:
        name, has_address = _recipient_summary(letter, case)
        return OutboxLetterDTO(
            id=letter.id,
            case_reference=case.reference,
            organization=case.organization.display_name,
            kind=letter.kind,
            title=LETTER_KINDS[letter.kind].title if letter.kind in LETTER_KINDS else letter.kind,
            status=letter.status,
            recipient_name=name,
            has_postal_address=has_address,
            created_on=letter.created_at.date(),
            printed_at=letter.printed_at,
            sent_on=letter.sent_on,
            method=letter.method,
            tracking_number=letter.tracking_number,
            sha256=letter.sha256,
            document_id=letter.document_id,
            claimed_by=letter.claimed_by,
            version=letter.version,
            message_id=letter.message_id,
        )

    @staticmethod
    def _letter(s: Session, letter_id: int) -> Letter:
        letter = s.get(Letter, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        return letter

    def _audit(
        self,
        s: Session,
        letter: Letter,
        action: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        case = s.get_one(Case, letter.case_id)
        audit.record(
            s,
            self.ctx,
            action,
            "letter",
            letter.id,
            case_reference=case.reference,
            before=before,
            after={"kind": letter.kind, **(after or {})},
        )


def _event_day(letter: OutboxLetterDTO) -> dt.date:
    if letter.sent_on is not None:
        return letter.sent_on
    if letter.printed_at is not None:
        return letter.printed_at.date()
    return letter.created_on


def _recipient_summary(letter: Letter, case: Case) -> tuple[str, bool]:
    """Name and whether there is a postal address: the snapshot once generated, else from the case."""
    if letter.recipient:
        lines = letter.recipient.splitlines()
        return lines[0], len(lines) > 1
    try:
        address, _ = recipient_for(case, letter.kind, letter.data or {})
    except (ValidationError, KeyError):
        return "", False
    return address.name, bool(address.lines)


def _item_of(case: Case, item_type: str | None) -> RequestItem | None:
    if item_type is None:
        return None
    for item in case.items:
        if item.request_type == item_type:
            return item
    have = ", ".join(i.request_type for i in case.items)
    raise ValidationError(f"{case.reference} has no {item_type} request (it has: {have})")


def load_ahead() -> None:
    """Load the letter machinery now (ReportLab, the embedded fonts and their glyph table), so that the
    first letter, preview or template screen does not wait for it. Safe from any thread, and to repeat."""
    from privdesk.letters import fonts

    fonts.register_fonts()
    fonts.printable_codepoints()
