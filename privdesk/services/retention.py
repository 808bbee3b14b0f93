"""Retention and purge: personal data of closed cases is kept for the organization's retention period
after closure (``Organization.retention_months``, 24 by default), then removed.

A purge keeps the minimal record 11 CCR §7101 asks for (reference, dates, request types, channel,
outcome, denial reason codes) so the request log and the yearly metrics for the period do not change;
it removes consumer details, documents and their bytes, letter files, verification data, notes, intake
messages and free-text fields. A case on legal hold, or not closed, is never purged. The audit chain is
left untouched (it must stay verifiable), which is why services keep personal data out of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from sqlalchemy import String, cast, delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from privdesk.domain import reports as rep
from privdesk.domain.errors import ValidationError
from privdesk.domain.types import OPEN_STATUSES, ItemStatus, Role
from privdesk.letters import report_pdf
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.cases import case_dto, load_case
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseDTO
from privdesk.store.models import (
    Authorization,
    Case,
    Consumer,
    ConsumerIdentifier,
    Document,
    DocumentContent,
    IntakeItem,
    Letter,
    Note,
    Organization,
    Verification,
)

PURGED = "[purged]"
CLOSED_STATUSES = frozenset({ItemStatus.CLOSED.value, ItemStatus.WITHDRAWN.value})


@dataclass(frozen=True)
class PurgeCandidate:
    reference: str
    organization: str
    closed_on: dt.date
    retention_months: int
    keep_until: dt.date
    legal_hold: bool
    why: str


@dataclass(frozen=True)
class PurgeResult:
    record: rep.PurgeRecord
    pdf: bytes
    vacuumed: bool


def _scrub(text: str | None) -> str | None:
    return PURGED if text else text


class RetentionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- what is due -----------------------------------------------------------------------------
    def _past_retention(self, s: Session, today: dt.date) -> list[PurgeCandidate]:
        rows = s.execute(
            select(
                Case.reference,
                Organization.slug,
                Organization.display_name,
                Organization.retention_months,
                Case.closed_on,
                Case.legal_hold,
                Case.status,
            )
            .join(Organization, Organization.id == Case.organization_id)
            .where(Case.purged_on.is_(None), Case.closed_on.is_not(None), Case.status.in_(CLOSED_STATUSES))
            .order_by(Case.closed_on, Case.reference)
        ).all()
        found: list[PurgeCandidate] = []
        for ref, slug, org_name, months, closed_on, hold, _status in rows:
            assert closed_on is not None  # selected so
            keep_until = rep.add_months(closed_on, months)
            if today <= keep_until:
                continue
            why = (
                f"closed {closed_on.isoformat()}; {org_name} keeps personal data {months} months after "
                f"closure, until {keep_until.isoformat()}"
            )
            if hold:
                why += "; kept: on legal hold"
            found.append(PurgeCandidate(ref, slug, closed_on, months, keep_until, hold, why))
        return found

    def preview(self, today: dt.date | None = None) -> list[PurgeCandidate]:
        """Cases a purge on ``today`` would purge, each with why (legal holds left out)."""
        with self.ctx.db.read() as s:
            return [c for c in self._past_retention(s, today or self.ctx.today()) if not c.legal_hold]

    def held(self, today: dt.date | None = None) -> list[PurgeCandidate]:
        """Cases past their retention period that a legal hold keeps."""
        with self.ctx.db.read() as s:
            return [c for c in self._past_retention(s, today or self.ctx.today()) if c.legal_hold]

    # -- legal hold ------------------------------------------------------------------------------
    def set_legal_hold(self, reference: str, on: bool, reason: str) -> CaseDTO:
        if not reason.strip():
            raise ValidationError("say why the legal hold is set or lifted (e.g. the matter or litigation)")
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            case = load_case(s, reference)
            if case.purged_on is not None and on:
                raise ValidationError(
                    f"{case.reference} was purged on {case.purged_on.isoformat()}; "
                    "only its minimal record is left to hold"
                )
            before = case.legal_hold
            case.legal_hold = on
            audit.record(
                s,
                self.ctx,
                "case.legal_hold_set" if on else "case.legal_hold_lifted",
                "case",
                case.id,
                case_reference=case.reference,
                before={"legal_hold": before},
                after={"legal_hold": on, "reason": reason.strip()},
            )
            return case_dto(case, self.ctx.today())

    # -- purge -----------------------------------------------------------------------------------
    def purge(self, today: dt.date | None = None, *, confirm: bool = False) -> PurgeResult:
        if not confirm:
            raise ValidationError("a purge removes personal data for good: confirm it (--yes)")
        today = today or self.ctx.today()
        db = self.ctx.db
        purged_cases: list[rep.PurgedCase] = []
        documents_deleted = 0
        bytes_deleted = 0
        consumers_purged = 0
        with db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            if db.is_sqlite:
                # Freed pages and cells are overwritten with zeros instead of lingering in the file.
                s.connection().exec_driver_sql("PRAGMA secure_delete=ON")
            candidates = self._past_retention(s, today)
            held = tuple(c.reference for c in candidates if c.legal_hold)
            consumer_of: dict[str, int] = {}
            for cand in (c for c in candidates if not c.legal_hold):
                case = s.scalar(
                    select(Case)
                    .where(Case.reference == cand.reference)
                    .options(selectinload(Case.items))
                    .with_for_update()
                )
                if case is None or not self._purgeable(case):
                    continue
                counts, docs, size = self._purge_case(s, case, today)
                documents_deleted += docs
                bytes_deleted += size
                consumer_of[case.reference] = case.consumer_id
                purged_cases.append(
                    rep.PurgedCase(
                        reference=case.reference,
                        organization=cand.organization,
                        closed_on=cand.closed_on,
                        retention_months=cand.retention_months,
                        documents=docs,
                        letters=counts["letters"],
                        notes=counts["notes"],
                        verifications=counts["verifications"],
                        intake_items=counts["intake_items"],
                        consumer_purged=False,
                    )
                )
                audit.record(
                    s,
                    self.ctx,
                    "case.purged",
                    "case",
                    case.id,
                    case_reference=case.reference,
                    after={"on": today, "documents": docs, "bytes": size, **counts},
                )
            s.flush()
            done_consumers = {cid for cid in set(consumer_of.values()) if self._purge_consumer(s, cid)}
            consumers_purged = len(done_consumers)
            purged_cases = [
                replace(c, consumer_purged=consumer_of[c.reference] in done_consumers) for c in purged_cases
            ]
            record = rep.PurgeRecord(
                performed_at=self.ctx.now().astimezone(dt.UTC).replace(microsecond=0),
                performed_by=self.ctx.actor,
                today=today,
                cases=tuple(purged_cases),
                documents_deleted=documents_deleted,
                bytes_deleted=bytes_deleted,
                consumers_purged=consumers_purged,
                skipped_on_hold=held,
            )
            pdf = report_pdf.purge_record_pdf(record)
            self._file_record(s, pdf, today)
            audit.record(
                s,
                self.ctx,
                "retention.purged",
                "retention",
                today.isoformat(),
                after={**record.totals, "on_hold": len(held)},
            )
        vacuumed = self._vacuum() if purged_cases else False
        return PurgeResult(record, pdf, vacuumed)

    @staticmethod
    def _purgeable(case: Case) -> bool:
        open_values = {v.value for v in OPEN_STATUSES}
        return (
            case.purged_on is None
            and not case.legal_hold
            and case.closed_on is not None
            and case.status in CLOSED_STATUSES
            and not any(i.status in open_values for i in case.items)
        )

    def _purge_case(self, s: Session, case: Case, today: dt.date) -> tuple[dict[str, int], int, int]:
        letters = s.scalars(select(Letter).where(Letter.case_id == case.id)).all()
        intake = s.scalars(select(IntakeItem).where(IntakeItem.case_id == case.id)).all()
        doc_ids = set(s.scalars(select(Document.id).where(Document.case_id == case.id)))
        doc_ids |= {x.document_id for x in letters if x.document_id is not None}
        if intake:
            doc_ids |= set(
                s.scalars(select(Document.id).where(Document.intake_item_id.in_([i.id for i in intake])))
            )
        if case.authorization_id is not None:
            auth = s.get(Authorization, case.authorization_id)
            if auth is not None and auth.document_id is not None:
                doc_ids.add(auth.document_id)
                auth.document_id = None
        for letter in letters:
            letter.document_id = None
            letter.recipient = PURGED
            letter.data = {}
        docs_deleted, size = self._delete_documents(s, doc_ids)
        for item in intake:
            item.sender_name = PURGED
            item.sender_address = PURGED
            item.subject = PURGED
            item.body_text = PURGED
            item.details = {}
            item.detection = {}
            item.warnings = []
            item.set_aside_reason = _scrub(item.set_aside_reason)
        verifications = s.scalars(select(Verification).where(Verification.case_id == case.id)).all()
        for v in verifications:
            v.checks = []
            v.purged = True
        notes = s.scalar(select(func.count()).select_from(Note).where(Note.case_id == case.id)) or 0
        s.execute(update(Note).where(Note.case_id == case.id).values(body=PURGED))
        for request in case.items:
            request.denial_text = _scrub(request.denial_text)
            request.extension_reason = _scrub(request.extension_reason)
        case.subject = _scrub(case.subject) or ""
        case.summary = _scrub(case.summary) or ""
        case.warnings = [{**w, "message": PURGED} for w in case.warnings]
        case.purged_on = today
        counts = {
            "letters": len(letters),
            "notes": int(notes or 0),
            "verifications": len(verifications),
            "intake_items": len(intake),
        }
        return counts, docs_deleted, size

    @staticmethod
    def _delete_documents(s: Session, doc_ids: set[int]) -> tuple[int, int]:
        if not doc_ids:
            return 0, 0
        docs = s.scalars(select(Document).where(Document.id.in_(doc_ids))).all()
        shas = {d.sha256 for d in docs}
        size = sum(d.size for d in docs)
        s.execute(delete(Document).where(Document.id.in_(doc_ids)))
        still_used = set(s.scalars(select(Document.sha256).where(Document.sha256.in_(shas))))
        orphaned = shas - still_used
        if orphaned:
            s.execute(delete(DocumentContent).where(DocumentContent.sha256.in_(orphaned)))
        return len(docs), size

    def _purge_consumer(self, s: Session, consumer_id: int) -> bool:
        """Remove the person's details unless another case still needs them; True when done."""
        others = s.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.consumer_id == consumer_id, Case.purged_on.is_(None))
        )
        if others:
            return False
        ids = [consumer_id, *s.scalars(select(Consumer.id).where(Consumer.merged_into_id == consumer_id))]
        for cid in ids:
            if cid != consumer_id and s.scalar(
                select(func.count())
                .select_from(Case)
                .where(Case.consumer_id == cid, Case.purged_on.is_(None))
            ):
                continue
            consumer = s.get(Consumer, cid)
            if consumer is None or consumer.purged:
                continue
            consumer.full_name = PURGED
            consumer.name_key = PURGED
            consumer.email = None
            consumer.email_key = None
            consumer.phone = None
            consumer.phone_e164 = None
            consumer.postal_address = PURGED
            consumer.postal_code = None
            consumer.region = None
            consumer.account_id = None
            consumer.purged = True
            s.execute(delete(ConsumerIdentifier).where(ConsumerIdentifier.consumer_id == cid))
            for auth in s.scalars(select(Authorization).where(Authorization.consumer_id == cid)):
                auth.signed_by = _scrub(auth.signed_by)
                auth.power_of_attorney = None
            # Intake warnings on other cases name possible matches: drop the name of this person.
            marker = f"consumer #{cid} ("
            for other in s.scalars(select(Case).where(cast(Case.warnings, String).like(f"%{marker}%"))):
                other.warnings = [
                    {**w, "message": f"may be the same person as consumer #{cid} (details purged)"}
                    if marker in str(w.get("message", ""))
                    else w
                    for w in other.warnings
                ]
            audit.record(s, self.ctx, "consumer.purged", "consumer", cid)
        return True

    def _file_record(self, s: Session, pdf: bytes, today: dt.date) -> None:
        """Keep the purge record itself (it holds no personal data) as a document of no case."""
        sha = hashlib.sha256(pdf).hexdigest()
        if s.get(DocumentContent, sha) is None:
            s.add(DocumentContent(sha256=sha, data=pdf))
            s.flush()  # the content row first: no relationship tells the unit of work the order
        s.add(
            Document(
                case_id=None,
                kind="purge_record",
                filename=f"purge-record-{today.isoformat()}.pdf",
                content_type="application/pdf",
                size=len(pdf),
                sha256=sha,
            )
        )

    def _vacuum(self) -> bool:
        """Rewrite the SQLite file so deleted pages leave it; must run outside any transaction."""
        if not self.ctx.db.is_sqlite:
            return False
        raw = self.ctx.db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
        return True
