"""The inbox: pending items, an item whole, corrections, setting aside, and the way to a case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privdesk.domain.errors import ConflictError, NotFound, ValidationError
from privdesk.intake.contact import contact_from_text, is_email
from privdesk.services import audit
from privdesk.services.cases import CaseService, NewCase, load_case
from privdesk.services.content import read_verified
from privdesk.services.dto import CaseDTO, WarningDTO
from privdesk.services.intake.common import (
    IntakeBase,
    _fingerprint,
    _reason,
    _zone,
)
from privdesk.services.intake.dto import (
    _CLAIM_MINUTES,
    _RESIDENCY,
    ATTACHED,
    CASE_CREATED,
    PENDING,
    SET_ASIDE,
    IntakeItemDTO,
    IntakeRowDTO,
    NewCaseFromIntake,
)
from privdesk.services.organizations import get_organization
from privdesk.store.models import (
    Case,
    Document,
    IntakeItem,
    Organization,
)


class Triage(IntakeBase):
    """The inbox: list, show, correct, set aside, and turn an item into a case or attach it to one."""

    def pending(self) -> list[IntakeRowDTO]:
        """The inbox list: every pending item with its suggestions, in two queries."""
        with self.ctx.db.read() as s:
            slugs = {oid: slug for oid, slug in s.execute(select(Organization.id, Organization.slug))}
            items = list(
                s.scalars(
                    select(IntakeItem)
                    .where(IntakeItem.status == PENDING)
                    .order_by(IntakeItem.received_at, IntakeItem.id)
                )
            )
            counts: dict[int, int] = {
                item_id: n
                for item_id, n in s.execute(
                    select(Document.intake_item_id, func.count())
                    .join(IntakeItem, IntakeItem.id == Document.intake_item_id)
                    .where(IntakeItem.status == PENDING)
                    .group_by(Document.intake_item_id)
                )
                if item_id is not None
            }
            return [
                IntakeRowDTO(
                    id=i.id,
                    channel=i.channel,
                    status=i.status,
                    organization=slugs.get(i.organization_id) if i.organization_id else None,
                    received_on=i.received_on,
                    sender_name=i.sender_name,
                    sender_address=i.sender_address,
                    subject=i.subject,
                    is_request=i.detection.get("is_request"),
                    types=list(i.detection.get("types", [])),
                    warnings=len(i.warnings),
                    jurisdiction=i.detection.get("jurisdiction"),
                    agent=bool(i.detection.get("agent")),
                    warning_messages=list(i.warnings),
                    documents=counts.get(i.id, 0),
                    possible=bool(i.detection.get("possible")),
                )
                for i in items
            ]

    def show(self, intake_id: int) -> IntakeItemDTO:
        with self.ctx.db.read() as s:
            return self._item_dto(s, self._load(s, intake_id))

    def original_bytes(self, document_id: int) -> bytes:
        """The stored bytes of one intake document, unchanged (for preview or export)."""
        with self.ctx.db.read() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise NotFound(f"no document with id {document_id}")
            data = read_verified(s, doc.sha256, f"document {document_id}")
            if data is None:
                raise NotFound(f"the content of document {document_id} has been removed")
            return data

    def correct_received_date(self, intake_id: int, new_date: dt.date, reason: str) -> IntakeItemDTO:
        why = _reason(reason, "correcting the received date")
        if isinstance(new_date, dt.datetime):
            new_date = new_date.date()
        if new_date > self.ctx.today():
            raise ValidationError("the received date cannot be in the future")
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            self._require_pending(item)
            org = s.get(Organization, item.organization_id) if item.organization_id else None
            zone = _zone(org.timezone if org else None)
            before = item.received_on
            local_time = item.received_at.astimezone(zone).time()
            item.received_on = new_date
            item.received_at = dt.datetime.combine(new_date, local_time, tzinfo=zone)
            item.received_corrected = True
            corrections = list(item.details.get("received_corrections", []))
            corrections.append(
                {"from": before.isoformat(), "to": new_date.isoformat(), "reason": why, "by": self.ctx.actor}
            )
            item.details = {**item.details, "received_corrections": corrections}
            audit.record(
                s,
                self.ctx,
                "intake.received_corrected",
                "intake_item",
                item.id,
                before={"received_on": before},
                after={"received_on": new_date, "reason_sha256": _fingerprint(why)},
            )
            s.flush()
            return self._item_dto(s, item)

    def set_aside(self, intake_id: int, reason: str) -> IntakeItemDTO:
        why = _reason(reason, "setting an item aside")
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            self._require_pending(item)
            item.status = SET_ASIDE
            item.set_aside_reason = why
            audit.record(
                s,
                self.ctx,
                "intake.set_aside",
                "intake_item",
                item.id,
                before={"status": PENDING},
                after={"status": SET_ASIDE, "reason_sha256": _fingerprint(why)},
            )
            s.flush()
            return self._item_dto(s, item)

    # -- becoming a case --------------------------------------------------------------------------

    def suggest_case(self, intake_id: int) -> NewCaseFromIntake:
        """Defaults for the confirmation form, from detection and the sender; the officer corrects them."""
        with self.ctx.db.read() as s:
            item = self._load(s, intake_id)
            d = item.detection
            org = s.get(Organization, item.organization_id) if item.organization_id else None
            slug = org.slug if org else (d.get("organization") or "")
            jurisdiction = d.get("jurisdiction") or (
                org.jurisdictions[0] if org and org.jurisdictions else ""
            )
            ca_phrases = d.get("evidence", {}).get("jurisdiction:US-CA", [])
            agent = bool(d.get("agent"))
            body = item.body_text[:16384]
            found = contact_from_text(body, signature=not agent)
            sender_email = item.sender_address if is_email(item.sender_address) else None
            postal = item.details.get("sender_address", "")
            if agent:
                # The agent's name and address are the agent's; the consumer comes from the body.
                name, email, address = found.name, found.email, found.address
                agent_name = item.sender_name or sender_email
            else:
                name = item.sender_name or found.name
                email = sender_email or found.email
                address = postal if postal and not is_email(postal) else found.address
                agent_name = None
            phone = item.details.get("caller_number") or found.phone
            summary = item.body_text[:2000]
            given = item.details.get("data_points_given") or []
            if given:
                summary += "\n\nIdentifying details the caller gave: " + "; ".join(given)
            return NewCaseFromIntake(
                types=list(d.get("types", [])),
                jurisdiction=jurisdiction,
                organization=slug,
                name=name,
                email=email,
                phone=phone or None,
                address=address,
                agent_name=agent_name,
                received=item.received_on,
                subject=item.subject,
                summary=summary,
                ca_residency_attested=any(_RESIDENCY.search(p) for p in ca_phrases),
                requester_relation="agent" if agent else "self",
                data_points_given=tuple(given),
            )

    def make_case(self, intake_id: int, confirmed: NewCaseFromIntake) -> CaseDTO:
        """Create the case the officer confirmed, then link the item and move its documents to it.

        CaseService.create is its own transaction, so this takes three short ones: claim the item
        (optimistic version check: two officers cannot both claim it), create the case with its
        ``intake_item_id`` link, link the item. A retry after a failure between the last two finds the
        case by that link and only links the item, so a retry never makes a second case.
        """
        claim = self._claim(intake_id)
        if claim.case_id is None:
            case = CaseService(self.ctx).create(self._new_case(intake_id, confirmed, claim))
            case_id = case.id
        else:
            case_id = claim.case_id
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            case_row = s.get(Case, case_id)
            assert case_row is not None
            self._link(s, item, case_row, CASE_CREATED)
            reference = case_row.reference
        return CaseService(self.ctx).show(reference)

    @dataclass(frozen=True)
    class _Claim:
        channel: str
        received_on: dt.date
        received_at: dt.datetime
        corrected: bool
        warnings: tuple[str, ...]
        case_id: int | None  # a case an earlier attempt created but did not link

    def _claim(self, intake_id: int) -> Triage._Claim:
        now = self.ctx.now()
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            self._require_pending(item)
            earlier = item.details.get("making_case")
            found: int | None = None
            if earlier:
                found = self._marked_case(s, intake_id, int(earlier.get("after_case_id", 0)))
                started = dt.datetime.fromisoformat(earlier["at"])
                if found is None and now - started < dt.timedelta(minutes=_CLAIM_MINUTES):
                    raise ConflictError(
                        f"a case is being made from intake item {intake_id} right now; try again in a minute"
                    )
            last_case = s.scalar(select(func.max(Case.id))) or 0
            item.details = {
                **item.details,
                "making_case": {"at": now.isoformat(), "after_case_id": last_case},
            }
            s.flush()
            return Triage._Claim(
                item.channel,
                item.received_on,
                item.received_at,
                item.received_corrected,
                tuple(item.warnings),
                found,
            )

    @staticmethod
    def _marked_case(s: Session, intake_id: int, after_case_id: int) -> int | None:
        """The case an interrupted attempt made from this item, found by its link to the item."""
        return s.scalar(
            select(Case.id).where(Case.intake_item_id == intake_id, Case.id > after_case_id).limit(1)
        )

    def _new_case(self, intake_id: int, c: NewCaseFromIntake, claim: Triage._Claim) -> NewCase:
        received = c.received or claim.received_on
        received_time: dt.time | None = None
        if c.received is None and not claim.corrected:
            # The received day in the confirmed organization's timezone (it may differ from the suggestion).
            with self.ctx.db.read() as s:
                zone = _zone(get_organization(s, c.organization).timezone)
            local = claim.received_at.astimezone(zone)
            received, received_time = local.date(), local.time().replace(microsecond=0)
        extra = [WarningDTO("intake", w) for w in claim.warnings]
        return NewCase(
            organization=c.organization,
            jurisdiction=c.jurisdiction,
            types=list(c.types),
            channel=claim.channel,
            received=received,
            received_time=received_time,
            name=c.name,
            email=c.email,
            phone=c.phone,
            address=c.address,
            agent_name=c.agent_name,
            subject=c.subject,
            summary=c.summary,
            ca_residency_attested=c.ca_residency_attested,
            requester_relation=c.requester_relation,
            designated_channel=c.designated_channel,
            consumer_id=c.consumer_id,
            extra_warnings=tuple(extra),
            intake_item_id=intake_id,
            data_points_given=tuple(c.data_points_given),
        )

    def _link(self, s: Session, item: IntakeItem, case: Case, status: str) -> None:
        self._require_pending(item)
        moved = 0
        for doc in s.scalars(select(Document).where(Document.intake_item_id == item.id)):
            doc.case_id = case.id
            moved += 1
        item.status = status
        item.case_id = case.id
        item.details = {k: v for k, v in item.details.items() if k != "making_case"}
        audit.record(
            s,
            self.ctx,
            "intake.case_created" if status == CASE_CREATED else "intake.attached",
            "intake_item",
            item.id,
            case_reference=case.reference,
            before={"status": PENDING},
            after={"status": status, "case_id": case.id, "documents": moved},
        )

    def attach_to_case(self, intake_id: int, reference: str) -> IntakeItemDTO:
        """The item belongs to a case already open (a follow-up, the ID proof arriving by post)."""
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            case = load_case(s, reference)
            self._link(s, item, case, ATTACHED)
            s.flush()
            return self._item_dto(s, item)
