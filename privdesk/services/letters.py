"""The outbox: generating, printing, mailing and keeping letters; the morning batch; edited templates.

A letter is rendered from the case as it stands until it is printed. From then on the stored PDF is
the record: it is read back (and checked against its SHA-256) instead of being rendered again, and once
the letter is marked sent nothing may replace it.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from privdesk.domain.errors import NotFound, StoreError, TransitionRefused, ValidationError
from privdesk.domain.letterdata import (
    DisclosureRow,
    JurisdictionFamily,
    KeptData,
    LetterData,
    Letterhead,
    LetterItem,
    PostalAddress,
    StlRecipient,
)
from privdesk.domain.types import DenialReason, LetterStatus, Outcome, RequestType, Role, VerificationLevel
from privdesk.letters import LETTER_KINDS, LetterRenderer, TemplateError, prepare
from privdesk.letters.batch import Cancelled, address_sheet, labels, letter_filename
from privdesk.letters.layout import build_pdf
from privdesk.letters.templating import default_template_name, template_names
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.cases import load_case
from privdesk.services.content import read_verified
from privdesk.services.context import ServiceContext
from privdesk.services.letterdata_builder import build_letter_data, recipient_for
from privdesk.store import scratch
from privdesk.store.models import Case, Document, DocumentContent, Letter, LetterTemplate, RequestItem

try:  # multi-workstation claims, when that module is present
    from privdesk.services import claims as _claims
except ImportError:  # pragma: no cover - the fallback below claims row by row
    _claims = None  # type: ignore[assignment]

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


@dataclass(frozen=True)
class TemplateInfoDTO:
    kind: str
    family: str  # "" for the template every family uses
    title: str
    bundled_name: str
    version: int | None  # the active edited version; None when the bundled text is in use
    edited_by: str | None
    edited_at: dt.datetime | None


@dataclass(frozen=True)
class TemplateVersionDTO:
    kind: str
    family: str
    version: int
    active: bool
    created_by: str
    created_at: dt.datetime
    source: str


@dataclass(frozen=True)
class BatchSummary:
    on: dt.date
    count: int
    letter_ids: list[int]
    combined_pdf: Path | None
    address_sheet: Path | None
    labels: Path | None
    letter_files: list[Path]


@dataclass(frozen=True)
class _Job:
    """One letter ready to render: its data and the template text (None: the bundled one)."""

    letter_id: int
    data: LetterData
    template_source: str | None
    template_ref: str


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


class LetterService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.renderer = LetterRenderer()

    # -- reading ---------------------------------------------------------------------------------
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
        )

    @staticmethod
    def _letter(s: Session, letter_id: int) -> Letter:
        letter = s.get(Letter, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        return letter

    # -- rendering -------------------------------------------------------------------------------
    def _job(self, s: Session, letter: Letter, case: Case | None = None) -> _Job:
        case = case or s.get_one(Case, letter.case_id)
        item = s.get(RequestItem, letter.item_id) if letter.item_id else None
        data = build_letter_data(
            s, self.ctx.rulebook, case, letter.kind, item, letter.data or {}, self.ctx.today()
        )
        source, ref = self._template_for(s, data.kind, data.jurisdiction_family)
        return _Job(letter.id, data, source, ref)

    def _template_for(self, s: Session, kind: str, family: str) -> tuple[str | None, str]:
        """The edited template for kind and family (or for every family), else the bundled one."""
        for fam in (family, ""):
            row = s.scalar(
                select(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == fam, LetterTemplate.active)
                .order_by(LetterTemplate.version.desc())
                .limit(1)
            )
            if row is not None:
                return row.source, f"db:{kind}/{fam or '*'}/v{row.version}"
        return None, f"bundled:{default_template_name(kind, family)}"

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

    # -- state changes ---------------------------------------------------------------------------
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

    # -- templates -------------------------------------------------------------------------------
    def templates(self) -> builtins.list[TemplateInfoDTO]:
        """Every bundled template (per kind, and per family where a family has its own wording) with
        the active edited version, if any, plus edited templates for other families."""
        with self.ctx.db.read() as s:
            rows = s.scalars(
                select(LetterTemplate).where(LetterTemplate.active).order_by(LetterTemplate.version)
            ).all()
            active = {(r.kind, r.family): r for r in rows}
        out: list[TemplateInfoDTO] = []
        seen: set[tuple[str, str]] = set()
        for kind, info in LETTER_KINDS.items():
            for family in ("", *info.families):
                seen.add((kind, family))
                out.append(_template_info(str(kind), family, active.get((kind, family))))
        out.extend(_template_info(k, f, r) for (k, f), r in sorted(active.items()) if (k, f) not in seen)
        return out

    def active_template(self, kind: str, family: str = "") -> str:
        """The text a letter of this kind and family is rendered with: an edited copy wins."""
        _check_kind_family(kind, family)
        with self.ctx.db.read() as s:
            source, _ = self._template_for(s, kind, family)
        return source if source is not None else LetterRenderer.default_template_source(kind, family)

    def template_versions(self, kind: str, family: str = "") -> builtins.list[TemplateVersionDTO]:
        """Every saved version of the edited template for kind and family, newest first."""
        _check_kind_family(kind, family)
        with self.ctx.db.read() as s:
            rows = s.scalars(
                select(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == family)
                .order_by(LetterTemplate.version.desc())
            ).all()
            return [
                TemplateVersionDTO(
                    r.kind, r.family, r.version, r.active, r.created_by, r.created_at, r.source
                )
                for r in rows
            ]

    def save_template(self, kind: str, family: str, source: str) -> int:
        """Save an edited template as a new version. It is first rendered with sample data: a
        ``TemplateError`` (with its line) is raised and nothing is saved when that fails."""
        _check_kind_family(kind, family)
        if not source.strip():
            raise ValidationError("a template cannot be empty")
        require_role(self.ctx, Role.ADMINISTRATOR)  # before anything of the template runs
        prepare(sample_letter(kind, family or JurisdictionFamily.CCPA.value), source)
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            last = s.scalar(
                select(func.max(LetterTemplate.version)).where(
                    LetterTemplate.kind == kind, LetterTemplate.family == family
                )
            )
            version = int(last or 0) + 1
            s.execute(
                update(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == family)
                .values(active=False)
            )
            s.add(
                LetterTemplate(
                    kind=kind,
                    family=family,
                    version=version,
                    source=source,
                    active=True,
                    created_by=self.ctx.actor,
                )
            )
            s.flush()
            audit.record(
                s,
                self.ctx,
                "letter_template.saved",
                "letter_template",
                f"{kind}/{family or '*'}",
                after={"version": version, "sha256": sha256_hex(source.encode("utf-8"))},
            )
            return version

    def reset_template(self, kind: str, family: str = "") -> None:
        """Go back to the bundled text (edited versions stay in the database, inactive)."""
        _check_kind_family(kind, family)
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            s.execute(
                update(LetterTemplate)
                .where(LetterTemplate.kind == kind, LetterTemplate.family == family)
                .values(active=False)
            )
            audit.record(s, self.ctx, "letter_template.reset", "letter_template", f"{kind}/{family or '*'}")

    # -- batch -----------------------------------------------------------------------------------
    def batch(
        self,
        on: dt.date,
        out_dir: Path,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
        *,
        worker_id: str | None = None,
    ) -> BatchSummary:
        """Print run: every queued or generated letter, claimed so that two workstations never take
        the same one. Files appear only when the run completes; on cancel or error nothing is written,
        the claims are released and the letters stay as they were."""
        worker = worker_id or _default_worker()
        ids = self._claim(worker)
        out_dir = Path(out_dir)
        temps: list[tuple[Path, Path]] = []
        try:
            if not ids:
                return BatchSummary(on, 0, [], None, None, None, [])
            jobs = self._jobs(ids)
            keep_alive = _claims.ClaimKeepAlive(self.ctx, worker) if _claims is not None else None
            rendered = self._render_jobs(jobs, progress, cancelled, keep_alive)
            out_dir.mkdir(parents=True, exist_ok=True)
            files = _batch_files(on, rendered, out_dir)
            for target, data in files:
                temps.append((_temp_write(target, data), target))
            if cancelled is not None and cancelled():
                raise Cancelled()
            self._record_batch(rendered, worker)
            for temp, target in temps:
                os.replace(temp, target)
            temps = []
            names = [target for target, _ in files]
            return BatchSummary(
                on=on,
                count=len(rendered),
                letter_ids=[job.letter_id for job, _, _ in rendered],
                combined_pdf=names[0],
                address_sheet=names[1],
                labels=names[2],
                letter_files=names[3:],
            )
        finally:
            for temp, _ in temps:
                temp.unlink(missing_ok=True)
            self._release(worker)

    def _claim(self, worker: str) -> builtins.list[int]:
        if _claims is not None:
            return _claims.claim_letters(self.ctx, worker, 100_000, RENDERABLE)
        with self.ctx.db.read() as s:
            candidates = s.scalars(
                select(Letter.id)
                .where(Letter.status.in_(RENDERABLE), Letter.claimed_by.is_(None))
                .order_by(Letter.id)
            ).all()
        got = []
        for letter_id in candidates:
            with self.ctx.db.write() as s:
                result = s.execute(
                    update(Letter)
                    .where(Letter.id == letter_id, Letter.claimed_by.is_(None))
                    .values(claimed_by=worker, version=Letter.version + 1),
                    execution_options={"synchronize_session": False},
                )
                if getattr(result, "rowcount", 0):
                    got.append(letter_id)
        return got

    def _release(self, worker: str) -> None:
        with self.ctx.db.write() as s:
            s.execute(
                update(Letter)
                .where(Letter.claimed_by == worker)
                .values(claimed_by=None, version=Letter.version + 1),
                execution_options={"synchronize_session": False},
            )

    def _jobs(self, ids: Sequence[int]) -> builtins.list[_Job]:
        with self.ctx.db.read() as s:
            jobs = []
            for letter_id in ids:
                letter = self._letter(s, letter_id)
                if letter.status in RENDERABLE:
                    jobs.append(self._job(s, letter))
        # By organization, then case reference, then kind: one organization's letters go out together.
        return sorted(
            jobs,
            key=lambda j: (j.data.letterhead.org_name.casefold(), j.data.reference, j.data.kind, j.letter_id),
        )

    def _render_jobs(
        self,
        jobs: Sequence[_Job],
        progress: Progress | None,
        cancelled: IsCancelled | None,
        keep_alive: Callable[[], None] | None = None,
    ) -> builtins.list[tuple[_Job, Any, bytes]]:
        total = len(jobs) + 1  # each letter, then the combined file
        rendered = []
        for done, job in enumerate(jobs, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            prepared = prepare(job.data, job.template_source)
            rendered.append((job, prepared, self.renderer.render_prepared([prepared])))
            if progress is not None:
                progress(done, total)
            if keep_alive is not None:  # a long run keeps its claims; only a stopped one loses them
                keep_alive()
        if cancelled is not None and cancelled():
            raise Cancelled()
        return rendered

    def _record_batch(self, rendered: Sequence[tuple[_Job, Any, bytes]], worker: str) -> None:
        """One transaction: every letter's PDF stored and the letter marked printed, or none."""
        now = self.ctx.now()
        with self.ctx.db.write() as s:
            for job, _, pdf in rendered:
                letter = self._letter(s, job.letter_id)
                if letter.claimed_by != worker or letter.status not in RENDERABLE:
                    raise TransitionRefused(
                        f"letter {letter.id} was changed during the print run; run it again"
                    )
                before = letter.status
                self._store_pdf(s, letter, job, pdf, letter_filename(job.data))
                letter.status = LetterStatus.PRINTED.value
                letter.printed_at = now
                s.flush()
                self._audit(
                    s,
                    letter,
                    "letter.printed",
                    before={"status": before},
                    after={"sha256": letter.sha256, "template": job.template_ref, "batch": True},
                )


