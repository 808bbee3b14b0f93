"""Lifecycle of one request item: guarded transitions over an immutable state.

Every transition returns a new :class:`ItemState` or raises :class:`TransitionRefused` whose
message tells the officer why, so services only load a state, call one function and store the
result. Deadlines are inputs (computed from the rule files); no period is written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, Protocol, cast

from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.domain.outcomes import check_outcome
from privdesk.domain.types import (
    OPEN_STATUSES,
    DenialReason,
    ItemStatus,
    Outcome,
    RequestType,
    VerificationLevel,
)

__all__ = [
    "ACKNOWLEDGEMENT_METHODS",
    "CEASE_TYPES",
    "NO_VERIFICATION_TYPES",
    "OPEN_STATUSES",
    "SPECIFIC_PIECES_TYPES",
    "TERMINAL_STATUSES",
    "VERIFICATION_RESULTS",
    "VERIFY_BEFORE_FULFILLING",
    "WAITING_STATUSES",
    "AcknowledgementMethod",
    "DeadlinesLike",
    "ItemState",
    "NextAction",
    "TransitionRefused",
    "VerificationResult",
    "acknowledge",
    "authorization_received",
    "case_next_action",
    "case_status",
    "close",
    "extend",
    "invariant_problems",
    "is_late",
    "next_action",
    "open_item",
    "pending_actions",
    "record_processed",
    "record_verification",
    "redirect_to_business",
    "reopen",
    "request_authorization",
    "request_verification",
    "respond",
    "start_work",
    "withdraw",
]

AcknowledgementMethod = Literal["letter", "email", "oral"]
VerificationResult = Literal["verified", "unverifiable"]

ACKNOWLEDGEMENT_METHODS: frozenset[str] = frozenset({"letter", "email", "oral"})
VERIFICATION_RESULTS: frozenset[str] = frozenset({"verified", "unverifiable"})

# Opt-out and limit requests: no verification may be demanded, and a denial needs a documented
# good-faith belief of fraud (Cal. Code Regs. tit. 11 §§7026, 7027, 7060).
NO_VERIFICATION_TYPES = frozenset(
    {RequestType.OPT_OUT_SALE_SHARE, RequestType.LIMIT_SENSITIVE, RequestType.ADMT_OPT_OUT}
)
SPECIFIC_PIECES_TYPES = frozenset({RequestType.KNOW_SPECIFIC, RequestType.PORTABILITY})
# Requests answered by ceasing something (selling or sharing, using sensitive data, automated
# decisions): the business records the day it processed the request, which meets the deadline
# (15 business days in California, §§7026(f), 7027(g), 7221), and confirms it to the consumer
# (§7026(g): "Opt-Out Request Honored").
CEASE_TYPES = frozenset(
    {RequestType.OPT_OUT_SALE_SHARE, RequestType.LIMIT_SENSITIVE, RequestType.ADMT_OPT_OUT}
)
# Types whose fulfilment touches the consumer's data and so needs the identity verified first.
VERIFY_BEFORE_FULFILLING = frozenset(
    {RequestType.KNOW_SPECIFIC, RequestType.PORTABILITY, RequestType.DELETE, RequestType.CORRECT}
)
TERMINAL_STATUSES = frozenset({ItemStatus.CLOSED, ItemStatus.WITHDRAWN})
WAITING_STATUSES = frozenset({ItemStatus.AWAITING_VERIFICATION, ItemStatus.AWAITING_AUTHORIZATION})


class DeadlinesLike(Protocol):
    """What the rulebook's ``deadlines(...)`` returns (DESIGN.md §4)."""

    @property
    def acknowledge_by(self) -> date | None: ...
    @property
    def respond_by(self) -> date | None: ...
    @property
    def extension_notice_by(self) -> date | None: ...
    @property
    def extended_respond_by(self) -> date | None: ...


