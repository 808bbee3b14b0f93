"""Cases: create with one or more request items, show, list with filters."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from privdesk.domain import checks as facial_checks
from privdesk.domain import limits as request_limits
from privdesk.domain import search as text_search
from privdesk.domain import workflow
from privdesk.domain.due import ItemClock, due_next
from privdesk.domain.errors import NotFound, ValidationError
from privdesk.domain.references import format_reference, loose_reference
from privdesk.domain.types import OPEN_STATUSES, Channel, ItemStatus, RequestType
from privdesk.services import audit
from privdesk.services.call_check import call_data_points, prefill_call_check
from privdesk.services.consumers import ConsumerInput, find_candidates, new_consumer, open_request_warnings
from privdesk.services.context import ServiceContext
from privdesk.services.dto import (
    CaseDTO,
    CaseFilter,
    CaseRow,
    ClockPauseDTO,
    ItemDTO,
    NextActionDTO,
    WarningDTO,
)
from privdesk.services.itemstate import state_of
from privdesk.services.organizations import get_organization
from privdesk.services.rowlock import lock_or_create
from privdesk.services.search import search_condition
from privdesk.store.models import (
    Agent,
    Case,
    Consumer,
    Organization,
    ReferenceCounter,
    RequestItem,
    Task,
    open_status_condition,
    status_off_index,
)

DUE_SOON_DAYS = 7
EXTENSION_DECISION_LEAD_DAYS = 7


@dataclass(frozen=True)
class NewCase:
    organization: str
    jurisdiction: str
    types: Sequence[str]
    channel: str
    received: dt.date
    name: str
    email: str | None = None
    phone: str | None = None
    address: str = ""
    received_time: dt.time | None = None
    consumer_id: int | None = None
    agent_name: str | None = None
    agent_id: int | None = None
    subject: str = ""
    summary: str = ""
    ca_residency_attested: bool = False
    requester_relation: str = "self"  # self, parent, guardian, agent, minor
    designated_channel: bool = True
    is_minor: bool = False
    extra_warnings: Sequence[WarningDTO] = field(default_factory=tuple)
    intake_item_id: int | None = None  # the inbox item the case is made from
    # A know request naming the first day it covers (California: back to 2022-01-01), or asking for
    # everything the law allows; neither for the usual period. Applies to the case's know items.
    know_since: dt.date | None = None
    know_everything: bool = False
    # What a caller gave to be identified (a phone case): with the name and number, they prefill the
    # case's identity check (services/call_check.py).
    data_points_given: Sequence[str] = ()


def parse_types(types: Sequence[str]) -> list[RequestType]:
    if not types:
        raise ValidationError("a case needs at least one request type")
    result: list[RequestType] = []
    for raw in types:
        code = raw.strip()
        try:
            rtype = RequestType(code)
        except ValueError:
            known = ", ".join(t.value for t in RequestType)
            raise ValidationError(f"unknown request type {code!r} (known: {known})") from None
        if rtype not in result:
            result.append(rtype)
    return result


def parse_channel(raw: str) -> Channel:
    try:
        return Channel(raw.strip())
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ValidationError(f"unknown channel {raw!r} (known: {known})") from None


def item_dto(item: RequestItem) -> ItemDTO:
    return ItemDTO(
        id=item.id,
        type=item.request_type,
        status=item.status,
        outcome=item.outcome,
        acknowledge_by=item.acknowledge_by,
        respond_by=item.respond_by,
        extension_notice_by=item.extension_notice_by,
        extended_respond_by=item.extended_respond_by,
        respond_outside_by=item.respond_outside_by,
        extended_outside_by=item.extended_outside_by,
        basis=dict(item.basis),
        rule_version=item.rule_version,
        acknowledged_on=item.acknowledged_on,
        extended_on=item.extended_on,
        extension_reason=item.extension_reason,
        responded_on=item.responded_on,
        denial_reasons=list(item.denial_reasons),
        denial_text=item.denial_text,
        redirected_to=item.redirected_to,
        effective_type=item.effective_type,
        verification_level=item.verification_level,
        version=item.version,
        verification_result=item.verification_result,
        clock_started_on=item.clock_started_on,
        clock_pauses=tuple(pause_dtos(item.clock_pauses)),
        know_since=item.know_since,
        processed_on=item.processed_on,
    )


def pause_dtos(raw: list[Any] | None) -> list[ClockPauseDTO]:
    """The stored pauses ([{"start", "end", "reason"}], ISO dates) as DTOs, oldest first."""
    found = []
    for entry in raw or []:
        end = entry.get("end")
        found.append(
            ClockPauseDTO(
                dt.date.fromisoformat(entry["start"]),
                dt.date.fromisoformat(end) if end else None,
                str(entry.get("reason") or "clarification"),
                entry.get("days_left"),
            )
        )
    return sorted(found, key=lambda p: p.start)


def item_state(item: RequestItem, case: Case) -> workflow.ItemState:
    return state_of(item, case)


def refresh_case_status(case: Case, today: dt.date) -> None:
    """Derive the case's status and next due date from its items (kept in columns for fast lists)."""
    states = [item_state(i, case) for i in case.items]
    case.status = workflow.case_status(states).value
    action = workflow.case_next_action(states, today)
    case.next_due_on = action.due if action is not None else None
    if case.status in (ItemStatus.CLOSED, ItemStatus.WITHDRAWN) and case.closed_on is None:
        # The date the officer gave for the last closing step, not the day it was typed in:
        # retention runs from it.
        ends = [d for i in case.items for d in (i.closed_on, i.withdrawn_on) if d is not None]
        case.closed_on = max(ends, default=today)


