"""The clock of a request item where the law lets it start late or stand still.

The UK GDPR (art. 12A, from 2026-02-05) runs the month from the "relevant time", the latest of
receipt, receipt of identity information asked for and payment of a fee, and stops the clock while
the controller waits for clarification it reasonably needs. The rule file names which types have such
a clock (``clock_start = "relevant_time"``, ``pauses``); this service records the facts, recomputes
the item's dates through the rulebook, keeps the respond task's due date in step and audits each
change with the old and new dates. A law without such a clock refuses with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from privdesk.domain.errors import ConflictError, TransitionRefused, ValidationError
from privdesk.domain.rules import ClockPause, ClockStart, Deadlines, TypeRule
from privdesk.domain.types import ItemStatus, RequestType, Role
from privdesk.services import audit
from privdesk.services.access import require_role
from privdesk.services.cases import case_dto, load_case, pause_dtos, refresh_case_status
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseDTO
from privdesk.store.models import Case, RequestItem, Task

DATE_FIELDS = (
    "acknowledge_by",
    "respond_by",
    "extension_notice_by",
    "extended_respond_by",
    "respond_outside_by",
    "extended_outside_by",
)


def item_deadlines(ctx: ServiceContext, case: Case, item: RequestItem, today: dt.date) -> Deadlines:
    """The item's dates from the rules, with its recorded clock start and pauses."""
    pauses = [ClockPause(p.start, p.end, p.reason) for p in pause_dtos(item.clock_pauses)]
    return ctx.rulebook.deadlines(
        case.jurisdiction,
        item.request_type,
        case.received_on,
        designated_channel=case.designated_channel,
        today=today,
        clock_started=item.clock_started_on,
        pauses=pauses,
    )


@dataclass(frozen=True)
class ClockOptionDTO:
    """What the law lets the officer record on one open item's clock."""

    item_type: str
    relevant_time: bool  # the clock may start later than receipt (UK art. 12A)
    pauses: tuple[tuple[str, str], ...]  # (code, label) of the pauses the rule file names
    paused_since: dt.date | None  # the clock is stopped now


def clock_options(ctx: ServiceContext, case: Case) -> list[ClockOptionDTO]:
    """The open items whose law lets their clock start late or stop, from the rule files."""
    found: list[ClockOptionDTO] = []
    for item in case.items:
        if ItemStatus(item.status) in (ItemStatus.RESPONDED, ItemStatus.CLOSED, ItemStatus.WITHDRAWN):
            continue
        try:
            rule = ctx.rulebook.rule(case.jurisdiction, item.request_type, on=case.received_on)
        except Exception:  # a type the law does not grant: nothing to record on its clock
            continue
        late = rule.clock is ClockStart.RELEVANT_TIME
        if late or rule.pauses:
            open_pause = next((p for p in pause_dtos(item.clock_pauses) if p.end is None), None)
            found.append(
                ClockOptionDTO(
                    item.request_type,
                    late,
                    tuple((p.code, p.label) for p in rule.pauses),
                    open_pause.start if open_pause else None,
                )
            )
    return found


