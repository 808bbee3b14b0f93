"""Rendering and storage: a letter's facts from its case, its PDF, and the stored record.

Every path that renders one letter to be printed, saved or mailed (``render``, ``generate``,
``render_case_letter``) runs the same pre-flight as the morning batch (``privdesk.letters.preflight``):
the address fits the window, the fonts cover every character, the letter applies to the case's
jurisdiction, and the facts it states exist. A letter that fails is refused with one line naming the
case, the field and the reason (``LetterHeld``). A letter without a postal address is still rendered
(it can be emailed); printing it is refused by the print flows, which ask ``check`` first. Only the
template editor's ``preview`` skips the check: it shows an edited template, is not stored and cannot
be printed from there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.errors import StoreError, TransitionRefused, ValidationError
from privdesk.domain.letterdata import (
    LetterData,
)
from privdesk.domain.types import LetterStatus, Role
from privdesk.letters import LETTER_KINDS, pdfa, preflight
from privdesk.letters.batch import letter_filename, letter_title
from privdesk.services.access import require_role
from privdesk.services.cases import load_case
from privdesk.services.content import read_verified
from privdesk.services.letterdata_builder import build_letter_data
from privdesk.services.letters_common import (
    FINAL,
    KEPT_AS_IS,
    RENDERABLE,
    OutboxLetterDTO,
    _Job,
    _jsonable,
    sha256_hex,
)
from privdesk.services.letters_templates import TemplatesMixin
from privdesk.store.models import Case, Document, DocumentContent, Letter, RequestItem


class LetterHeld(ValidationError):
    """A letter the pre-flight refuses; ``str(err)`` is one line: case, kind, field and reason."""

    def __init__(
        self, reference: str, kind: str, letter_id: int | None, findings: tuple[preflight.Finding, ...]
    ) -> None:
        self.reference = reference
        self.kind = kind
        self.letter_id = letter_id
        self.field = findings[0].field if findings else "letter"
        self.reason = (
            "; ".join(f.reason if f.field == self.field else str(f) for f in findings) or "not printable"
        )
        which = f" (letter {letter_id})" if letter_id is not None else ""
        super().__init__(f"{reference} {kind}{which} held back: {self.field}: {self.reason}")


@dataclass(frozen=True)
class LetterCheckDTO:
    """What the pre-flight says about one letter as it would print today."""

    letter_id: int | None
    reference: str
    kind: str
    printable: bool  # it can be printed and mailed
    no_address: bool  # no postal address: email it or find an address
    problems: list[str]  # "field: reason", each one stops it
    warnings: list[str]  # "field: reason", look before sealing (a late notice, a tapped-down address)

    @property
    def summary(self) -> str:
        """One line for a status bar or a command's output."""
        if self.problems:
            return f"{self.reference} {self.kind} held back: " + "; ".join(self.problems)
        if self.no_address:
            return f"{self.reference} {self.kind}: no postal address: email the letter or find an address"
        if self.warnings:
            return f"{self.reference} {self.kind}: check before sealing: " + "; ".join(self.warnings)
        return f"{self.reference} {self.kind}: ready to print"


def _check_dto(job: _Job, result: preflight.Preflight) -> LetterCheckDTO:
    return LetterCheckDTO(
        letter_id=job.letter_id or None,
        reference=job.data.reference,
        kind=job.data.kind,
        printable=result.printable,
        no_address=result.no_address,
        problems=[str(f) for f in result.problems],
        warnings=[str(f) for f in result.warnings],
    )