def stored_warnings(case: Case) -> list[WarningDTO]:
    return [
        WarningDTO(
            w["code"],
            w["message"],
            w.get("basis", ""),
            w.get("earlier_reference"),
            dt.date.fromisoformat(w["earlier_date"]) if w.get("earlier_date") else None,
        )
        for w in case.warnings
    ]


def case_dto(case: Case, today: dt.date, warnings: Sequence[WarningDTO] | None = None) -> CaseDTO:
    if warnings is None:
        warnings = stored_warnings(case)
    states = [item_state(i, case) for i in case.items]
    action = workflow.case_next_action(states, today)
    consumer = case.consumer
    return CaseDTO(
        id=case.id,
        reference=case.reference,
        status=case.status,
        organization=case.organization.slug,
        organization_name=case.organization.display_name,
        consumer_id=consumer.id,
        consumer_name=consumer.full_name,
        consumer_email=consumer.email,
        consumer_phone=consumer.phone,
        consumer_address=consumer.postal_address,
        agent_name=case.agent.name if case.agent is not None else None,
        jurisdiction=case.jurisdiction,
        channel=case.channel,
        received_on=case.received_on,
        received_at=case.received_at,
        logged_by=case.logged_by,
        subject=case.subject,
        summary=case.summary,
        legal_hold=case.legal_hold,
        closed_on=case.closed_on,
        next_due_on=case.next_due_on,
        version=case.version,
        items=[item_dto(i) for i in case.items],
        warnings=list(warnings),
        next_action=(
            NextActionDTO(action.code, action.label, action.due, action.overdue)
            if action is not None
            else None
        ),
    )


def allocate_reference(session: Session, year: int) -> str:
    """Next number of the year, under a row lock, so that two workstations never share a number."""
    counter = lock_or_create(session, ReferenceCounter, {"year": year}, {"last_number": 0})
    counter.last_number += 1
    session.flush()
    return format_reference(year, counter.last_number)


def resolve_reference(session: Session, text: str) -> str | None:
    """The reference of the case the officer means: "PD-2026-000052" as written, or "52", "PD-2026-52",
    "2026-52" (a number without a year is the newest case with that number). None when there is none."""
    exact = text.strip().upper()
    if session.scalar(select(Case.reference).where(Case.reference == exact)) is not None:
        return exact
    loose = loose_reference(text)
    if loose is None:
        return None
    year, number = loose
    if year is not None:
        try:
            wanted = format_reference(year, number)
        except ValidationError:
            return None
        return session.scalar(select(Case.reference).where(Case.reference == wanted))
    width = max(len(str(number)), 6)
    pattern = f"PD-____-{number:0{width}d}"
    return session.scalar(
        select(Case.reference).where(Case.reference.like(pattern)).order_by(Case.reference.desc()).limit(1)
    )


