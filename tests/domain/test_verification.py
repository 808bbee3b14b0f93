from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.domain.types import RequestType, VerificationLevel
from privdesk.domain.verification import (
    DataPointCheck,
    VerificationRecord,
    ensure_verification_allowed,
    evaluate,
    verification_required,
)


def point(name: str, matched: bool | None = True, *, received: bool = True, **extra: bool) -> DataPointCheck:
    return DataPointCheck(name, asked=True, received=received, matched=matched if received else None, **extra)


def record(
    *checks: DataPointCheck, level: VerificationLevel = VerificationLevel.REASONABLE, **extra: object
) -> VerificationRecord:
    return VerificationRecord(level, "data_points", checks, **extra)  # type: ignore[arg-type]


def test_two_matched_points_verify_a_categories_request() -> None:
    outcome = evaluate(record(point("email"), point("postal address")), 2, False)
    assert outcome.result == "verified"
    assert "2 data points matched (2 required)" in outcome.reasons


def test_points_still_to_come_leave_it_pending() -> None:
    outcome = evaluate(record(point("email"), point("phone", received=False)), 2, False)
    assert outcome.result == "pending"
    assert any("not yet received: phone" in reason for reason in outcome.reasons)


def test_pending_becomes_unverifiable_when_final() -> None:
    outcome = evaluate(
        record(point("email"), point("phone", received=False)),
        2,
        False,
        request_type=RequestType.KNOW_CATEGORIES,
        final=True,
    )
    assert outcome.result == "unverifiable"
    assert outcome.deny_with_notice


def test_a_mismatch_makes_it_unverifiable_and_is_named() -> None:
    outcome = evaluate(record(point("email"), point("birth date", False), point("phone")), 2, False)
    assert outcome.result == "unverifiable"
    assert "did not match our records: birth date" in outcome.reasons


def test_too_few_points_with_nothing_outstanding_is_unverifiable() -> None:
    outcome = evaluate(record(point("email")), 2, False)
    assert outcome.result == "unverifiable"


def test_specific_pieces_need_the_signed_declaration() -> None:
    three = (point("email"), point("phone"), point("address"))
    waiting = evaluate(record(*three, level=VerificationLevel.REASONABLY_HIGH), 3, True)
    assert waiting.result == "pending"
    assert any("declaration" in reason for reason in waiting.reasons)
    done = evaluate(
        record(*three, level=VerificationLevel.REASONABLY_HIGH, declaration_received=True), 3, True
    )
    assert done.result == "verified"


def test_unverifiable_specific_pieces_are_re_evaluated_as_categories() -> None:
    outcome = evaluate(
        record(point("email"), point("phone"), level=VerificationLevel.REASONABLY_HIGH),
        3,
        True,
        request_type=RequestType.KNOW_SPECIFIC,
        final=True,
    )
    assert outcome.result == "unverifiable"
    assert outcome.effective_type is RequestType.KNOW_CATEGORIES
    assert not outcome.offer_opt_out
    assert any("§7024(a)" in reason for reason in outcome.reasons)


@pytest.mark.parametrize(("sells_or_shares", "offer"), [(True, True), (False, False)])
def test_unverifiable_deletion_may_be_denied_and_offers_opt_out_when_selling(
    sells_or_shares: bool, offer: bool
) -> None:
    outcome = evaluate(
        record(point("email", False)),
        2,
        False,
        request_type=RequestType.DELETE,
        sells_or_shares=sells_or_shares,
    )
    assert outcome.result == "unverifiable"
    assert outcome.effective_type is RequestType.DELETE
    assert outcome.deny_with_notice
    assert outcome.offer_opt_out is offer


def test_verified_deletion_has_no_denial_consequences() -> None:
    outcome = evaluate(
        record(point("a"), point("b")), 2, False, request_type=RequestType.DELETE, sells_or_shares=True
    )
    assert (outcome.result, outcome.deny_with_notice, outcome.offer_opt_out) == ("verified", False, False)


def test_correction_is_verified_with_data_not_being_corrected() -> None:
    checks = (point("email"), point("postal address", being_corrected=True))
    outcome = evaluate(record(*checks), 2, False, request_type=RequestType.CORRECT, final=True)
    assert outcome.result == "unverifiable"
    assert "not counted because they are being corrected: postal address" in outcome.reasons


def test_account_holders_must_re_authenticate() -> None:
    pending = evaluate(VerificationRecord(VerificationLevel.ACCOUNT, "account"), 0, False)
    assert pending.result == "pending"
    done = evaluate(
        VerificationRecord(VerificationLevel.ACCOUNT, "account", account_reauthenticated=True), 0, False
    )
    assert done.result == "verified"


def test_opt_out_and_limit_never_demand_verification() -> None:
    assert not verification_required(RequestType.OPT_OUT_SALE_SHARE)
    assert not verification_required(RequestType.LIMIT_SENSITIVE, VerificationLevel.REASONABLE)
    assert not verification_required(RequestType.DELETE, VerificationLevel.NONE)
    assert verification_required(RequestType.DELETE, VerificationLevel.REASONABLE)
    assert verification_required(RequestType.KNOW_SPECIFIC)
    with pytest.raises(TransitionRefused, match="may not be required"):
        ensure_verification_allowed(RequestType.OPT_OUT_SALE_SHARE)
    ensure_verification_allowed(RequestType.DELETE, VerificationLevel.REASONABLE)
    with pytest.raises(TransitionRefused):
        evaluate(record(point("email")), 1, False, request_type=RequestType.LIMIT_SENSITIVE)
    with pytest.raises(TransitionRefused):
        evaluate(record(point("email"), level=VerificationLevel.NONE), 1, False)


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValidationError):
        VerificationRecord(VerificationLevel.REASONABLE, "telepathy")
    with pytest.raises(ValidationError):
        evaluate(record(), -1, False)


checks_strategy = st.lists(
    st.builds(
        DataPointCheck,
        name=st.sampled_from(["email", "phone", "address", "account number", "last order"]),
        asked=st.booleans(),
        received=st.booleans(),
        matched=st.sampled_from([True, False, None]),
    ),
    max_size=6,
)


@given(checks=checks_strategy, minimum=st.integers(0, 4), declaration=st.booleans(), received=st.booleans())
def test_evaluation_is_consistent(
    checks: list[DataPointCheck], minimum: int, declaration: bool, received: bool
) -> None:
    rec = VerificationRecord(
        VerificationLevel.REASONABLE, "data_points", checks, declaration_received=received
    )
    outcome = evaluate(rec, minimum, declaration, request_type=RequestType.KNOW_SPECIFIC)
    matched = sum(1 for c in checks if c.received and c.matched is True)
    mismatched = any(c.received and c.matched is False for c in checks)
    if outcome.result == "verified":
        assert matched >= minimum and not mismatched and (received or not declaration)
    if mismatched:
        assert outcome.result == "unverifiable"
    assert (outcome.effective_type is RequestType.KNOW_CATEGORIES) == (outcome.result == "unverifiable")
    final = evaluate(rec, minimum, declaration, final=True)
    assert final.result != "pending"
    assert outcome.reasons