@dataclass(frozen=True)
class ItemState:
    """Everything the lifecycle rules need to know about one request item."""

    request_type: RequestType
    received_on: date
    status: ItemStatus = ItemStatus.RECEIVED
    acknowledge_by: date | None = None
    respond_by: date | None = None
    extension_notice_by: date | None = None
    extended_respond_by: date | None = None  # None: the rule allows no extension
    acknowledged_on: date | None = None
    acknowledgement_method: AcknowledgementMethod | None = None
    extended: bool = False
    extended_on: date | None = None
    extension_reason: str = ""
    verification_level_required: VerificationLevel = VerificationLevel.REASONABLE
    verification_result: VerificationResult | None = None
    effective_type: RequestType | None = None  # set when the request is re-evaluated (LEGAL decision 7)
    agent_case: bool = False
    authorization_holds: bool = False
    outcome: Outcome | None = None
    denial_reasons: tuple[DenialReason, ...] = ()
    denial_explanation: str = ""
    disclosed_specific_pieces: bool = False
    redirected_to: str = ""
    processed_on: date | None = None  # an opt-out or limit request carried out (CEASE_TYPES)
    responded_on: date | None = None
    closed_on: date | None = None
    withdrawn_on: date | None = None

    @property
    def handled_as(self) -> RequestType:
        """The type the item is answered as: a specific-pieces request that could not be verified
        is answered as a categories request."""
        return self.effective_type or self.request_type

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def current_respond_by(self) -> date | None:
        return self.extended_respond_by if self.extended else self.respond_by

    @property
    def verification_required(self) -> bool:
        return (
            self.request_type not in NO_VERIFICATION_TYPES
            and self.verification_level_required is not VerificationLevel.NONE
        )


def open_item(
    request_type: RequestType,
    received_on: date,
    deadlines: DeadlinesLike | None = None,
    *,
    verification_level_required: VerificationLevel = VerificationLevel.REASONABLE,
    agent_case: bool = False,
) -> ItemState:
    """A newly received item with its deadlines from the rulebook."""
    level = verification_level_required
    if request_type in NO_VERIFICATION_TYPES:
        level = VerificationLevel.NONE
    return ItemState(
        request_type=request_type,
        received_on=received_on,
        acknowledge_by=deadlines.acknowledge_by if deadlines else None,
        respond_by=deadlines.respond_by if deadlines else None,
        extension_notice_by=deadlines.extension_notice_by if deadlines else None,
        extended_respond_by=deadlines.extended_respond_by if deadlines else None,
        verification_level_required=level,
        agent_case=agent_case,
    )


# --- guards -------------------------------------------------------------------------------------


def _require_open(state: ItemState, step: str) -> None:
    if state.status is ItemStatus.RESPONDED:
        raise TransitionRefused(f"cannot {step}: the request has already been answered (reopen it first)")
    if state.status is ItemStatus.CLOSED:
        raise TransitionRefused(f"cannot {step}: the request is closed")
    if state.status is ItemStatus.WITHDRAWN:
        raise TransitionRefused(f"cannot {step}: the request was withdrawn")


def _require_not_before_receipt(state: ItemState, on: date, step: str) -> None:
    if on < state.received_on:
        raise TransitionRefused(
            f"cannot {step} on {on.isoformat()}: that is before the request was received "
            f"({state.received_on.isoformat()})"
        )


def _working_status(state: ItemState) -> ItemStatus:
    return ItemStatus.EXTENDED if state.extended else ItemStatus.IN_PROGRESS


def _refuse_verification_for(state: ItemState) -> None:
    if not state.verification_required:
        raise TransitionRefused(
            f"{state.request_type.label}: identity verification may not be required for this request "
            "(Cal. Code Regs. tit. 11 §§7026, 7027, 7060)"
        )


# --- transitions --------------------------------------------------------------------------------


def acknowledge(state: ItemState, on: date, method: str) -> ItemState:
    """Record that receipt was confirmed to the requestor (by letter, email, or orally on a call)."""
    if method not in ACKNOWLEDGEMENT_METHODS:
        raise ValidationError(f"acknowledgement method must be letter, email or oral, not {method!r}")
    _require_open(state, "acknowledge")
    _require_not_before_receipt(state, on, "acknowledge")
    if state.acknowledged_on is not None:
        raise TransitionRefused(
            f"the request was already acknowledged on {state.acknowledged_on.isoformat()}"
        )
    status = ItemStatus.ACKNOWLEDGED if state.status is ItemStatus.RECEIVED else state.status
    return replace(
        state, status=status, acknowledged_on=on, acknowledgement_method=cast(AcknowledgementMethod, method)
    )


