"""Rendering and storage: a letter's facts from its case, its PDF, and the stored record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.errors import StoreError, TransitionRefused, ValidationError
from privdesk.domain.letterdata import (
    LetterData,
)
from privdesk.domain.types import LetterStatus, Role
from privdesk.letters import LETTER_KINDS
from privdesk.letters.batch import letter_filename
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
        return self.renderer.render(job.data, job.template_source)

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
        pdf = self.renderer.render(job.data, job.template_source)
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
        """The case's letter of this kind: the stored record once printed, else rendered now."""
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
            return self.preview(reference, kind)
        return self.render(letter_id)