class ClockService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def options(self, reference: str) -> list[ClockOptionDTO]:
        with self.ctx.db.read() as s:
            return clock_options(self.ctx, load_case(s, reference))

    def set_relevant_time(
        self, reference: str, item_type: str, on: dt.date, *, expected_version: int | None = None
    ) -> CaseDTO:
        """Identity information asked for, or the fee, arrived on ``on``: the clock runs from then."""

        def change(case: Case, item: RequestItem, rule: TypeRule) -> dict[str, Any]:
            if rule.clock is not ClockStart.RELEVANT_TIME:
                raise TransitionRefused(
                    f"{case.jurisdiction} {item.request_type}: the clock runs from receipt "
                    f"({rule.clock_start.cite}); it has no later starting point"
                )
            if on < case.received_on:
                raise ValidationError(
                    f"the clock cannot start ({on.isoformat()}) before the request was received "
                    f"({case.received_on.isoformat()})"
                )
            item.clock_started_on = on
            return {"clock_started_on": on.isoformat(), "basis": str(rule.clock_start)}

        return self._change(reference, item_type, on, "case.clock_started", change, expected_version)

    def pause(
        self,
        reference: str,
        item_type: str,
        on: dt.date,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CaseDTO:
        """On ``on`` the controller asked for what the law lets the clock stop for (UK: clarification it
        reasonably needs; Iowa: information to authenticate the request; GDPR: information to confirm
        identity): the clock stops. ``reason`` is the pause's code in the rule file; without it, the
        law's only pause."""

        def change(case: Case, item: RequestItem, rule: TypeRule) -> dict[str, Any]:
            allowed = {p.code: p for p in rule.pauses}
            only = next(iter(allowed)) if len(allowed) == 1 else "clarification"
            code = reason or only
            if code not in allowed:
                if not allowed:
                    raise TransitionRefused(
                        f"{case.jurisdiction} {item.request_type}: the law lets this clock stop for no "
                        f"reason ({rule.respond.basis.cite}); it keeps running"
                    )
                raise ValidationError(f"unknown pause reason {code!r} (known: {', '.join(allowed)})")
            pauses = pause_dtos(item.clock_pauses)
            if any(p.end is None for p in pauses):
                raise TransitionRefused(f"the clock of {item.request_type} is already stopped")
            if on < case.received_on or any(p.end is not None and on < p.end for p in pauses):
                raise ValidationError(f"a pause cannot start on {on.isoformat()}, before the clock ran again")
            # What was left of the response period when the clock stopped: it is left when it restarts.
            left = (item.respond_by - on).days if item.respond_by else None
            entry = {"start": on.isoformat(), "end": None, "reason": code, "days_left": left}
            raw = [*(item.clock_pauses or []), entry]
            item.clock_pauses = raw
            return {"paused_on": on.isoformat(), "reason": code, "basis": str(allowed[code].basis)}

        return self._change(reference, item_type, on, "case.clock_paused", change, expected_version)

    def resume(
        self, reference: str, item_type: str, on: dt.date, *, expected_version: int | None = None
    ) -> CaseDTO:
        """The clarification arrived on ``on``: the clock runs again, later by the days it stood still."""

        def change(case: Case, item: RequestItem, rule: TypeRule) -> dict[str, Any]:
            raw = [dict(p) for p in item.clock_pauses or []]
            open_pause = next((p for p in raw if p.get("end") is None), None)
            if open_pause is None:
                raise TransitionRefused(f"the clock of {item.request_type} is not stopped")
            if on < dt.date.fromisoformat(open_pause["start"]):
                raise ValidationError(
                    f"the clock cannot restart on {on.isoformat()}, before it stopped ({open_pause['start']})"
                )
            open_pause["end"] = on.isoformat()
            item.clock_pauses = raw
            days = (on - dt.date.fromisoformat(open_pause["start"])).days
            return {"resumed_on": on.isoformat(), "paused_days": days}

        return self._change(reference, item_type, on, "case.clock_resumed", change, expected_version)

    # -- shared ---------------------------------------------------------------------------------
    def _change(
        self,
        reference: str,
        item_type: str,
        on: dt.date,
        action: str,
        change: Any,
        expected_version: int | None,
    ) -> CaseDTO:
        today = self.ctx.today()
        if on > today:
            raise ValidationError(f"{on.isoformat()} is in the future")
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            require_role(self.ctx, Role.OFFICER, session=s)
            if expected_version is not None and case.version != expected_version:
                raise ConflictError(f"{case.reference} was changed by someone else; reload it first")
            item = _open_item(case, item_type)
            rule = self.ctx.rulebook.rule(case.jurisdiction, item.request_type, on=case.received_on)
            before = {f: _iso(getattr(item, f)) for f in DATE_FIELDS}
            details = change(case, item, rule)
            fresh = item_deadlines(self.ctx, case, item, today)
            for f in DATE_FIELDS:
                setattr(item, f, getattr(fresh, f))
            item.basis = dict(fresh.basis)
            item.rule_version = fresh.rule_version
            due = item.extended_respond_by if item.extended_on else item.respond_by
            open_tasks = select(Task).where(
                Task.item_id == item.id, Task.kind == "respond", Task.done_on.is_(None)
            )
            for task in s.scalars(open_tasks):
                task.due_on = due
            refresh_case_status(case, today)
            case.updated_at = self.ctx.now()
            s.flush()
            audit.record(
                s,
                self.ctx,
                action,
                "case",
                case.id,
                case_reference=case.reference,
                before={"item": item.request_type, **before},
                after={
                    "item": item.request_type,
                    **details,
                    **{f: _iso(getattr(item, f)) for f in DATE_FIELDS},
                },
            )
            return case_dto(case, today)


def _open_item(case: Case, item_type: str) -> RequestItem:
    try:
        wanted = RequestType(item_type)
    except ValueError:
        raise ValidationError(f"unknown request type {item_type!r}") from None
    for item in case.items:
        if item.request_type == wanted.value:
            if ItemStatus(item.status) in (ItemStatus.RESPONDED, ItemStatus.CLOSED, ItemStatus.WITHDRAWN):
                raise TransitionRefused(
                    f"{case.reference} {wanted.value} is {item.status}: its clock has stopped"
                )
            return item
    has = ", ".join(i.request_type for i in case.items)
    raise ValidationError(f"{case.reference} has no {wanted.value} request (it has: {has})")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
