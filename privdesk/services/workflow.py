"""The officer's workflow on a case: acknowledge, verify, authorize, extend, respond, deny, close.

Every step goes through the pure lifecycle rules (``privdesk.domain.workflow``), which refuse an
impossible step with the reason; this module loads, applies, stores, audits, queues letters and
keeps the case's tasks in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain import outcomes, workflow
from privdesk.domain import verification as verification_rules
from privdesk.domain.errors import ConflictError, NotFound, TransitionRefused, ValidationError
from privdesk.domain.types import (
    DenialReason,
    ItemStatus,
    LetterStatus,
    Outcome,
    RequestType,
    Role,
    VerificationLevel,
)
from privdesk.services import audit
from privdesk.services.access import APPROVE_DENIAL, APPROVE_SPECIFIC_PIECES, require_approval, require_role
from privdesk.services.cases import case_dto, load_case, refresh_case_status
from privdesk.services.clock import item_deadlines
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseDTO
from privdesk.services.itemstate import state_of, write_back
from privdesk.services.notes import NoteService
from privdesk.store.models import Case, Letter, Note, RequestItem, Task, Verification


@dataclass(frozen=True)
class DataPoint:
    name: str
    asked: bool = True
    received: bool = False
    matched: bool | None = None
    being_corrected: bool = False


@dataclass(frozen=True)
class VerificationInput:
    method: str = "data_points"  # data_points, account, declaration
    data_points: Sequence[DataPoint] = ()
    declaration_received: bool = False
    account_reauthenticated: bool = False
    final: bool = False  # nothing more will come: what is pending becomes unverifiable


def letter_kinds_for(state: workflow.ItemState) -> tuple[str, ...]:
    """The response letters a responded item sends (``privdesk.domain.outcomes`` decides)."""
    return outcomes.response_letters(state.handled_as, state.outcome, state.denial_reasons)


class WorkflowService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- plumbing ----------------------------------------------------------------------------
    def _apply(
        self,
        reference: str,
        action: str,
        step: Callable[[Session, Case, RequestItem, workflow.ItemState], workflow.ItemState | None],
        *,
        item_types: Sequence[str] | None = None,
        expected_version: int | None = None,
        only_open: bool = True,
        details: dict[str, object] | None = None,
        prelude: Callable[[Session, Case], None] | None = None,
    ) -> CaseDTO:
        today = self.ctx.today()
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            require_role(self.ctx, Role.OFFICER, session=s)
            if prelude is not None:
                prelude(s, case)
            if expected_version is not None and case.version != expected_version:
                raise ConflictError(
                    f"{case.reference} was changed by someone else (version {case.version}, you had "
                    f"{expected_version}); reload the case and apply your change again"
                )
            items = self._select_items(case, item_types, only_open)
            changed: list[dict[str, object]] = []
            for item in items:
                new_state = step(s, case, item, state_of(item, case))
                if new_state is None:
                    continue
                before = write_back(item, new_state)
                if before:
                    changed.append({"item": item.request_type, "before": before})
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
                before={"items": changed} if changed else None,
                after=details,
            )
            return case_dto(case, today)

    @staticmethod
    def _select_items(case: Case, item_types: Sequence[str] | None, only_open: bool) -> list[RequestItem]:
        items = list(case.items)
        if item_types:
            wanted = set(item_types)
            unknown = wanted - {i.request_type for i in items}
            if unknown:
                raise ValidationError(
                    f"{case.reference} has no {', '.join(sorted(unknown))} request "
                    f"(it has: {', '.join(i.request_type for i in items)})"
                )
            items = [i for i in items if i.request_type in wanted]
        if only_open:
            open_items = [i for i in items if ItemStatus(i.status) in workflow.OPEN_STATUSES]
            if not open_items:
                raise TransitionRefused(f"{case.reference} has no open request to act on")
            items = open_items
        return items

    def _done_tasks(self, s: Session, item: RequestItem, kinds: Sequence[str], on: dt.date) -> None:
        for task in s.scalars(
            select(Task).where(Task.item_id == item.id, Task.kind.in_(kinds), Task.done_on.is_(None))
        ):
            task.done_on = on

    def queue_letter(
        self,
        s: Session,
        case: Case,
        kind: str,
        item: RequestItem | None,
        extra: Mapping[str, object] | None = None,
    ) -> Letter:
        letter = Letter(
            case_id=case.id,
            item_id=item.id if item else None,
            kind=kind,
            status=LetterStatus.QUEUED.value,
            template_ref=kind,
            data=dict(extra or {}),
        )
        s.add(letter)
        return letter

    # -- steps -------------------------------------------------------------------------------
    def acknowledge(
        self,
        reference: str,
        on: dt.date,
        method: str,
        *,
        item_types: Sequence[str] | None = None,
        expected_version: int | None = None,
        send_letter: bool | None = None,
    ) -> CaseDTO:
        self._not_future(on)
        queued: set[str] = set()

        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if st.acknowledged_on is not None or (st.acknowledge_by is None and item_types is None):
                return None
            self._done_tasks(s, item, ["acknowledge"], on)
            # A UK complaint to the controller has its own acknowledgement (DPA 2018 s.164A(3)).
            kind = (
                "complaint_acknowledgement" if st.request_type is RequestType.COMPLAINT else "acknowledgement"
            )
            if (send_letter if send_letter is not None else method == "letter") and kind not in queued:
                self.queue_letter(s, case, kind, item)
                queued.add(kind)
            return workflow.acknowledge(st, on, method)

        return self._apply(
            reference,
            "case.acknowledged",
            step,
            item_types=item_types,
            expected_version=expected_version,
            details={"on": on.isoformat(), "method": method},
        )

    def request_verification(self, reference: str, *, expected_version: int | None = None) -> CaseDTO:
        queued: list[bool] = []

        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if not st.verification_required:
                return None
            if not queued:
                self.queue_letter(s, case, "verification_request", item)
                queued.append(True)
            return workflow.request_verification(st)

        return self._apply(reference, "case.verification_requested", step, expected_version=expected_version)

    def verify(
        self, reference: str, data: VerificationInput, *, expected_version: int | None = None
    ) -> CaseDTO:
        """Record the identity check and judge each item at the level its rule requires."""
        rulebook = self.ctx.rulebook
        outcomes: dict[str, str] = {}

        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if not st.verification_required:
                return None
            rule = rulebook.rule(case.jurisdiction, item.request_type, on=case.received_on)
            record = verification_rules.VerificationRecord(
                level_required=st.verification_level_required,
                method=data.method,
                checks=tuple(
                    verification_rules.DataPointCheck(
                        p.name, p.asked, p.received, p.matched, p.being_corrected
                    )
                    for p in data.data_points
                ),
                declaration_received=data.declaration_received,
                account_reauthenticated=data.account_reauthenticated,
            )
            result = verification_rules.evaluate(
                record,
                rule.verification.data_points,
                rule.verification.signed_declaration,
                request_type=st.request_type,
                sells_or_shares=case.organization.sells_or_shares,
                final=data.final,
            )
            outcomes[item.request_type] = result.result
            if result.result == "pending":
                return (
                    workflow.request_verification(st)
                    if st.status is not ItemStatus.AWAITING_VERIFICATION
                    else st
                )
            new = workflow.record_verification(st, result.result)
            if result.effective_type is not None and result.effective_type is not new.request_type:
                new = replace(new, effective_type=result.effective_type)
                s.add(
                    Note(
                        case_id=case.id,
                        author="privdesk",
                        body=f"{RequestType(item.request_type).label} could not be verified to the level "
                        f"required; it is answered as {result.effective_type.label} "
                        "(Cal. Code Regs. tit. 11, §7024(a)).",
                    )
                )
            return new

        def prelude(s: Session, case: Case) -> None:
            levels = {i.verification_level for i in case.items}
            s.add(
                Verification(
                    case_id=case.id,
                    level_required=max(
                        levels - {None}, default=VerificationLevel.REASONABLE.value, key=_level_rank
                    )
                    or VerificationLevel.REASONABLE.value,
                    method=data.method,
                    checks=[p.__dict__ for p in data.data_points],
                    declaration_received=data.declaration_received,
                    account_reauthenticated=data.account_reauthenticated,
                    result="recorded",
                    decided_by=self.ctx.actor,
                    decided_at=self.ctx.now(),
                )
            )

        return self._apply(
            reference,
            "case.verification_recorded",
            step,
            expected_version=expected_version,
            prelude=prelude,
            details={
                "method": data.method,
                "results": outcomes,
                "data_points": [p.name for p in data.data_points],
            },
        )

    def extend(
        self,
        reference: str,
        on: dt.date,
        reason: str,
        *,
        item_types: Sequence[str] | None = None,
        expected_version: int | None = None,
    ) -> CaseDTO:
        self._not_future(on)
        queued: list[bool] = []

        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if item_types is None and st.extended_respond_by is None:
                return None
            new = workflow.extend(st, on, reason)
            self._done_tasks(s, item, ["decide_extension", "respond"], on)
            s.add(
                Task(
                    case_id=case.id,
                    item_id=item.id,
                    kind="respond",
                    title=f"Respond (extended): {RequestType(item.request_type).label}",
                    due_on=new.extended_respond_by,
                )
            )
            if not queued:
                self.queue_letter(s, case, "extension_notice", item, {"reason": reason})
                queued.append(True)
            return new

        return self._apply(
            reference,
            "case.extended",
            step,
            item_types=item_types,
            expected_version=expected_version,
            details={"on": on.isoformat(), "reason_given": bool(reason.strip())},
        )

    def respond(
        self,
        reference: str,
        item_type: str,
        on: dt.date,
        outcome: str,
        *,
        disclose_specific_pieces: bool = False,
        reasons: Sequence[str] = (),
        explanation: str = "",
        expected_version: int | None = None,
        queue_letter: bool = True,
    ) -> CaseDTO:
        self._not_future(on)
        try:
            result = Outcome(outcome)
        except ValueError:
            raise ValidationError(
                f"unknown outcome {outcome!r} (fulfilled, partly_fulfilled, denied, not_applicable)"
            ) from None
        codes = _denial_reasons(reasons)
        if item_type in {t.value for t in RequestType}:  # an outcome the type lacks: refused first
            problem = outcomes.check_outcome(RequestType(item_type), result)
            if problem:
                raise TransitionRefused(problem)

        def step(s: Session, case: Case, item: RequestItem, st: workflow.ItemState) -> workflow.ItemState:
            new = workflow.respond(st, on, result, disclose_specific_pieces, codes, explanation)
            self._done_tasks(s, item, ["acknowledge", "decide_extension", "respond", "confirm"], on)
            if queue_letter:
                for kind in letter_kinds_for(new):
                    if kind == "stl_response" and (case.organization.profile or {}).get("stl_alternative"):
                        kind = "stl_alternative"  # Civ. Code 1798.83(c)(2): the opt-out notice instead
                    self.queue_letter(s, case, kind, item)
            return new

        # Every denial (whole or partial: each sends a refusal letter) and every disclosure of
        # specific pieces needs a reviewer's approval.
        review = [APPROVE_DENIAL] if outcomes.is_denial(result) else []
        review += [APPROVE_SPECIFIC_PIECES] if disclose_specific_pieces else []
        return self._apply(
            reference,
            "case.responded",
            step,
            item_types=[item_type],
            expected_version=expected_version,
            prelude=lambda s, case: require_approval(self.ctx, s, case.reference, review),
            details={
                "item": item_type,
                "outcome": result.value,
                "reasons": [c.value for c in codes],
                "on": on.isoformat(),
            },
        )

    def record_processed(
        self,
        reference: str,
        item_type: str,
        on: dt.date,
        *,
        confirm: bool = False,
        expected_version: int | None = None,
    ) -> CaseDTO:
        """Record the day an opt-out or limit request was carried out. That meets its deadline
        (California: 15 business days, Cal. Code Regs. tit. 11 §§7026(f), 7027(g)); the respond task
        is done and a task to confirm it to the consumer takes its place. With ``confirm`` the
        confirmation is recorded at once and its letter ("Opt-Out Request Honored") queued."""
        self._not_future(on)
        if item_type in {t.value for t in RequestType} and RequestType(item_type) not in workflow.CEASE_TYPES:
            raise TransitionRefused(
                f"a {RequestType(item_type).label} request is answered, not processed: only opt-out and "
                "limit requests record the day they were carried out"
            )
        details: dict[str, object] = {"item": item_type, "on": on.isoformat(), "confirmed": confirm}

        def step(s: Session, case: Case, item: RequestItem, st: workflow.ItemState) -> workflow.ItemState:
            new = workflow.record_processed(st, on)
            due = new.current_respond_by
            details.update(
                {
                    "due": due.isoformat() if due else None,
                    "in_time": due is None or on <= due,
                    "basis": (item.basis or {}).get("respond_by", ""),
                }
            )
            self._done_tasks(s, item, ["acknowledge", "decide_extension", "respond"], on)
            if confirm:
                new = workflow.respond(new, on, Outcome.FULFILLED)
                for kind in letter_kinds_for(new):
                    self.queue_letter(s, case, kind, item)
            else:
                s.add(
                    Task(
                        case_id=case.id,
                        item_id=item.id,
                        kind="confirm",
                        title=f"Confirm it was processed: {RequestType(item.request_type).label}",
                        due_on=None,
                    )
                )
            return new

        return self._apply(  # the audit entry is written after the step: it carries what the step found
            reference,
            "case.processed",
            step,
            item_types=[item_type],
            expected_version=expected_version,
            details=details,
        )

    def deny(
        self,
        reference: str,
        item_type: str,
        on: dt.date,
        reasons: Sequence[str],
        explanation: str = "",
        *,
        expected_version: int | None = None,
    ) -> CaseDTO:
        if not reasons:
            raise TransitionRefused("a denial needs at least one reason")
        return self.respond(
            reference,
            item_type,
            on,
            Outcome.DENIED.value,
            reasons=reasons,
            explanation=explanation,
            expected_version=expected_version,
        )

    def redirect_to_business(
        self,
        reference: str,
        item_type: str,
        business_name: str,
        on: dt.date,
        business_address: str = "",
        *,
        expected_version: int | None = None,
    ) -> CaseDTO:
        """Service-provider request: tell the requester to contact the business, and notify the business."""
        self._not_future(on)

        def step(s: Session, case: Case, item: RequestItem, st: workflow.ItemState) -> workflow.ItemState:
            new = workflow.redirect_to_business(st, business_name, on)
            extra = {"business_name": business_name, "business_address": business_address}
            self.queue_letter(s, case, "service_provider_redirect", item, extra)
            self.queue_letter(s, case, "service_provider_notice", item, extra)
            self._done_tasks(s, item, ["acknowledge", "decide_extension", "respond"], on)
            return new

        return self._apply(
            reference,
            "case.redirected",
            step,
            item_types=[item_type],
            expected_version=expected_version,
            details={"item": item_type, "business": business_name},
        )

    def close(self, reference: str, on: dt.date, *, expected_version: int | None = None) -> CaseDTO:
        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if st.status in (ItemStatus.CLOSED, ItemStatus.WITHDRAWN):
                return None
            return workflow.close(st, on)

        return self._apply(
            reference,
            "case.closed",
            step,
            expected_version=expected_version,
            only_open=False,
            details={"on": on.isoformat()},
        )

    def reopen(self, reference: str, reason: str, *, expected_version: int | None = None) -> CaseDTO:
        """A closed, answered or withdrawn case back to work (a returned letter, a mistake, the consumer
        came back); the deadlines stay as the law set them, the reason is audited."""

        def prelude(s: Session, case: Case) -> None:
            if case.purged_on is not None:
                raise TransitionRefused(
                    f"{case.reference} was purged under the retention rules and cannot be reopened"
                )
            if not reason.strip():
                raise TransitionRefused("say why the case is reopened")
            case.closed_on = None

        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if st.is_open:
                return None
            return workflow.reopen(st, reason)

        return self._apply(
            reference,
            "case.reopened",
            step,
            expected_version=expected_version,
            only_open=False,
            details={"reason": reason},
            prelude=prelude,
        )

    def withdraw(
        self, reference: str, on: dt.date, note: str = "", *, expected_version: int | None = None
    ) -> CaseDTO:
        def step(s: Session, case: Case, item: RequestItem, st: workflow.ItemState) -> workflow.ItemState:
            self._done_tasks(s, item, ["acknowledge", "decide_extension", "respond", "confirm"], on)
            return workflow.withdraw(st, on)

        def keep_note(s: Session, case: Case) -> None:
            if note.strip():
                s.add(Note(case_id=case.id, author=self.ctx.actor, body=note.strip()))

        return self._apply(
            reference,
            "case.withdrawn",
            step,
            expected_version=expected_version,
            prelude=keep_note,
            details={"on": on.isoformat(), "note_added": bool(note.strip())},
        )

    def recompute_deadlines(self, reference: str, *, expected_version: int | None = None) -> CaseDTO:
        """Recompute every open item's dates from the current rule files (after the rules changed).

        Open cases keep the dates they were computed with until the officer asks for this; the
        audit trail records the old and new dates and the rule versions behind them.
        """
        today = self.ctx.today()
        fields = (
            "acknowledge_by",
            "respond_by",
            "extension_notice_by",
            "extended_respond_by",
            "respond_outside_by",
            "extended_outside_by",
        )
        with self.ctx.db.write() as s:
            case = load_case(s, reference)
            if expected_version is not None and case.version != expected_version:
                raise ConflictError(f"{case.reference} was changed by someone else; reload it first")
            changes: list[dict[str, object]] = []
            for item in case.items:
                if ItemStatus(item.status) not in workflow.OPEN_STATUSES:
                    continue
                fresh = item_deadlines(self.ctx, case, item, today)  # with its clock start and pauses
                before = {f: getattr(item, f) for f in fields}
                after = {f: getattr(fresh, f) for f in fields}
                if before != after or item.rule_version != fresh.rule_version:
                    changes.append(
                        {
                            "item": item.request_type,
                            "rule_version": [item.rule_version, fresh.rule_version],
                            "before": before,
                            "after": after,
                        }
                    )
                    for f in fields:
                        setattr(item, f, after[f])
                    item.basis = dict(fresh.basis)
                    item.rule_version = fresh.rule_version
            if not changes:
                raise TransitionRefused(f"{case.reference}: the dates already follow the current rules")
            refresh_case_status(case, today)
            audit.record(
                s,
                self.ctx,
                "case.deadlines_recomputed",
                "case",
                case.id,
                case_reference=case.reference,
                after={"changes": changes},
            )
            return case_dto(case, today)

    def start_work(self, reference: str) -> CaseDTO:
        def step(
            s: Session, case: Case, item: RequestItem, st: workflow.ItemState
        ) -> workflow.ItemState | None:
            if st.status in (ItemStatus.IN_PROGRESS, ItemStatus.EXTENDED):
                return None
            return workflow.start_work(st)

        return self._apply(reference, "case.work_started", step)

    def set_authorization_holds(self, s: Session, case: Case, holds: bool, problems: Sequence[str]) -> None:
        case.authorization_holds = holds
        for item in case.items:
            st = state_of(item, case)
            if st.is_open:
                write_back(item, workflow.authorization_received(st, holds, problems))

    # -- notes and tasks ---------------------------------------------------------------------
    def add_note(self, reference: str, body: str) -> None:
        NoteService(self.ctx).add(reference, body)

    def assign_task(self, task_id: int, assignee: str | None) -> None:
        with self.ctx.db.write() as s:
            task = s.get(Task, task_id)
            if task is None:
                raise NotFound(f"no task {task_id}")
            before = task.assignee
            task.assignee = assignee
            audit.record(
                s,
                self.ctx,
                "task.assigned",
                "task",
                task_id,
                before={"assignee": before},
                after={"assignee": assignee},
            )

    # -- helpers -----------------------------------------------------------------------------
    def ctx_case(self, reference: str) -> CaseDTO:
        with self.ctx.db.read() as s:
            return case_dto(load_case(s, reference), self.ctx.today())

    def _not_future(self, on: dt.date) -> None:
        if on > self.ctx.today():
            raise ValidationError(f"{on.isoformat()} is in the future")


_LEVEL_ORDER = [
    VerificationLevel.NONE.value,
    VerificationLevel.REASONABLE.value,
    VerificationLevel.ACCOUNT.value,
    VerificationLevel.REASONABLY_HIGH.value,
]


def _level_rank(level: str | None) -> int:
    return _LEVEL_ORDER.index(level) if level in _LEVEL_ORDER else 0


def _denial_reasons(reasons: Sequence[str]) -> tuple[DenialReason, ...]:
    out: list[DenialReason] = []
    for raw in reasons:
        try:
            out.append(DenialReason(raw.strip()))
        except ValueError:
            known = ", ".join(r.value for r in DenialReason)
            raise ValidationError(f"unknown denial reason {raw!r} (known: {known})") from None
    return tuple(out)