def load_case(session: Session, reference: str) -> Case:
    found = resolve_reference(session, reference)
    case = session.scalar(
        select(Case)
        .where(Case.reference == (found or reference.strip().upper()))
        .options(
            selectinload(Case.items),
            selectinload(Case.organization),
            selectinload(Case.consumer),
            selectinload(Case.agent),
        )
    )
    if case is None:
        raise NotFound(f"no case with reference {reference!r}")
    return case


def earlier_requests(
    session: Session, consumer_ids: Sequence[int], exclude_case: int | None = None
) -> list[request_limits.EarlierRequest]:
    if not consumer_ids:
        return []
    rows = session.execute(
        select(
            Case.reference,
            Organization.slug,
            RequestItem.request_type,
            Case.received_on,
            RequestItem.responded_on,
            RequestItem.outcome,
            Case.id,
        )
        .join(RequestItem, RequestItem.case_id == Case.id)
        .join(Organization, Organization.id == Case.organization_id)
        .where(Case.consumer_id.in_(consumer_ids))
        .order_by(Case.received_on)
    ).all()
    return [
        request_limits.EarlierRequest(
            reference=ref,
            organization=slug,
            request_type=rtype,
            received=received,
            responded=responded,
            outcome=outcome,
        )
        for ref, slug, rtype, received, responded, outcome, case_id in rows
        if case_id != exclude_case
    ]


def rule_warnings(
    ctx: ServiceContext,
    org: Organization,
    new: NewCase,
    types: Sequence[RequestType],
    channel: Channel,
    history: Sequence[request_limits.EarlierRequest],
) -> list[WarningDTO]:
    out: list[WarningDTO] = []
    profile = facial_checks.OrganizationRules.from_profile(org.profile, org.slug)
    for rtype in types:
        found = request_limits.check_limits(
            ctx.rulebook,
            request_limits.NewRequest(
                organization=org.slug,
                request_type=rtype,
                received=new.received,
                jurisdiction=new.jurisdiction,
            ),
            history,
        )
        found += facial_checks.facial_checks(
            facial_checks.RequestFacts(
                jurisdiction=new.jurisdiction,
                request_type=rtype,
                channel=channel,
                subject=new.subject,
                ca_residency_attested=new.ca_residency_attested,
                ca_address_given=_looks_californian(new.address),
                requester_relation=new.requester_relation,
            ),
            profile,
            ctx.rulebook,
        )
        for w in found:
            dto = WarningDTO(w.code, w.message, w.basis, w.earlier_reference, w.earlier_date)
            if dto not in out:
                out.append(dto)
    return out


def _looks_californian(address: str) -> bool:
    import re

    return bool(re.search(r"\b(CA|California)\b[ ,]*9[0-6]\d{3}", address))


def _received_at(ctx: ServiceContext, org: Organization, new: NewCase) -> dt.datetime:
    time = new.received_time or dt.time(9, 0)
    try:
        zone = ZoneInfo(org.timezone)
    except Exception:  # an unknown zone name in a profile must not block intake
        zone = ZoneInfo("UTC")
    return dt.datetime.combine(new.received, time, tzinfo=zone)


