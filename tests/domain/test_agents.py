from __future__ import annotations

from datetime import date

import pytest

from privdesk.domain.agents import (
    AgentInfo,
    AuthorizationInfo,
    PoaChecklist,
    authorization_holds,
    poa_problems,
)
from privdesk.domain.errors import ValidationError
from privdesk.domain.types import RequestType

TODAY = date(2026, 3, 10)
GOOD_POA = PoaChecklist(dated=True, signed_by_principal=True, notarized=True)


def permission(**changes: object) -> AuthorizationInfo:
    values: dict[str, object] = {
        "signed_permission": True,
        "signed_by": "Zoé Lefèvre",
        "signed_on": date(2026, 2, 1),
        "scope": frozenset({RequestType.DELETE, RequestType.OPT_OUT_SALE_SHARE}),
    }
    values.update(changes)
    return AuthorizationInfo(**values)  # type: ignore[arg-type]


# --- power of attorney checklist ---------------------------------------------------------------


def test_notarized_or_two_independent_witnesses_is_enough() -> None:
    assert GOOD_POA.poa_problems() == []
    witnessed = PoaChecklist(True, True, notarized=False, witness_count=2, witnesses_exclude_agent=True)
    assert poa_problems(witnessed) == []


def test_poa_without_witnesses_or_notary_is_flagged() -> None:
    problems = PoaChecklist(dated=True, signed_by_principal=True, notarized=False).poa_problems()
    assert len(problems) == 1
    assert "neither notarized nor signed by two adult witnesses" in problems[0]
    assert "0 witnesses" in problems[0]
    one = PoaChecklist(True, True, False, witness_count=1).poa_problems()
    assert "1 witness;" in one[0]


def test_agent_as_witness_is_flagged() -> None:
    problems = PoaChecklist(True, True, False, witness_count=2, witnesses_exclude_agent=False).poa_problems()
    assert "the agent cannot be one of the two witnesses" in problems[0]


def test_undated_unsigned_poa_lists_every_defect() -> None:
    problems = PoaChecklist(dated=False, signed_by_principal=False, notarized=True).poa_problems()
    assert any("not dated" in p for p in problems)
    assert any("not signed" in p for p in problems)


# --- authorization -----------------------------------------------------------------------------


def test_valid_poa_holds_without_permission_or_confirmation() -> None:
    auth = AuthorizationInfo(power_of_attorney=GOOD_POA)
    check = authorization_holds(auth, RequestType.DELETE, TODAY, org_requires_consumer_confirmation=True)
    assert check.holds
    assert check.problems == ()
    assert "§7063(b)" in check.basis


def test_defective_poa_without_permission_does_not_hold_and_says_why() -> None:
    poa = PoaChecklist(dated=True, signed_by_principal=True, notarized=False)
    check = authorization_holds(AuthorizationInfo(power_of_attorney=poa), RequestType.DELETE, TODAY, False)
    assert not check.holds
    assert any("signed permission" in p for p in check.problems)
    assert any("neither notarized" in p for p in check.problems)


def test_opt_out_by_agent_needs_signed_permission_only() -> None:
    check = authorization_holds(permission(), RequestType.OPT_OUT_SALE_SHARE, TODAY, True)
    assert check.holds
    assert "§7026(j)" in check.basis
    refused = authorization_holds(AuthorizationInfo(), RequestType.OPT_OUT_SALE_SHARE, TODAY, False)
    assert not refused.holds
    assert refused.problems[0] == "the consumer's signed permission for the agent has not been received"


def test_deletion_by_agent_needs_direct_confirmation_when_the_organization_asks() -> None:
    assert authorization_holds(permission(), RequestType.DELETE, TODAY, False).holds
    check = authorization_holds(permission(), RequestType.DELETE, TODAY, True)
    assert not check.holds
    assert "confirmed the agent's permission directly" in check.problems[0]
    confirmed = permission(consumer_confirmed_on=date(2026, 3, 1))
    assert authorization_holds(confirmed, RequestType.DELETE, TODAY, True).holds
    verified = permission(consumer_verified_directly=True)
    assert authorization_holds(verified, RequestType.DELETE, TODAY, True).holds
    future = permission(consumer_confirmed_on=date(2026, 4, 1))
    assert not authorization_holds(future, RequestType.DELETE, TODAY, True).holds


def test_expired_authorization_is_reported_with_its_date() -> None:
    check = authorization_holds(permission(expires_on=date(2026, 3, 1)), RequestType.DELETE, TODAY, False)
    assert not check.holds
    assert "authorization expired on 2026-03-01" in check.problems


def test_expiring_authorization_is_warned() -> None:
    check = authorization_holds(permission(expires_on=date(2026, 3, 20)), RequestType.DELETE, TODAY, False)
    assert check.holds
    assert "authorization expires on 2026-03-20" in check.warnings
    later = authorization_holds(permission(expires_on=date(2026, 12, 31)), RequestType.DELETE, TODAY, False)
    assert later.warnings == ()


def test_scope_limits_the_requests_covered() -> None:
    check = authorization_holds(permission(), RequestType.KNOW_SPECIFIC, TODAY, False)
    assert not check.holds
    assert "the authorization does not cover Right to know (specific pieces)" in check.problems
    general = authorization_holds(permission(scope=frozenset()), RequestType.KNOW_SPECIFIC, TODAY, False)
    assert general.holds
    assert "the authorization does not say which requests it covers" in general.warnings


def test_scope_applies_to_a_power_of_attorney_too() -> None:
    auth = AuthorizationInfo(power_of_attorney=GOOD_POA, scope=frozenset({RequestType.DELETE}))
    assert not authorization_holds(auth, RequestType.KNOW_SPECIFIC, TODAY, False).holds


def test_permission_dated_after_the_check_and_missing_details() -> None:
    late = authorization_holds(permission(signed_on=date(2026, 4, 1)), RequestType.DELETE, TODAY, False)
    assert not late.holds
    vague = authorization_holds(permission(signed_by="", signed_on=None), RequestType.DELETE, TODAY, False)
    assert vague.holds
    assert "the signed permission does not say who signed it" in vague.warnings
    assert "the signed permission is not dated" in vague.warnings


def test_business_agent_without_registration_is_warned() -> None:
    agent = AgentInfo("business", "Privacy Helpers LLC")
    check = authorization_holds(permission(), RequestType.DELETE, TODAY, False, agent=agent)
    assert check.holds
    assert any("Secretary of State" in w for w in check.warnings)
    registered = AgentInfo("business", "Privacy Helpers LLC", sos_registration="202012345678")
    assert registered.warnings() == []
    assert AgentInfo("person", "Jane Roe").warnings() == []


def test_agent_info_validates() -> None:
    with pytest.raises(ValidationError):
        AgentInfo("robot", "R2")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        AgentInfo("person", " ")
    with pytest.raises(ValidationError):
        AuthorizationInfo(scope=frozenset({"teleport"}))  # type: ignore[arg-type]


def test_scope_accepts_codes() -> None:
    auth = AuthorizationInfo(signed_permission=True, scope=frozenset({"delete"}))  # type: ignore[arg-type]
    assert auth.scope == frozenset({RequestType.DELETE})