class RenderingMixin(TemplatesMixin):
    """A letter's PDF: rendered from the case while it is queued, then stored and read back."""

    def _job(
        self, s: Session, letter: Letter, case: Case | None = None, letter_date: dt.date | None = None
    ) -> _Job:
        """The letter's facts as the case stands, dated ``letter_date`` (the day it is printed for
        mailing; today unless a print run for another day says otherwise)."""
        case = case or s.get_one(Case, letter.case_id)
        item = s.get(RequestItem, letter.item_id) if letter.item_id else None
        data = build_letter_data(
            s, self.ctx.rulebook, case, letter.kind, item, letter.data or {}, letter_date or self.ctx.today()
        )
        source, ref = self._template_for(s, data.kind, data.jurisdiction_family)
        return _Job(letter.id, data, source, ref, case.consumer.email or "")

    def _stored_bytes(self, s: Session, letter: Letter) -> bytes:
        if letter.document_id is None or letter.sha256 is None:
            raise StoreError(f"letter {letter.id} has no stored PDF")
        stored = read_verified(s, letter.sha256, f"of letter {letter.id}")
        if stored is None:
            raise StoreError(f"the stored PDF of letter {letter.id} is missing")
        data = stored
        if sha256_hex(data) != letter.sha256:
            raise StoreError(
                f"the stored PDF of letter {letter.id} does not match its SHA-256; it was altered"
            )
        return data

    def render(self, letter_id: int) -> bytes:
        """The letter's PDF: rendered from current data while queued or generated; from printing on,
        the stored file, verified against its SHA-256 (a sent letter is never rendered again)."""
        with self.ctx.db.read() as s:
            letter = self._letter(s, letter_id)
            if letter.status in KEPT_AS_IS or (letter.status == LetterStatus.VOID.value and letter.sha256):
                return self._stored_bytes(s, letter)
            if letter.status == LetterStatus.VOID.value:
                raise TransitionRefused(f"letter {letter_id} is void and was never generated")
            job = self._job(s, letter)
        return self._render_checked(job)

    def _preflight(self, job: _Job) -> preflight.Preflight:
        """The batch's per-letter check; raises ``LetterHeld`` when the letter cannot be printed."""
        result = preflight.check(job.data, job.template_source)
        if result.problems or result.prepared is None:
            raise LetterHeld(job.data.reference, job.data.kind, job.letter_id or None, result.problems)
        return result

    def _render_checked(self, job: _Job) -> bytes:
        """Checked, then laid out once (the check prepared the letter)."""
        result = self._preflight(job)
        assert result.prepared is not None
        return pdfa.archival(self.renderer.render_prepared([result.prepared]), letter_title(job.data))

    def check(self, letter_id: int) -> LetterCheckDTO:
        """The pre-flight for one letter as it would print today (a stored letter: as it was stored)."""
        with self.ctx.db.read() as s:
            letter = self._letter(s, letter_id)
            if letter.status in KEPT_AS_IS or letter.status == LetterStatus.VOID.value:
                case = s.get_one(Case, letter.case_id)
                has_address = len((letter.recipient or "").splitlines()) > 1
                return LetterCheckDTO(
                    letter.id, case.reference, letter.kind, has_address, not has_address, [], []
                )
            job = self._job(s, letter)
        return _check_dto(job, preflight.check(job.data, job.template_source))

    def stored_pdf(self, letter_id: int) -> bytes:
        """The PDF stored when the letter was generated or printed, checked against its SHA-256."""
        with self.ctx.db.read() as s:
            return self._stored_bytes(s, self._letter(s, letter_id))

    def letter_data(self, letter_id: int) -> LetterData:
        """The facts the letter would print now (for checks and previews)."""
        with self.ctx.db.read() as s:
            return self._job(s, self._letter(s, letter_id)).data

    def generate(self, letter_id: int) -> OutboxLetterDTO:
        """Render and store the PDF as a case document; the letter becomes generated."""
        with self.ctx.db.read() as s:
            letter = self._letter(s, letter_id)
            self._refuse_unless_renderable(letter)
            job = self._job(s, letter)
            version = letter.version
        pdf = self._render_checked(job)
        with self.ctx.db.write() as s:
            letter = self._letter(s, letter_id)
            self._refuse_unless_renderable(letter)
            if letter.version != version:
                raise TransitionRefused(f"letter {letter_id} changed while it was being rendered; try again")
            self._store_pdf(s, letter, job, pdf, letter_filename(job.data))
            letter.status = LetterStatus.GENERATED.value
            s.flush()
            self._audit(
                s, letter, "letter.generated", after={"sha256": letter.sha256, "template": job.template_ref}
            )
            return self._dto(letter, s.get_one(Case, letter.case_id))

    @staticmethod
    def _refuse_unless_renderable(letter: Letter) -> None:
        if letter.status in FINAL:
            raise TransitionRefused(
                f"letter {letter.id} was sent on {letter.sent_on}; its file cannot change"
            )
        if letter.status not in RENDERABLE:
            raise TransitionRefused(
                f"letter {letter.id} is {letter.status}; only queued or generated letters are rendered"
            )

    def _store_pdf(self, s: Session, letter: Letter, job: _Job, pdf: bytes, filename: str) -> None:
        digest = sha256_hex(pdf)
        if s.get(DocumentContent, digest) is None:
            s.add(DocumentContent(sha256=digest, data=pdf))
            s.flush()  # no ORM relationship orders this insert before the document that points to it
        old_document = letter.document_id
        document = Document(
            case_id=letter.case_id,
            kind="letter",
            filename=filename,
            content_type="application/pdf",
            size=len(pdf),
            sha256=digest,
        )
        s.add(document)
        s.flush()
        letter.document_id = document.id
        letter.sha256 = digest
        letter.template_ref = job.template_ref
        letter.recipient = "\n".join(job.data.recipient.all_lines())
        letter.data = {
            **{k: v for k, v in (letter.data or {}).items() if k not in ("snapshot", "template")},
            "template": {"ref": job.template_ref, "source": job.template_source},
            "snapshot": _jsonable(job.data),
        }
        if old_document is not None:
            stale = s.get(Document, old_document)
            if stale is not None:
                s.delete(stale)

    def preview(self, reference: str, kind: str, template_source: str | None = None) -> bytes:
        """A letter of this kind for the case as it stands, without storing anything. Previewing a
        template text of one's own is part of editing templates: administrators only."""
        if kind not in LETTER_KINDS:
            raise ValidationError(f"unknown letter kind {kind!r}")
        if template_source is not None:
            require_role(self.ctx, Role.ADMINISTRATOR)
        with self.ctx.db.read() as s:
            case = load_case(s, reference)
            queued = s.scalar(
                select(Letter)
                .where(Letter.case_id == case.id, Letter.kind == kind)
                .order_by(Letter.id.desc())
                .limit(1)
            )
            extra = queued.data if queued is not None else {}
            item = s.get(RequestItem, queued.item_id) if queued is not None and queued.item_id else None
            if item is None and case.items:
                item = case.items[0]
            data = build_letter_data(s, self.ctx.rulebook, case, kind, item, extra or {}, self.ctx.today())
            if template_source is None:
                template_source, _ = self._template_for(s, kind, data.jurisdiction_family)
        return self.renderer.render(data, template_source)

    def render_case_letter(self, reference: str, kind: str) -> bytes:
        """The case's letter of this kind: the stored record once printed, else rendered now, checked
        as the batch checks it (``LetterHeld`` names what stops it)."""
        if kind not in LETTER_KINDS:
            raise ValidationError(f"unknown letter kind {kind!r}")
        with self.ctx.db.read() as s:
            case = load_case(s, reference)
            letter_id = s.scalar(
                select(Letter.id)
                .where(
                    Letter.case_id == case.id, Letter.kind == kind, Letter.status != LetterStatus.VOID.value
                )
                .order_by(Letter.id.desc())
                .limit(1)
            )
            if letter_id is None:
                item = case.items[0] if case.items else None
                data = build_letter_data(s, self.ctx.rulebook, case, kind, item, {}, self.ctx.today())
                source, ref = self._template_for(s, kind, data.jurisdiction_family)
                job = _Job(0, data, source, ref, case.consumer.email or "")
        if letter_id is None:
            return self._render_checked(job)
        return self.render(letter_id)