# -- helpers ------------------------------------------------------------------------------------


def _default_worker() -> str:
    if _claims is not None:
        return _claims.default_worker_id()
    import socket

    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _temp_write(target: Path, data: bytes) -> Path:
    tmp = scratch.private_temp_name(target)  # removed by the next privdesk run if this one is killed
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _batch_files(
    on: dt.date, rendered: Sequence[tuple[_Job, Any, bytes]], out_dir: Path
) -> list[tuple[Path, bytes]]:
    """Combined PDF, address sheet, labels, then one PDF per letter (a clash gets the letter id)."""
    day = on.isoformat()
    datas = [job.data for job, _, _ in rendered]
    addresses = [d.recipient.all_lines() for d in datas]
    combined = build_pdf([prepared for _, prepared, _ in rendered])
    files: list[tuple[str, bytes]] = [
        (f"{day}-mail.pdf", combined),
        (f"{day}-addresses.pdf", address_sheet(addresses, [d.reference for d in datas])),
        (f"{day}-labels.pdf", labels(addresses)),
    ]
    used: set[str] = set()
    for job, _, pdf in rendered:
        name = letter_filename(job.data)
        if name in used:
            name = name.removesuffix(".pdf") + f"-{job.letter_id}.pdf"
        used.add(name)
        files.append((name, pdf))
    return [(out_dir / name, data) for name, data in files]


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


