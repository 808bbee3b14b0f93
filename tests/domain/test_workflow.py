from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privdesk.domain import workflow as wf
from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.domain.types import DenialReason, ItemStatus, Outcome, RequestType, VerificationLevel
from privdesk.domain.workflow import ItemState, NextAction

RECEIVED = date(2025, 9, 2)


@dataclass(frozen=True)
class Deadlines:
    acknowledge_by: date | None = date(2025, 9, 17)
    respond_by: date | None = date(2025, 10, 17)
    extension_notice_by: date | None = date(2025, 10, 17)
    extended_respond_by: date | None = date(2025, 12, 1)


def item(request_type: RequestType = RequestType.DELETE, **changes: object) -> ItemState:
    level = VerificationLevel.REASONABLY_HIGH if request_type is RequestType.KNOW_SPECIFIC else None
    state = wf.open_item(
        request_type,
        RECEIVED,
        Deadlines(),
        verification_level_required=level or VerificationLevel.REASONABLE,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def opt_out(**changes: object) -> ItemState:
    deadlines = Deadlines(acknowledge_by=None, extension_notice_by=None, extended_respond_by=None)
    state = wf.open_item(RequestType.OPT_OUT_SALE_SHARE, RECEIVED, deadlines)
    return replace(state, **changes)  # type: ignore[arg-type]


def verified(state: ItemState) -> ItemState:
    return wf.record_verification(wf.request_verification(state), "verified")


# --- opening and acknowledging ------------------------------------------------------------------


def test_open_item_takes_deadlines_and_forces_no_verification_for_opt_out() -> None:
    state = wf.open_item(
        RequestType.OPT_OUT_SALE_SHARE,
        RECEIVED,
        Deadlines(),
        verification_level_required=VerificationLevel.REASONABLE,
    )
    assert state.status is ItemStatus.RECEIVED
    assert state.respond_by == date(2025, 10, 17)
    assert state.verification_level_required is VerificationLevel.NONE
    assert not state.verification_required


def test_acknowledge_records_date_and_method() -> None:
    state = wf.acknowledge(item(), date(2025, 9, 3), "oral")
    assert state.status is ItemStatus.ACKNOWLEDGED
    assert (state.acknowledged_on, state.acknowledgement_method) == (date(2025, 9, 3), "oral")


def test_acknowledge_twice_is_refused_with_the_first_date() -> None:
    state = wf.acknowledge(item(), date(2025, 9, 3), "letter")
    with pytest.raises(TransitionRefused, match="already acknowledged on 2025-09-03"):
        wf.acknowledge(state, date(2025, 9, 4), "email")


def test_acknowledge_rejects_unknown_method_and_dates_before_receipt() -> None:
    with pytest.raises(ValidationError):
        wf.acknowledge(item(), date(2025, 9, 3), "pigeon")
    with pytest.raises(TransitionRefused, match="before the request was received"):
        wf.acknowledge(item(), date(2025, 9, 1), "letter")


def test_acknowledge_while_awaiting_verification_keeps_waiting() -> None:
    state = wf.acknowledge(wf.request_verification(item()), date(2025, 9, 3), "letter")
    assert state.status is ItemStatus.AWAITING_VERIFICATION
    assert state.acknowledged_on == date(2025, 9, 3)


# --- verification ------------------------------------------------------------------------------


def test_verification_request_and_result_move_the_status() -> None:
    waiting = wf.request_verification(item())
    assert waiting.status is ItemStatus.AWAITING_VERIFICATION
    done = wf.record_verification(waiting, "verified")
    assert done.status is ItemStatus.IN_PROGRESS
    assert done.verification_result == "verified"
    with pytest.raises(TransitionRefused, match="already verified"):
        wf.request_verification(done)


def test_verification_may_not_be_demanded_for_opt_out_or_limit() -> None:
    with pytest.raises(TransitionRefused, match="may not be required"):
        wf.request_verification(opt_out())
    limit = wf.open_item(RequestType.LIMIT_SENSITIVE, RECEIVED, Deadlines())
    with pytest.raises(TransitionRefused, match="may not be required"):
        wf.record_verification(limit, "verified")


def test_unverifiable_specific_pieces_are_answered_as_categories() -> None:
    state = wf.record_verification(wf.request_verification(item(RequestType.KNOW_SPECIFIC)), "unverifiable")
    assert state.handled_as is RequestType.KNOW_CATEGORIES
    with pytest.raises(TransitionRefused, match="answered as a request to know categories"):
        wf.respond(state, date(2025, 10, 1), Outcome.FULFILLED, disclosure_of_specific_pieces=True)
    answered = wf.respond(state, date(2025, 10, 1), Outcome.FULFILLED)
    assert answered.outcome is Outcome.FULFILLED
    assert not answered.disclosed_specific_pieces


def test_later_successful_verification_restores_the_specific_pieces_request() -> None:
    state = wf.record_verification(item(RequestType.KNOW_SPECIFIC), "unverifiable")
    state = wf.record_verification(state, "verified")
    assert state.handled_as is RequestType.KNOW_SPECIFIC
    answered = wf.respond(state, date(2025, 10, 1), Outcome.FULFILLED, disclosure_of_specific_pieces=True)
    assert answered.disclosed_specific_pieces


def test_specific_pieces_need_verification_before_disclosure() -> None:
    with pytest.raises(TransitionRefused, match="before the identity is verified"):
        wf.respond(
            item(RequestType.KNOW_SPECIFIC),
            date(2025, 10, 1),
            Outcome.FULFILLED,
            disclosure_of_specific_pieces=True,
        )


def test_specific_pieces_cannot_be_disclosed_in_a_denial_or_a_deletion() -> None:
    with pytest.raises(TransitionRefused, match="fulfils"):
        wf.respond(
            verified(item(RequestType.KNOW_SPECIFIC)),
            date(2025, 10, 1),
            Outcome.DENIED,
            disclosure_of_specific_pieces=True,
            denial_reasons=[DenialReason.LEGAL_OBLIGATION],
        )
    with pytest.raises(TransitionRefused, match="does not disclose specific pieces"):
        wf.respond(verified(item()), date(2025, 10, 1), Outcome.FULFILLED, disclosure_of_specific_pieces=True)


def test_deletion_is_carried_out_only_after_verification() -> None:
    with pytest.raises(TransitionRefused, match="must be verified before"):
        wf.respond(item(), date(2025, 10, 1), Outcome.FULFILLED)
    assert wf.respond(verified(item()), date(2025, 10, 1), Outcome.FULFILLED).status is ItemStatus.RESPONDED


def test_unverifiable_deletion_may_be_denied_as_unverifiable() -> None:
    state = wf.record_verification(wf.request_verification(item()), "unverifiable")
    answered = wf.respond(
        state, date(2025, 10, 1), Outcome.DENIED, denial_reasons=[DenialReason.UNVERIFIABLE]
    )
    assert answered.denial_reasons == (DenialReason.UNVERIFIABLE,)


def test_a_verified_requestor_cannot_be_denied_as_unverifiable() -> None:
    with pytest.raises(TransitionRefused, match="identity was verified"):
        wf.respond(
            verified(item()), date(2025, 10, 1), Outcome.DENIED, denial_reasons=[DenialReason.UNVERIFIABLE]
        )


# --- agents ------------------------------------------------------------------------------------


def test_agent_deletion_refused_until_authorization_holds() -> None:
    state = verified(item(agent_case=True))
    assert state.status is ItemStatus.AWAITING_AUTHORIZATION
    with pytest.raises(TransitionRefused, match="agent whose authorization does not hold"):
        wf.respond(state, date(2025, 10, 1), Outcome.FULFILLED)
    with pytest.raises(TransitionRefused, match="does not hold: no signed permission"):
        wf.authorization_received(state, holds=False, problems=["no signed permission"])
    authorized = wf.authorization_received(state)
    assert authorized.status is ItemStatus.IN_PROGRESS
    assert wf.respond(authorized, date(2025, 10, 1), Outcome.FULFILLED).outcome is Outcome.FULFILLED


def test_agent_request_can_be_denied_for_lack_of_authorization() -> None:
    state = wf.request_authorization(item(agent_case=True))
    assert state.status is ItemStatus.AWAITING_AUTHORIZATION
    answered = wf.respond(
        state, date(2025, 10, 1), Outcome.DENIED, denial_reasons=[DenialReason.AGENT_NOT_AUTHORIZED]
    )
    assert answered.outcome is Outcome.DENIED


def test_authorization_steps_are_refused_for_a_consumer_request() -> None:
    with pytest.raises(TransitionRefused, match="not by an agent"):
        wf.request_authorization(item())
    with pytest.raises(TransitionRefused, match="not by an agent"):
        wf.authorization_received(item())
    with pytest.raises(TransitionRefused, match="not by an agent"):
        wf.respond(
            item(), date(2025, 10, 1), Outcome.DENIED, denial_reasons=[DenialReason.AGENT_NOT_AUTHORIZED]
        )


def test_start_work_waits_for_what_is_awaited() -> None:
    started = wf.start_work(wf.acknowledge(item(), date(2025, 9, 3), "letter"))
    assert started.status is ItemStatus.IN_PROGRESS
    with pytest.raises(TransitionRefused, match="already started"):
        wf.start_work(started)
    with pytest.raises(TransitionRefused, match="verification is still awaited"):
        wf.start_work(wf.request_verification(item()))
    with pytest.raises(TransitionRefused, match="authorization is still awaited"):
        wf.start_work(wf.request_authorization(item(agent_case=True)))


# --- extension ---------------------------------------------------------------------------------


def test_extension_moves_the_deadline_once() -> None:
    acknowledged = wf.acknowledge(item(), date(2025, 9, 3), "letter")
    state = wf.extend(verified(acknowledged), date(2025, 10, 10), "many systems to search")
    assert state.status is ItemStatus.EXTENDED
    assert state.current_respond_by == date(2025, 12, 1)
    assert wf.next_action(state, date(2025, 10, 20)) == NextAction(
        "respond_extended", "Respond (extended period)", date(2025, 12, 1), False
    )


def test_extension_on_the_last_day_is_allowed_and_after_it_refused() -> None:
    assert wf.extend(item(), date(2025, 10, 17), "complex").extended
    with pytest.raises(TransitionRefused, match="had to be given by 2025-10-17"):
        wf.extend(item(), date(2025, 10, 18), "complex")


def test_second_extension_is_refused() -> None:
    state = wf.extend(item(), date(2025, 10, 1), "complex")
    with pytest.raises(TransitionRefused, match="extended only once"):
        wf.extend(state, date(2025, 10, 2), "still complex")


def test_extension_needs_a_reason_and_a_rule_that_allows_it() -> None:
    with pytest.raises(TransitionRefused, match="explanation"):
        wf.extend(item(), date(2025, 10, 1), "   ")
    with pytest.raises(TransitionRefused, match="allow no extension"):
        wf.extend(opt_out(), date(2025, 9, 5), "busy")


def test_extension_while_awaiting_verification_keeps_waiting() -> None:
    state = wf.extend(wf.request_verification(item()), date(2025, 10, 1), "complex")
    assert state.status is ItemStatus.AWAITING_VERIFICATION
    assert state.extended
    resumed = wf.record_verification(state, "verified")
    assert resumed.status is ItemStatus.EXTENDED


# --- denials -----------------------------------------------------------------------------------


def test_denial_needs_a_coded_reason_and_other_needs_text() -> None:
    with pytest.raises(TransitionRefused, match="at least one coded reason"):
        wf.respond(item(), date(2025, 10, 1), Outcome.DENIED)
    with pytest.raises(TransitionRefused, match="'other' needs an explanation"):
        wf.respond(item(), date(2025, 10, 1), Outcome.DENIED, denial_reasons=[DenialReason.OTHER])
    answered = wf.respond(
        item(),
        date(2025, 10, 1),
        Outcome.DENIED,
        denial_reasons=[DenialReason.OTHER],
        denial_explanation=" why ",
    )
    assert answered.denial_explanation == "why"


def test_opt_out_denial_without_documented_fraud_is_refused() -> None:
    with pytest.raises(TransitionRefused, match="documented, good-faith belief"):
        wf.respond(
            opt_out(), date(2025, 9, 10), Outcome.DENIED, denial_reasons=[DenialReason.LEGAL_OBLIGATION]
        )
    with pytest.raises(TransitionRefused, match="documented"):
        wf.respond(opt_out(), date(2025, 9, 10), Outcome.DENIED, denial_reasons=[DenialReason.FRAUD])
    with pytest.raises(TransitionRefused, match="no verification may be required"):
        wf.respond(opt_out(), date(2025, 9, 10), Outcome.DENIED, denial_reasons=[DenialReason.UNVERIFIABLE])
    answered = wf.respond(
        opt_out(),
        date(2025, 9, 10),
        Outcome.DENIED,
        denial_reasons=[DenialReason.FRAUD],
        denial_explanation="Submitted by a bot network; see note 12",
    )
    assert answered.outcome is Outcome.DENIED


def test_opt_out_is_honoured_without_verification() -> None:
    assert wf.respond(opt_out(), date(2025, 9, 3), Outcome.FULFILLED).outcome is Outcome.FULFILLED


def test_outcome_and_reason_combinations() -> None:
    with pytest.raises(TransitionRefused, match="no denial reasons"):
        wf.respond(
            verified(item()), date(2025, 10, 1), Outcome.FULFILLED, denial_reasons=[DenialReason.FRAUD]
        )
    with pytest.raises(TransitionRefused, match="at least one coded reason"):
        wf.respond(verified(item()), date(2025, 10, 1), Outcome.PARTLY_FULFILLED)
    with pytest.raises(TransitionRefused, match="redirect"):
        wf.respond(item(), date(2025, 10, 1), Outcome.REDIRECTED)
    partly = wf.respond(
        verified(item()),
        date(2025, 10, 1),
        Outcome.PARTLY_FULFILLED,
        denial_reasons=[DenialReason.LEGAL_OBLIGATION, DenialReason.LEGAL_OBLIGATION],
    )
    assert partly.denial_reasons == (DenialReason.LEGAL_OBLIGATION,)


# --- ending ------------------------------------------------------------------------------------


def test_redirect_close_reopen() -> None:
    with pytest.raises(TransitionRefused, match="name the business"):
        wf.redirect_to_business(item(), "  ")
    redirected = wf.redirect_to_business(item(), "Acme Retail Inc.", date(2025, 9, 5))
    assert (redirected.outcome, redirected.redirected_to) == (Outcome.REDIRECTED, "Acme Retail Inc.")
    assert wf.next_action(redirected, date(2025, 9, 6)).code == "close"
    closed = wf.close(redirected)
    assert closed.closed_on == date(2025, 9, 5)
    with pytest.raises(TransitionRefused, match="already closed"):
        wf.close(closed)
    with pytest.raises(TransitionRefused, match="say why"):
        wf.reopen(closed, "")
    reopened = wf.reopen(closed, "letter returned undelivered")
    assert reopened.status is ItemStatus.IN_PROGRESS
    assert reopened.outcome is None and reopened.closed_on is None


def test_close_needs_a_response_and_withdrawal_needs_an_open_request() -> None:
    with pytest.raises(TransitionRefused, match="only an answered request"):
        wf.close(item())
    withdrawn = wf.withdraw(item(), date(2025, 9, 4))
    assert withdrawn.status is ItemStatus.WITHDRAWN
    with pytest.raises(TransitionRefused, match="was withdrawn"):
        wf.respond(withdrawn, date(2025, 9, 5), Outcome.NOT_APPLICABLE)
    assert wf.next_action(withdrawn, date(2025, 9, 5)).code == "none"
    assert wf.reopen(withdrawn, "sent by mistake").status is ItemStatus.RECEIVED


def test_answered_request_refuses_further_work() -> None:
    answered = wf.respond(verified(item()), date(2025, 10, 1), Outcome.FULFILLED)
    for step in (wf.request_verification, wf.start_work):
        with pytest.raises(TransitionRefused, match="already been answered"):
            step(answered)
    with pytest.raises(TransitionRefused, match="already been answered"):
        wf.extend(answered, date(2025, 10, 2), "x")


def test_is_late_uses_the_deadline_in_force() -> None:
    assert wf.is_late(wf.respond(opt_out(), date(2025, 10, 18), Outcome.FULFILLED))
    extended = wf.extend(verified(item()), date(2025, 10, 1), "complex")
    assert not wf.is_late(wf.respond(extended, date(2025, 11, 20), Outcome.FULFILLED))


# --- next action and case aggregation ------------------------------------------------------------


def test_next_action_runs_through_the_case() -> None:
    state = item()
    assert wf.next_action(state, date(2025, 9, 3)) == NextAction(
        "acknowledge", "Acknowledge receipt", date(2025, 9, 17), False
    )
    assert wf.next_action(state, date(2025, 9, 18)).overdue
    assert wf.next_action(state, date(2025, 9, 18)).text == "Acknowledge receipt by 2025-09-17 (overdue)"
    state = wf.request_verification(wf.acknowledge(state, date(2025, 9, 3), "letter"))
    assert wf.next_action(state, date(2025, 9, 4)) == NextAction(
        "verify", "Verify the requestor's identity", date(2025, 10, 17), False
    )
    state = wf.record_verification(state, "verified")
    assert wf.next_action(state, date(2025, 10, 18)) == NextAction(
        "respond", "Respond", date(2025, 10, 17), True
    )


def test_a_missed_acknowledgement_stays_due_before_the_response() -> None:
    state = wf.extend(verified(item()), date(2025, 10, 10), "many systems to search")
    assert wf.next_action(state, date(2025, 10, 20)) == NextAction(
        "acknowledge", "Acknowledge receipt", date(2025, 9, 17), True
    )
    names = [action.code for action in wf.pending_actions(state, date(2025, 10, 20))]
    assert names == ["acknowledge", "respond_extended"]


def test_opt_out_has_no_acknowledgement_step() -> None:
    assert wf.next_action(opt_out(), date(2025, 9, 3)).code == "respond"


def test_case_status_shows_the_least_advanced_open_item() -> None:
    answered = wf.respond(verified(item()), date(2025, 10, 1), Outcome.FULFILLED)
    waiting = wf.request_verification(item(RequestType.KNOW_SPECIFIC))
    assert wf.case_status([answered, waiting]) is ItemStatus.AWAITING_VERIFICATION
    assert wf.case_status([answered, wf.close(answered)]) is ItemStatus.RESPONDED
    withdrawn = wf.withdraw(item(), date(2025, 9, 5))
    assert wf.case_status([withdrawn, withdrawn]) is ItemStatus.WITHDRAWN
    assert wf.case_status([withdrawn, wf.close(answered)]) is ItemStatus.CLOSED
    with pytest.raises(ValidationError):
        wf.case_status([])


def test_case_next_action_is_the_earliest_due_and_names_the_type() -> None:
    acknowledged = wf.acknowledge(item(RequestType.KNOW_CATEGORIES), date(2025, 9, 3), "email")
    fast_opt_out = opt_out(respond_by=date(2025, 9, 23))
    action = wf.case_next_action([acknowledged, fast_opt_out], date(2025, 9, 4))
    assert action.due == date(2025, 9, 23)
    assert action.label == "Opt-out of sale/sharing: Respond"
    done = wf.close(wf.respond(opt_out(), date(2025, 9, 3), Outcome.FULFILLED))
    assert wf.case_next_action([done], date(2025, 9, 4)).code == "none"


# --- random sequences ----------------------------------------------------------------------------

STEPS = (
    "acknowledge",
    "request_verification",
    "verified",
    "unverifiable",
    "request_authorization",
    "authorization_received",
    "start_work",
    "extend",
    "fulfil",
    "disclose",
    "deny",
    "redirect",
    "close",
    "withdraw",
    "reopen",
)


def apply(state: ItemState, step: str, day: date) -> ItemState:
    if step == "acknowledge":
        return wf.acknowledge(state, day, "letter")
    if step == "request_verification":
        return wf.request_verification(state)
    if step in ("verified", "unverifiable"):
        return wf.record_verification(state, step)
    if step == "request_authorization":
        return wf.request_authorization(state)
    if step == "authorization_received":
        return wf.authorization_received(state)
    if step == "start_work":
        return wf.start_work(state)
    if step == "extend":
        return wf.extend(state, day, "complexity")
    if step == "fulfil":
        return wf.respond(state, day, Outcome.FULFILLED)
    if step == "disclose":
        return wf.respond(state, day, Outcome.FULFILLED, disclosure_of_specific_pieces=True)
    if step == "deny":
        reason = DenialReason.FRAUD if not state.verification_required else DenialReason.UNVERIFIABLE
        return wf.respond(state, day, Outcome.DENIED, denial_reasons=[reason], denial_explanation="noted")
    if step == "redirect":
        return wf.redirect_to_business(state, "Acme", day)
    if step == "close":
        return wf.close(state, day)
    if step == "withdraw":
        return wf.withdraw(state, day)
    return wf.reopen(state, "returned mail")


@settings(max_examples=300, deadline=None)
@given(
    request_type=st.sampled_from(list(RequestType)),
    agent_case=st.booleans(),
    steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 120)), max_size=25),
)
def test_random_transition_sequences_never_reach_an_invalid_state(
    request_type: RequestType, agent_case: bool, steps: list[tuple[str, int]]
) -> None:
    state = replace(item(request_type), agent_case=agent_case)
    if request_type in wf.NO_VERIFICATION_TYPES:
        state = replace(state, verification_level_required=VerificationLevel.NONE)
    day = RECEIVED
    for step, days_later in steps:
        day = max(day, RECEIVED + timedelta(days=days_later))
        try:
            new_state = apply(state, step, day)
        except TransitionRefused as refusal:
            assert str(refusal)  # every refusal carries a reason
            continue
        assert wf.invariant_problems(new_state) == []
        if new_state.extended and state.extended:
            assert new_state.extended_on == state.extended_on  # the one extension is never replaced
        state = new_state
        action = wf.next_action(state, day)
        assert action.overdue == (action.due is not None and day > action.due)
        assert wf.case_status([state]) is state.status
