"""Read-only view of everything filed on one case: timeline, tasks, notes, letters, documents, checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from privdesk.domain.types import Channel, RequestType
from privdesk.letters.catalog import LETTER_KINDS
from privdesk.services.audit import AuditEntryDTO
from privdesk.services.cases import NewCase, case_dto, earlier_requests, load_case, rule_warnings
from privdesk.services.clock import ClockOptionDTO, clock_options
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseDTO, WarningDTO
from privdesk.store.models import (
    AuditEvent,
    Authorization,
    Document,
    Letter,
    Note,
    Task,
    Verification,
)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str
    kind: str  # "event" (audit trail) or "note"
    text: str


@dataclass(frozen=True)
class TaskDTO:
    id: int
    title: str
    kind: str
    due_on: dt.date | None
    assignee: str | None
    done_on: dt.date | None


@dataclass(frozen=True)
class NoteDTO:
    id: int
    author: str
    body: str
    created_at: dt.datetime


@dataclass(frozen=True)
class LetterRowDTO:
    id: int
    kind: str
    status: str
    created_at: dt.datetime
    sent_on: dt.date | None
    method: str | None
    title: str = ""  # the kind in words: "Response to know (categories)"


@dataclass(frozen=True)
class DocumentRowDTO:
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    created_at: dt.datetime


@dataclass(frozen=True)
class VerificationRowDTO:
    id: int
    level_required: str
    method: str
    checks: list[dict[str, Any]]
    declaration_received: bool
    account_reauthenticated: bool
    result: str
    decided_by: str | None
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class AuthorizationRowDTO:
    id: int
    signed_permission: bool
    signed_by: str | None
    signed_on: dt.date | None
    scope: list[str]
    expires_on: dt.date | None
    consumer_confirmed_on: dt.date | None
    power_of_attorney: dict[str, Any] | None = None


@dataclass(frozen=True)
class CaseFileDTO:
    case: CaseDTO
    timeline: list[TimelineEntry] = field(default_factory=list)
    tasks: list[TaskDTO] = field(default_factory=list)
    notes: list[NoteDTO] = field(default_factory=list)
    letters: list[LetterRowDTO] = field(default_factory=list)
    documents: list[DocumentRowDTO] = field(default_factory=list)
    verifications: list[VerificationRowDTO] = field(default_factory=list)
    authorizations: list[AuthorizationRowDTO] = field(default_factory=list)
    authorization_holds: bool = False
    clock_options: list[ClockOptionDTO] = field(default_factory=list)  # late start, pauses (by law)


def describe_event(entry: AuditEntryDTO | AuditEvent) -> str:
    """One line an officer reads: the action in words plus the few details that matter."""
    words = entry.action.replace("case.", "").replace("task.", "task ").replace("_", " ")
    after = entry.after or {}
    details = [
        f"{k}: {_detail_text(after[k])}" for k in ("on", "method", "item", "outcome", "reason") if k in after
    ]
    if "types" in after:  # the request types, in words: "Created — Shine the Light"
        details.insert(0, _detail_text(after["types"], labels=_type_label))
    if entry.action == "case.processed" and after.get("due"):  # did the day meet the deadline?
        verdict = "in time" if after.get("in_time") else "LATE"
        details.append(f"due {after['due']}, {verdict}")
    return words.capitalize() + (f" — {'; '.join(details)}" if details else "")


def _type_label(code: str) -> str:
    try:
        return RequestType(code).label
    except ValueError:
        return code


def _detail_text(value: object, labels: Callable[[str], str] = str) -> str:
    """An audit detail as an officer reads it: a list joined with commas, codes in words."""
    if isinstance(value, list | tuple):
        return ", ".join(labels(str(v)) for v in value)
    return labels(str(value)) if isinstance(value, str) else str(value)


class CaseFileService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def load(self, reference: str) -> CaseFileDTO:
        today = self.ctx.today()
        with self.ctx.db.read() as s:
            case = load_case(s, reference)
            warnings = self._warnings(s, case)
            events = s.scalars(
                select(AuditEvent).where(AuditEvent.case_reference == case.reference).order_by(AuditEvent.id)
            ).all()
            notes = s.scalars(select(Note).where(Note.case_id == case.id).order_by(Note.id)).all()
            timeline = [TimelineEntry(e.occurred_at, e.actor, "event", describe_event(e)) for e in events]
            timeline += [TimelineEntry(n.created_at, n.author, "note", n.body) for n in notes]
            timeline.sort(key=lambda t: _aware(t.at))
            tasks = s.scalars(
                select(Task)
                .where(Task.case_id == case.id)
                .order_by(Task.done_on.is_not(None), Task.due_on, Task.id)
            ).all()
            letters = s.scalars(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).all()
            documents = s.scalars(
                select(Document).where(Document.case_id == case.id).order_by(Document.id)
            ).all()
            checks = s.scalars(
                select(Verification).where(Verification.case_id == case.id).order_by(Verification.id)
            ).all()
            auths = s.scalars(select(Authorization).where(Authorization.id == case.authorization_id)).all()
            return CaseFileDTO(
                case=case_dto(case, today, warnings),
                timeline=timeline,
                tasks=[TaskDTO(t.id, t.title, t.kind, t.due_on, t.assignee, t.done_on) for t in tasks],
                notes=[NoteDTO(n.id, n.author, n.body, n.created_at) for n in notes],
                letters=[
                    LetterRowDTO(
                        x.id,
                        x.kind,
                        x.status,
                        x.created_at,
                        x.sent_on,
                        x.method,
                        LETTER_KINDS[x.kind].title if x.kind in LETTER_KINDS else x.kind.replace("_", " "),
                    )
                    for x in letters
                ],
                documents=[
                    DocumentRowDTO(d.id, d.kind, d.filename, d.content_type, d.size, d.created_at)
                    for d in documents
                ],
                verifications=[
                    VerificationRowDTO(
                        v.id,
                        v.level_required,
                        v.method,
                        list(v.checks),
                        v.declaration_received,
                        v.account_reauthenticated,
                        v.result,
                        v.decided_by,
                        v.decided_at,
                    )
                    for v in checks
                ],
                authorizations=[
                    AuthorizationRowDTO(
                        a.id,
                        a.signed_permission,
                        a.signed_by,
                        a.signed_on,
                        list(a.scope),
                        a.expires_on,
                        a.consumer_confirmed_on,
                        dict(a.power_of_attorney) if a.power_of_attorney else None,
                    )
                    for a in auths
                ],
                authorization_holds=case.authorization_holds,
                clock_options=clock_options(self.ctx, case),
            )

    def _warnings(self, s: Any, case: Any) -> list[WarningDTO]:
        """The limit and facial-check warnings of intake, recomputed against the requests received before."""
        history = [
            e
            for e in earlier_requests(s, [case.consumer_id], exclude_case=case.id)
            if (e.received, e.reference) < (case.received_on, case.reference)
        ]
        new = NewCase(
            organization=case.organization.slug,
            jurisdiction=case.jurisdiction,
            types=[i.request_type for i in case.items],
            channel=case.channel,
            received=case.received_on,
            name=case.consumer.full_name,
            address=case.consumer.postal_address,
            subject=case.subject,
            ca_residency_attested=case.consumer.ca_residency_attested,
            designated_channel=case.designated_channel,
        )
        try:
            types = [RequestType(i.request_type) for i in case.items]
            return rule_warnings(self.ctx, case.organization, new, types, Channel(case.channel), history)
        except ValueError:
            return []  # a code this version does not know: show the case without warnings


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