def _check_kind_family(kind: str, family: str) -> None:
    if kind not in LETTER_KINDS:
        raise ValidationError(f"unknown letter kind {kind!r} (known: {', '.join(LETTER_KINDS)})")
    if family and family not in {f.value for f in JurisdictionFamily}:
        known = ", ".join(f.value for f in JurisdictionFamily)
        raise ValidationError(f"unknown jurisdiction family {family!r} ({known}, or empty for all)")


def _template_info(kind: str, family: str, row: LetterTemplate | None) -> TemplateInfoDTO:
    bundled = next(
        (n for n in template_names(kind, family or "_") if _bundled_exists(n)), template_names(kind, "")[1]
    )
    return TemplateInfoDTO(
        kind=kind,
        family=family,
        title=LETTER_KINDS[kind].title,
        bundled_name=bundled,
        version=row.version if row else None,
        edited_by=row.created_by if row else None,
        edited_at=row.created_at if row else None,
    )


def _bundled_exists(name: str) -> bool:
    from privdesk.letters.resources import templates_dir

    return (templates_dir() / name).is_file()


def sample_letter(kind: str, family: str) -> LetterData:
    """Fictional data with every field filled, to check an edited template before it is saved."""
    day = dt.date(2026, 3, 2)
    return LetterData(
        kind=kind,
        jurisdiction={
            "gdpr": "EU",
            "uk_gdpr": "GB",
            "us_state_with_appeal": "US-TX",
            "us_state": "US-UT",
        }.get(family, "US-CA"),
        jurisdiction_family=family,
        reference="PD-2026-000000",
        letter_date=day,
        recipient=PostalAddress("Alex Example", ("100 Sample Street", "Springfield, CA 90000")),
        letterhead=Letterhead(
            org_name="Example Co.",
            legal_name="Example Company, Inc.",
            address_lines=("1 Example Plaza", "Springfield, CA 90001"),
            email="privacy@example.com",
            phone="800-555-0100",
            signatory_name="Sam Sample",
            signatory_title="Privacy Officer",
        ),
        consumer_name="Alex Example",
        received_date=day - dt.timedelta(days=10),
        items=(
            LetterItem(
                RequestType.DELETE,
                respond_by=day + dt.timedelta(days=35),
                extended_respond_by=day + dt.timedelta(days=80),
                outcome=Outcome.PARTLY_FULFILLED,
                reasons=(DenialReason.LEGAL_OBLIGATION,),
                reason_text="Sample explanation.",
                kept=(KeptData("Sample record", "Sample reason"),),
                details="Sample details.",
            ),
        ),
        verification_level=VerificationLevel.REASONABLY_HIGH,
        data_points_requested=("Your full name", "Your postal address"),
        verify_by=day + dt.timedelta(days=20),
        agent_name="Sample Agent LLC",
        extension_reason="Sample reason for more time.",
        new_due_date=day + dt.timedelta(days=80),
        disclosures=(DisclosureRow("Identifiers", ("You",), ("Service",), ("Service providers",)),),
        sold_shared=(DisclosureRow("Identifiers", (), ("Advertising",), ("Ad networks",)),),
        sells_or_shares=True,
        sells=True,
        shares=True,
        opt_out_how="Reply to this letter.",
        stl_year=2025,
        stl_recipients=(StlRecipient("Sample Partner", "2 Partner Road, Springfield", "Retail", ("Name",)),),
        stl_categories=("Name",),
        earlier_answer_date=day - dt.timedelta(days=60),
        earlier_reference="PD-2026-000001",
        enclosures=("Sample enclosure",),
        business_name="Sample Business",
        business_address=PostalAddress("Sample Business", ("3 Business Way", "Springfield, CA 90002")),
        appeal_days=45,
        appeal_contact="privacy@example.com",
        appeal_decision_days=60,
        complaint_route="the Office of the Attorney General of Texas",
        appeal_outcome="denied",
        look_back_from=day - dt.timedelta(days=375),
        extra={"appeal_decision_period": "60 calendar days"},
    )


__all__ = [
    "SEND_METHODS",
    "BatchSummary",
    "Cancelled",
    "LetterService",
    "OutboxLetterDTO",
    "TemplateError",
    "TemplateInfoDTO",
    "TemplateVersionDTO",
    "sample_letter",
    "sha256_hex",
    "write_file",
]