def request_verification(state: ItemState) -> ItemState:
    """Ask the requestor for identity proof; the item waits for it."""
    _require_open(state, "ask for identity verification")
    _refuse_verification_for(state)
    if state.verification_result == "verified":
        raise TransitionRefused("the requestor's identity is already verified")
    if state.status is ItemStatus.AWAITING_VERIFICATION:
        raise TransitionRefused("identity verification has already been asked for")
    return replace(state, status=ItemStatus.AWAITING_VERIFICATION)


def record_verification(state: ItemState, result: str) -> ItemState:
    """Record the verification result. An unverifiable specific-pieces request is re-evaluated as a
    request to know categories (§7024(a); LEGAL decision 7)."""
    if result not in VERIFICATION_RESULTS:
        raise ValidationError(f"verification result must be 'verified' or 'unverifiable', not {result!r}")
    _require_open(state, "record a verification result")
    _refuse_verification_for(state)
    effective: RequestType | None = None
    if result == "unverifiable" and state.request_type is RequestType.KNOW_SPECIFIC:
        effective = RequestType.KNOW_CATEGORIES
    status = state.status
    if status is ItemStatus.AWAITING_VERIFICATION:
        status = _working_status(state)
        if state.agent_case and not state.authorization_holds:
            status = ItemStatus.AWAITING_AUTHORIZATION
    return replace(
        state, status=status, verification_result=cast(VerificationResult, result), effective_type=effective
    )


def request_authorization(state: ItemState) -> ItemState:
    """Ask the agent for the consumer's signed permission (or a power of attorney)."""
    _require_open(state, "ask for the agent's authorization")
    if not state.agent_case:
        raise TransitionRefused(
            "the request was made by the consumer, not by an agent: no authorization is needed"
        )
    if state.authorization_holds:
        raise TransitionRefused("the agent's authorization already holds")
    if state.status is ItemStatus.AWAITING_AUTHORIZATION:
        raise TransitionRefused("the agent's authorization has already been asked for")
    return replace(state, status=ItemStatus.AWAITING_AUTHORIZATION)


def authorization_received(state: ItemState, holds: bool = True, problems: Sequence[str] = ()) -> ItemState:
    """Record that the agent's authorization was checked; pass the result of
    ``agents.authorization_holds`` (``holds`` and ``problems``)."""
    _require_open(state, "record the agent's authorization")
    if not state.agent_case:
        raise TransitionRefused(
            "the request was made by the consumer, not by an agent: no authorization is needed"
        )
    if not holds:
        detail = "; ".join(problems) if problems else "it does not meet the requirements"
        raise TransitionRefused(f"the agent's authorization does not hold: {detail}")
    status = state.status
    if status is ItemStatus.AWAITING_AUTHORIZATION:
        status = _working_status(state)
    return replace(state, status=status, authorization_holds=True)


def start_work(state: ItemState) -> ItemState:
    """Begin searching, deleting or correcting."""
    _require_open(state, "start work")
    if state.status in (ItemStatus.IN_PROGRESS, ItemStatus.EXTENDED):
        raise TransitionRefused("work on the request has already started")
    if state.status is ItemStatus.AWAITING_VERIFICATION and state.verification_result is None:
        raise TransitionRefused("identity verification is still awaited: record its result first")
    if state.status is ItemStatus.AWAITING_AUTHORIZATION and not state.authorization_holds:
        raise TransitionRefused("the agent's authorization is still awaited")
    return replace(state, status=_working_status(state))