class CaseService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- create -------------------------------------------------------------------------------
    def _know_since(self, new: NewCase, types: Sequence[RequestType]) -> dt.date | None:
        """Check a know request's period against the law's look-back (California: back to 2022-01-01)."""
        if new.know_since is None and not new.know_everything:
            return None
        rules = [self.ctx.rulebook.rule(new.jurisdiction, t, on=new.received) for t in types]
        look_backs = [r.look_back for r in rules if r.look_back is not None]
        if look_backs and new.know_everything:
            return max(lb.earliest for lb in look_backs)
        if not look_backs or new.know_since is None:
            raise ValidationError(
                f"a period to reach back to applies only to a request to know under a law that has one; "
                f"{new.jurisdiction} {', '.join(t.value for t in types)} has none"
            )
        earliest = max(lb.earliest for lb in look_backs)
        if new.know_since < earliest:
            raise ValidationError(
                f"a request to know reaches back to {earliest.isoformat()} at the earliest "
                f"({look_backs[0].basis.cite}), not {new.know_since.isoformat()}"
            )
        if new.know_since > new.received:
            raise ValidationError("the period a request to know covers cannot start after its receipt")
        return new.know_since

    def create(self, new: NewCase) -> CaseDTO:
        types = parse_types(new.types)
        channel = parse_channel(new.channel)
        today = self.ctx.today()
        if not new.name.strip():
            raise ValidationError("the consumer's name is required")
        deadlines = {
            t: self.ctx.rulebook.deadlines(
                new.jurisdiction, t, new.received, designated_channel=new.designated_channel, today=today
            )
            for t in types
        }
        know_since = self._know_since(new, types)
        with self.ctx.db.write() as s:
            org = get_organization(s, new.organization)
            if new.consumer_id is not None:
                consumer = s.get(Consumer, new.consumer_id)
                if consumer is None:
                    raise NotFound(f"no consumer with id {new.consumer_id}")
                candidates = []
            else:
                person = ConsumerInput(
                    name=new.name,
                    email=new.email,
                    phone=new.phone,
                    address=new.address,
                    ca_residency_attested=new.ca_residency_attested,
                    is_minor=new.is_minor,
                )
                candidates = find_candidates(s, person)
                consumer = new_consumer(s, person)
            agent = self._agent(s, new)
            # Limits run over every likely same person (check_limits reads the same organization only).
            likely = [c.consumer_id for c in candidates]
            history = earlier_requests(s, [consumer.id, *likely])
            warnings = rule_warnings(self.ctx, org, new, types, channel, history)
            warnings += open_request_warnings(history, org.slug, [t.value for t in types], new.received)
            for cand in candidates:
                warnings.append(
                    WarningDTO(
                        "possible_same_person",
                        f"may be the same person as consumer #{cand.consumer_id} ({cand.name}): "
                        + "; ".join(cand.reasons),
                    )
                )
            warnings.extend(new.extra_warnings)
            for rtype, dates in deadlines.items():
                if not dates.in_force and dates.note:  # a law (or a right) not yet in force that day
                    named = rtype.label.lower() in dates.note.lower()
                    message = f"{dates.note if named else f'{rtype.label}: {dates.note}'}; no statutory dates"
                    warnings.append(WarningDTO("not_in_force", message, dates.basis.get("in_force", "")))
            reference = allocate_reference(s, today.year)
            case = Case(
                reference=reference,
                organization=org,
                consumer=consumer,
                agent=agent,
                jurisdiction=new.jurisdiction,
                channel=channel.value,
                received_at=_received_at(self.ctx, org, new),
                received_on=new.received,
                logged_by=self.ctx.actor,
                status=ItemStatus.RECEIVED.value,
                subject=new.subject,
                summary=new.summary,
                designated_channel=new.designated_channel,
                intake_item_id=new.intake_item_id,
                warnings=[
                    {
                        "code": w.code,
                        "message": w.message,
                        "basis": w.basis,
                        "earlier_reference": w.earlier_reference,
                        "earlier_date": w.earlier_date.isoformat() if w.earlier_date else None,
                    }
                    for w in warnings
                ],
            )
            s.add(case)
            for rtype in types:
                d = deadlines[rtype]
                rule = self.ctx.rulebook.rule(new.jurisdiction, rtype, on=new.received)
                case.items.append(
                    RequestItem(
                        request_type=rtype.value,
                        status=ItemStatus.RECEIVED.value,
                        acknowledge_by=d.acknowledge_by,
                        respond_by=d.respond_by,
                        extension_notice_by=d.extension_notice_by,
                        extended_respond_by=d.extended_respond_by,
                        respond_outside_by=d.respond_outside_by,
                        extended_outside_by=d.extended_outside_by,
                        basis=dict(d.basis),
                        rule_version=d.rule_version,
                        know_since=know_since if rule.look_back is not None else None,
                        verification_level=rule.verification.level.value,
                    )
                )
            s.flush()
            refresh_case_status(case, today)
            self._generate_tasks(s, case)
            audit.record(
                s,
                self.ctx,
                "case.created",
                "case",
                case.id,
                case_reference=reference,
                after={
                    "organization": org.slug,
                    "jurisdiction": new.jurisdiction,
                    "channel": channel.value,
                    "received_on": new.received,
                    "types": [t.value for t in types],
                    "warnings": [w.code for w in warnings],
                },
            )
            if channel is Channel.PHONE and any(p.strip() for p in new.data_points_given):
                points = call_data_points(new.name, new.phone or "", new.data_points_given)
                prefill_call_check(s, self.ctx, case, points, new.intake_item_id)
            return case_dto(case, today, warnings)

    def _agent(self, s: Session, new: NewCase) -> Agent | None:
        if new.agent_id is not None:
            agent = s.get(Agent, new.agent_id)
            if agent is None:
                raise NotFound(f"no agent with id {new.agent_id}")
            return agent
        if new.agent_name and new.agent_name.strip():
            name = new.agent_name.strip()
            existing = s.scalar(select(Agent).where(func.lower(Agent.name) == name.lower()))
            if existing is not None:
                return existing
            agent = Agent(
                kind="business"
                if any(w in name.lower() for w in ("llc", "inc", "services", "ltd"))
                else "person",
                name=name,
            )
            s.add(agent)
            return agent
        return None

    def _generate_tasks(self, s: Session, case: Case) -> None:
        for item in case.items:
            label = RequestType(item.request_type).label
            if item.acknowledge_by:
                s.add(
                    Task(
                        case_id=case.id,
                        item_id=item.id,
                        kind="acknowledge",
                        title=f"Acknowledge: {label}",
                        due_on=item.acknowledge_by,
                    )
                )
            if item.extended_respond_by and item.respond_by:
                decide = item.respond_by - dt.timedelta(days=EXTENSION_DECISION_LEAD_DAYS)
                s.add(
                    Task(
                        case_id=case.id,
                        item_id=item.id,
                        kind="decide_extension",
                        title=f"Decide on an extension: {label}",
                        due_on=max(decide, case.received_on),
                    )
                )
            if item.respond_by:
                s.add(
                    Task(
                        case_id=case.id,
                        item_id=item.id,
                        kind="respond",
                        title=f"Respond: {label}",
                        due_on=item.respond_by,
                    )
                )

    # -- read ---------------------------------------------------------------------------------
    def deadlines_calendar(self, organization: str | None = None) -> str:
        """The open cases' next deadlines as an iCalendar file: references and steps, no personal data."""
        from privdesk.domain.ics import DeadlineEvent, calendar_text

        rows = self.list(CaseFilter(open_only=True, organization=organization))
        events = [DeadlineEvent(r.reference, r.next_due_on, r.due_next) for r in rows if r.next_due_on]
        return calendar_text(events, self.ctx.now())

    def resolve(self, text: str) -> str | None:
        """The reference of the case meant by "52", "PD-2026-52" or a full reference; None if none."""
        with self.ctx.db.read() as s:
            return resolve_reference(s, text)

    def show(self, reference: str) -> CaseDTO:
        with self.ctx.db.read() as s:
            return case_dto(load_case(s, reference), self.ctx.today())

    def list(self, filters: CaseFilter | None = None) -> builtins.list[CaseRow]:
        filters = filters or CaseFilter()
        today = self.ctx.today()
        with self.ctx.db.read() as s:
            ids = select(Case.id).where(*case_conditions(filters, today, sqlite=self.ctx.db.is_sqlite))
            ids = ids.order_by(Case.next_due_on.is_(None), Case.next_due_on, Case.id)
            if filters.limit:
                ids = ids.limit(filters.limit).offset(filters.offset)
            return case_rows(s, builtins.list(s.scalars(ids)), today)

    def count(self, filters: CaseFilter | None = None) -> int:
        """Cases matching the filters: one table (and the search index), no joins."""
        filters = filters or CaseFilter()
        conditions = case_conditions(filters, self.ctx.today(), sqlite=self.ctx.db.is_sqlite)
        with self.ctx.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0)