def extend(state: ItemState, on: date, reason: str) -> ItemState:
    """Extend the response period once, with notice and an explanation given by the original
    response date (LEGAL decision 5)."""
    _require_open(state, "extend the response period")
    _require_not_before_receipt(state, on, "extend the response period")
    if state.extended:
        assert state.extended_on is not None
        raise TransitionRefused(
            f"the response period was already extended on {state.extended_on.isoformat()}; "
            "it may be extended only once"
        )
    if state.extended_respond_by is None:
        raise TransitionRefused(f"the rules for {state.request_type.label} allow no extension")
    if not reason.strip():
        raise TransitionRefused("an extension needs an explanation for the requestor")
    notice_by = state.extension_notice_by or state.respond_by
    if notice_by is not None and on > notice_by:
        raise TransitionRefused(
            f"too late to extend: notice of an extension had to be given by {notice_by.isoformat()}"
        )
    status = state.status if state.status in WAITING_STATUSES else ItemStatus.EXTENDED
    return replace(state, status=status, extended=True, extended_on=on, extension_reason=reason.strip())


def record_processed(state: ItemState, on: date) -> ItemState:
    """Record the day an opt-out (or limit, or automated-decision opt-out) request was processed: the
    business stopped. This meets the request's deadline; the confirmation to the consumer follows
    (``respond`` with ``fulfilled``), stating that date."""
    if state.request_type not in CEASE_TYPES:
        raise TransitionRefused(
            f"a {state.request_type.label} request is answered, not processed: only opt-out and limit "
            "requests record the day they were carried out"
        )
    _require_open(state, "record the request as processed")
    _require_not_before_receipt(state, on, "record the request as processed")
    if state.processed_on is not None:
        raise TransitionRefused(
            f"the request was already recorded as processed on {state.processed_on.isoformat()}"
        )
    if state.agent_case and not state.authorization_holds:
        raise TransitionRefused(
            "the request came through an agent whose signed permission does not hold yet: it cannot be "
            "carried out (§7026(j)), only denied"
        )
    return replace(state, status=_working_status(state), processed_on=on)


def _check_denial(state: ItemState, reasons: tuple[DenialReason, ...], explanation: str) -> None:
    if not reasons:
        raise TransitionRefused("a denial needs at least one coded reason")
    if DenialReason.OTHER in reasons and not explanation:
        raise TransitionRefused("the reason 'other' needs an explanation")
    if DenialReason.UNVERIFIABLE in reasons:
        if not state.verification_required:
            raise TransitionRefused(
                f"{state.request_type.label}: cannot be denied as unverifiable, "
                "since no verification may be required"
            )
        if state.verification_result == "verified":
            raise TransitionRefused("cannot deny as unverifiable: the requestor's identity was verified")
    if state.request_type in NO_VERIFICATION_TYPES:
        fraud_documented = DenialReason.FRAUD in reasons and bool(explanation)
        agent_unauthorized = (
            DenialReason.AGENT_NOT_AUTHORIZED in reasons
            and state.agent_case
            and not state.authorization_holds
        )
        if not (fraud_documented or agent_unauthorized):
            raise TransitionRefused(
                f"{state.request_type.label} may be denied only on a documented, good-faith belief that "
                "it is fraudulent (reason 'fraud' with an explanation), or when an agent has no signed "
                "permission"
            )
    if DenialReason.AGENT_NOT_AUTHORIZED in reasons:
        if not state.agent_case:
            raise TransitionRefused("the request was made by the consumer, not by an agent")
        if state.authorization_holds:
            raise TransitionRefused("cannot deny for lack of authorization: the agent's authorization holds")


def respond(
    state: ItemState,
    on: date,
    outcome: Outcome,
    disclosure_of_specific_pieces: bool = False,
    denial_reasons: Iterable[DenialReason] = (),
    denial_explanation: str = "",
) -> ItemState:
    """Record the substantive response. A late response is recorded (the record must show it);
    :func:`is_late` tells whether it was."""
    _require_open(state, "respond")
    _require_not_before_receipt(state, on, "respond")
    reasons = tuple(dict.fromkeys(denial_reasons))  # unique, order kept
    explanation = denial_explanation.strip()
    if outcome is Outcome.REDIRECTED:
        raise TransitionRefused("to point the requestor to the business, use 'redirect to business'")
    refusal = check_outcome(state.handled_as, outcome)
    if refusal:
        raise TransitionRefused(refusal)
    fulfils = outcome in (Outcome.FULFILLED, Outcome.PARTLY_FULFILLED)
    if fulfils and state.request_type is RequestType.COMPLAINT and not explanation:
        raise TransitionRefused(
            "tell the complainant the outcome: write what was found and done in the explanation "
            "(DPA 2018 s.164A(4)(b))"
        )
    if outcome is Outcome.FULFILLED and reasons:
        raise TransitionRefused("a fully fulfilled request has no denial reasons (use 'partly fulfilled')")
    if outcome in (Outcome.DENIED, Outcome.PARTLY_FULFILLED):
        if state.processed_on is not None:
            raise TransitionRefused(
                f"the request was processed on {state.processed_on.isoformat()}: it can only be confirmed, "
                "not denied"
            )
        _check_denial(state, reasons, explanation)
    if outcome is Outcome.NOT_APPLICABLE and reasons:
        raise TransitionRefused("'not applicable' takes no denial reasons (use 'denied')")
    if disclosure_of_specific_pieces:
        if not fulfils:
            raise TransitionRefused(
                "specific pieces can be disclosed only in a response that fulfils the request"
            )
        if state.handled_as not in SPECIFIC_PIECES_TYPES:
            if state.effective_type is not None:
                raise TransitionRefused(
                    "specific pieces may not be disclosed: the identity could not be verified, so the "
                    "request is answered as a request to know categories (§7024(a))"
                )
            raise TransitionRefused(
                f"a {state.request_type.label} response does not disclose specific pieces"
            )
        if state.verification_result != "verified":
            raise TransitionRefused(
                "specific pieces of personal information may not be disclosed before the identity is "
                f"verified ({state.verification_level_required.value.replace('_', ' ')} degree of certainty)"
            )
    if fulfils:
        needs_verification = state.verification_required and state.handled_as in VERIFY_BEFORE_FULFILLING
        if needs_verification and state.verification_result != "verified":
            raise TransitionRefused(
                f"{state.handled_as.label}: the identity must be verified before the request is carried "
                "out (deny it as unverifiable instead if verification failed)"
            )
        if state.agent_case and not state.authorization_holds:
            raise TransitionRefused(
                "the request came through an agent whose authorization does not hold yet: "
                "it cannot be carried out, only denied"
            )
    processed_on = state.processed_on
    if processed_on is None and fulfils and state.request_type in CEASE_TYPES:
        processed_on = on  # confirmed as honored: processed by the day of the confirmation at the latest
    if processed_on is not None and on < processed_on:
        raise TransitionRefused(
            f"the confirmation ({on.isoformat()}) cannot come before the request was processed "
            f"({processed_on.isoformat()})"
        )
    return replace(
        state,
        status=ItemStatus.RESPONDED,
        outcome=outcome,
        processed_on=processed_on,
        denial_reasons=reasons if outcome in (Outcome.DENIED, Outcome.PARTLY_FULFILLED) else (),
        denial_explanation=explanation,
        disclosed_specific_pieces=disclosure_of_specific_pieces,
        responded_on=on,
    )


def redirect_to_business(state: ItemState, business_name: str, on: date | None = None) -> ItemState:
    """As a service provider, answer that the request must go to the business named."""
    _require_open(state, "redirect the request")
    name = business_name.strip()
    if not name:
        raise TransitionRefused("name the business the requestor should contact")
    responded_on = on or state.received_on
    _require_not_before_receipt(state, responded_on, "redirect the request")
    return replace(
        state,
        status=ItemStatus.RESPONDED,
        outcome=Outcome.REDIRECTED,
        redirected_to=name,
        denial_reasons=(),
        responded_on=responded_on,
    )