QUEUE_COLUMNS = (
    Case.id,
    Case.reference,
    Case.organization_id,
    Case.consumer_name,
    Case.jurisdiction,
    Case.channel,
    Case.received_on,
    Case.status,
    Case.next_due_on,
)


def case_conditions(
    f: CaseFilter, today: dt.date, *, sqlite: bool, status_index: bool = True
) -> builtins.list[ColumnElement[bool]]:
    """The queue's filters as conditions on the cases table alone, so that counts and pages read one
    table through its indexes (organizations by a subquery, request types by the items' index, text
    through the search index).

    On SQLite the status condition is kept off the status index (``status || ''``) when another path
    is better: a request-type or text match names few cases, read by id; a page sorted by a column
    with its own index reads that index in order and stops after a page. SQLite's planner, without
    statistics, would otherwise take the status index and sort every open case.
    """
    conditions: builtins.list[ColumnElement[bool]] = []
    by_id = bool(f.request_type or text_search.query_phrases(f.search or ""))
    status = status_off_index() if sqlite and (by_id or not status_index) else Case.status
    if f.status:
        if f.status not in {s.value for s in ItemStatus}:
            known = ", ".join(s.value for s in ItemStatus)
            raise ValidationError(f"unknown status {f.status!r} (known: {known})")
        conditions.append(status == f.status)
    if f.open_only or f.overdue:
        conditions.append(open_status_condition(status))  # as the open-case indexes state it
    if f.organization:
        organization = select(Organization.id).where(Organization.slug == f.organization)
        conditions.append(Case.organization_id == organization.scalar_subquery())
    if f.request_type:
        parse_types([f.request_type])
        conditions.append(
            Case.id.in_(select(RequestItem.case_id).where(RequestItem.request_type == f.request_type))
        )
    if f.due_before:
        conditions.append(Case.next_due_on <= f.due_before)
    if f.due_from:
        conditions.append(Case.next_due_on >= f.due_from)
    if f.overdue:
        conditions.append(Case.next_due_on < today)
    found = search_condition(f.search, sqlite=sqlite)
    if found is not None:
        conditions.append(found)
    return conditions