def close(state: ItemState, on: date | None = None) -> ItemState:
    if state.status is ItemStatus.CLOSED:
        raise TransitionRefused("the request is already closed")
    if state.status is not ItemStatus.RESPONDED:
        raise TransitionRefused(
            "only an answered request can be closed: respond or record a withdrawal first"
        )
    closed_on = on or state.responded_on
    assert closed_on is not None
    if state.responded_on is not None and closed_on < state.responded_on:
        raise TransitionRefused("a request cannot be closed before it was answered")
    return replace(state, status=ItemStatus.CLOSED, closed_on=closed_on)


def withdraw(state: ItemState, on: date) -> ItemState:
    """The requestor withdrew the request before it was answered."""
    _require_open(state, "record a withdrawal")
    _require_not_before_receipt(state, on, "record a withdrawal")
    return replace(state, status=ItemStatus.WITHDRAWN, withdrawn_on=on)


def reopen(state: ItemState, reason: str) -> ItemState:
    """Undo a response, closure or withdrawal (a returned letter, a mistake); the deadlines stay."""
    if state.is_open:
        raise TransitionRefused("the request is still open")
    if not reason.strip():
        raise TransitionRefused("say why the request is reopened")
    if state.status is ItemStatus.WITHDRAWN:
        status = ItemStatus.ACKNOWLEDGED if state.acknowledged_on else ItemStatus.RECEIVED
    else:
        status = _working_status(state)
    return replace(
        state,
        status=status,
        outcome=None,
        denial_reasons=(),
        denial_explanation="",
        disclosed_specific_pieces=False,
        redirected_to="",
        responded_on=None,
        closed_on=None,
        withdrawn_on=None,
    )


def is_late(state: ItemState) -> bool:
    """Whether the response was given after the deadline in force (the extended one if extended).
    For an opt-out or limit request the day it was processed is what the deadline measures."""
    due = state.current_respond_by
    done = state.processed_on or state.responded_on
    return due is not None and done is not None and done > due


# --- what is due next ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NextAction:
    code: str  # acknowledge, verify, authorization, respond, respond_extended, close, none
    label: str
    due: date | None
    overdue: bool

    @property
    def text(self) -> str:
        if self.due is None:
            return self.label
        return f"{self.label} by {self.due.isoformat()}" + (" (overdue)" if self.overdue else "")


def _action(code: str, label: str, due: date | None, today: date) -> NextAction:
    return NextAction(code, label, due, overdue=due is not None and today > due)


def _sort_key(action: NextAction) -> tuple[int, date]:
    return (0, action.due) if action.due is not None else (1, date.max)


def pending_actions(state: ItemState, today: date) -> list[NextAction]:
    """Every step still owed on the item, earliest due first."""
    if state.status in TERMINAL_STATUSES:
        return []
    if state.status is ItemStatus.RESPONDED:
        return [_action("close", "Close the request", None, today)]
    actions: list[NextAction] = []
    if state.acknowledged_on is None and state.acknowledge_by is not None:
        actions.append(_action("acknowledge", "Acknowledge receipt", state.acknowledge_by, today))
    due = state.current_respond_by
    if state.status is ItemStatus.AWAITING_VERIFICATION:
        actions.append(_action("verify", "Verify the requestor's identity", due, today))
    elif state.status is ItemStatus.AWAITING_AUTHORIZATION:
        actions.append(_action("authorization", "Obtain the agent's authorization", due, today))
    elif state.processed_on is not None:
        # The deadline is met; the confirmation is owed without delay but has no date of its own.
        actions.append(_action("confirm", "Confirm to the consumer that it was processed", None, today))
    elif state.extended:
        actions.append(_action("respond_extended", "Respond (extended period)", due, today))
    else:
        actions.append(_action("respond", "Respond", due, today))
    return sorted(actions, key=_sort_key)  # stable: acknowledging comes first on a tie


def next_action(state: ItemState, today: date) -> NextAction:
    actions = pending_actions(state, today)
    if not actions:
        label = "Nothing due (withdrawn)" if state.status is ItemStatus.WITHDRAWN else "Nothing due (closed)"
        return NextAction("none", label, None, False)
    return actions[0]


# --- case level ---------------------------------------------------------------------------------

# An open case shows the least advanced status of its open items.
_OPEN_ORDER = (
    ItemStatus.RECEIVED,
    ItemStatus.ACKNOWLEDGED,
    ItemStatus.AWAITING_VERIFICATION,
    ItemStatus.AWAITING_AUTHORIZATION,
    ItemStatus.IN_PROGRESS,
    ItemStatus.EXTENDED,
)


def case_status(items: Iterable[ItemState]) -> ItemStatus:
    statuses = [item.status for item in items]
    if not statuses:
        raise ValidationError("a case has at least one request item")
    for status in _OPEN_ORDER:
        if status in statuses:
            return status
    if ItemStatus.RESPONDED in statuses:
        return ItemStatus.RESPONDED
    if all(status is ItemStatus.WITHDRAWN for status in statuses):
        return ItemStatus.WITHDRAWN
    return ItemStatus.CLOSED


def case_next_action(items: Iterable[ItemState], today: date) -> NextAction:
    """The earliest-due step over all items, its label naming the request type."""
    states = list(items)
    if not states:
        raise ValidationError("a case has at least one request item")
    candidates: list[NextAction] = []
    for state in states:
        action = next_action(state, today)
        if action.code != "none":
            candidates.append(replace(action, label=f"{state.request_type.label}: {action.label}"))
    if not candidates:
        withdrawn = case_status(states) is ItemStatus.WITHDRAWN
        return NextAction(
            "none", "Nothing due (withdrawn)" if withdrawn else "Nothing due (closed)", None, False
        )
    return min(candidates, key=_sort_key)


def invariant_problems(state: ItemState) -> list[str]:
    """Inconsistencies a state must never have; empty for every state the transitions produce."""
    problems: list[str] = []
    answered = state.status in (ItemStatus.RESPONDED, ItemStatus.CLOSED)
    if answered != (state.outcome is not None):
        problems.append("an outcome exists exactly when the request is answered")
    if answered != (state.responded_on is not None):
        problems.append("a response date exists exactly when the request is answered")
    if (state.status is ItemStatus.CLOSED) != (state.closed_on is not None):
        problems.append("a closing date exists exactly when the request is closed")
    if (state.status is ItemStatus.WITHDRAWN) != (state.withdrawn_on is not None):
        problems.append("a withdrawal date exists exactly when the request is withdrawn")
    if state.extended and (state.extended_on is None or state.extended_respond_by is None):
        problems.append("an extension needs its date and an extended deadline")
    if state.status is ItemStatus.EXTENDED and not state.extended:
        problems.append("status extended without an extension")
    if (state.acknowledged_on is None) != (state.acknowledgement_method is None):
        problems.append("acknowledgement date and method go together")
    if state.status is ItemStatus.ACKNOWLEDGED and state.acknowledged_on is None:
        problems.append("status acknowledged without an acknowledgement")
    if state.denial_reasons and state.outcome not in (Outcome.DENIED, Outcome.PARTLY_FULFILLED):
        problems.append("denial reasons without a denial")
    if state.outcome is Outcome.DENIED and not state.denial_reasons:
        problems.append("a denial without a reason")
    if state.outcome is Outcome.REDIRECTED and not state.redirected_to:
        problems.append("a redirect without a business name")
    if state.disclosed_specific_pieces and state.verification_result != "verified":
        problems.append("specific pieces disclosed without verification")
    if (
        state.agent_case
        and not state.authorization_holds
        and state.outcome in (Outcome.FULFILLED, Outcome.PARTLY_FULFILLED)
    ):
        problems.append("an agent's request carried out without authorization")
    if not state.verification_required and (
        state.verification_result is not None or state.status is ItemStatus.AWAITING_VERIFICATION
    ):
        problems.append("verification demanded where none may be required")
    if state.processed_on is not None and state.request_type not in CEASE_TYPES:
        problems.append("only opt-out and limit requests are processed")
    if state.processed_on is not None and state.outcome in (Outcome.DENIED, Outcome.PARTLY_FULFILLED):
        problems.append("a processed request denied")
    if state.effective_type is not None and state.verification_result != "unverifiable":
        problems.append("re-evaluated type without a failed verification")
    return problems