def case_rows(s: Session, ids: Sequence[int], today: dt.date) -> builtins.list[CaseRow]:
    """Queue rows for these case ids, in this order: the page was chosen on ids alone (an index scan),
    the few rows it names are read afterwards."""
    if not ids:
        return []
    found = {r.id: r for r in s.execute(select(*QUEUE_COLUMNS).where(Case.id.in_(ids)))}
    types: dict[int, builtins.list[str]] = {}
    clocks: dict[int, builtins.list[ItemClock]] = {}
    for case_id, rtype, status, ack_by, ack_on, respond_by, extended_by, extended_on in s.execute(
        select(
            RequestItem.case_id,
            RequestItem.request_type,
            RequestItem.status,
            RequestItem.acknowledge_by,
            RequestItem.acknowledged_on,
            RequestItem.respond_by,
            RequestItem.extended_respond_by,
            RequestItem.extended_on,
        )
        .where(RequestItem.case_id.in_(ids))
        .order_by(RequestItem.id)
    ):
        types.setdefault(case_id, []).append(rtype)
        clocks.setdefault(case_id, []).append(
            ItemClock(rtype, status, ack_by, ack_on, respond_by, extended_by, extended_on)
        )
    slugs: dict[int, str] = {
        org_id: slug for org_id, slug in s.execute(select(Organization.id, Organization.slug))
    }
    open_values = {st.value for st in OPEN_STATUSES}
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows: builtins.list[CaseRow] = []
    for case_id in ids:
        r = found.get(case_id)
        if r is None:  # deleted between the two reads
            continue
        due = r.next_due_on
        is_open = r.status in open_values
        rows.append(
            CaseRow(
                id=r.id,
                reference=r.reference,
                organization=slugs.get(r.organization_id, ""),
                consumer_name=r.consumer_name,
                jurisdiction=r.jurisdiction,
                channel=r.channel,
                received_on=r.received_on,
                types=types.get(case_id, []),
                status=r.status,
                next_due_on=due,
                overdue=bool(is_open and due is not None and due < today),
                due_soon=bool(is_open and due is not None and today <= due <= soon),
                due_next=due_next(clocks.get(case_id, []), due, r.status) if is_open else "",
                days_left=(due - today).days if is_open and due is not None else None,
            )
        )
    return rows
