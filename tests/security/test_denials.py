"""Every outcome × request type against the roles: an outcome that sends a refusal letter is a denial,
needs coded reasons and a reviewer's approval; an outcome a type does not have is refused.

The attack this closes: an officer answered a delete request "not applicable" with an explanation
and no reason, and a "We are unable to delete it" letter was queued without a coded reason, a
reviewer's approval or a verification.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

import pytest

from privdesk.domain import outcomes
from privdesk.domain.errors import TransitionRefused
from privdesk.domain.types import DenialReason, Outcome, RequestType, Role
from privdesk.paths import resource
from privdesk.services.access import AccessDenied
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.services.workflow import DataPoint, VerificationInput

PW = "a-long-password-1"
ON = dt.date(2026, 11, 18)
RECEIVED = dt.date(2026, 11, 2)
TYPES = list(RequestType)
OUTCOMES = [o for o in Outcome if o is not Outcome.REDIRECTED]
VERIFIED = VerificationInput(
    data_points=[DataPoint(n, True, True, True) for n in ("Full name", "Email", "Date of birth")],
    declaration_received=True,
    final=True,
)


def _reasons(rtype: RequestType) -> tuple[list[str], str]:
    if rtype in (RequestType.OPT_OUT_SALE_SHARE, RequestType.LIMIT_SENSITIVE, RequestType.ADMT_OPT_OUT):
        return ["fraud"], "Forty requests from one address in an hour."
    return ["manifestly_unfounded"], "The same request was sent twelve times this week."


# --- the table itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("rtype", "outcome"), list(itertools.product(TYPES, OUTCOMES)))
def test_no_outcome_that_is_not_a_denial_sends_a_refusal(rtype: RequestType, outcome: Outcome) -> None:
    if outcomes.check_outcome(rtype, outcome) is not None:
        return
    for reasons in ((), (DenialReason.LEGAL_OBLIGATION,), (DenialReason.UNVERIFIABLE,)):
        letters = outcomes.response_letters(rtype, outcome, reasons)
        if set(letters) & outcomes.REFUSAL_LETTERS:
            assert outcomes.is_denial(outcome), (rtype, outcome, letters)


def test_not_applicable_exists_only_for_deletion_and_its_letter_says_nothing_was_held() -> None:
    with_na = [t for t in TYPES if Outcome.NOT_APPLICABLE in outcomes.allowed_outcomes(t)]
    assert with_na == [RequestType.DELETE]
    assert outcomes.response_letters(RequestType.DELETE, Outcome.NOT_APPLICABLE) == ("deletion_nothing_held",)


# --- the services, per role ------------------------------------------------------------------


def _open_cases(services: Services) -> dict[tuple[RequestType, Outcome], str]:
    services.organizations.import_profile_file(resource("demo", "mstis.toml"))
    services.organizations.import_profile_file(resource("demo", "lossexpress.toml"))
    services.organizations.import_profile_file(resource("demo", "coverys.toml"))
    # Appeals exist in Texas, complaints to the controller in the UK; California has the rest.
    where = {RequestType.APPEAL: ("lossexpress", "US-TX"), RequestType.COMPLAINT: ("coverys", "GB")}
    refs: dict[tuple[RequestType, Outcome], str] = {}
    for n, (rtype, outcome) in enumerate(itertools.product(TYPES, OUTCOMES)):
        organization, jurisdiction = where.get(rtype, ("mstis", "US-CA"))
        case = services.cases.create(
            NewCase(
                organization=organization,
                jurisdiction=jurisdiction,
                types=[rtype.value],
                channel="mail",
                received=RECEIVED,
                name=f"Person {n}",
                email=f"person{n}@example.org",
                address="2217 Elm Street\nTorrance, CA 90503",
                ca_residency_attested=True,
            )
        )
        refs[(rtype, outcome)] = case.reference
    return refs


@pytest.fixture
def staffed(services: Services) -> tuple[Services, dict[tuple[RequestType, Outcome], str]]:
    refs = _open_cases(services)
    services.users.create_administrator("admin", "Admin", PW)
    services.users.create_user("olga", "Olga Officer", Role.OFFICER, PW)
    services.users.create_user("rita", "Rita Reviewer", Role.REVIEWER, PW)
    services.users.login("olga", PW)
    for ref in refs.values():  # verified, so only the outcome and the role decide
        with contextlib.suppress(TransitionRefused):  # opt-out and limit: none may be required
            services.workflow.verify(ref, VERIFIED)
    return services, refs


def _queued(services: Services, reference: str) -> list[str]:
    letters = [d for d in services.letters.outbox() if d.case_reference == reference]
    return [d.kind for d in sorted(letters, key=lambda d: d.id)]


@pytest.mark.parametrize("role", ["olga", "rita", "admin"])
def test_every_outcome_of_every_type_against_the_role(
    staffed: tuple[Services, dict[tuple[RequestType, Outcome], str]], role: str
) -> None:
    services, refs = staffed
    services.users.login(role, PW)
    for (rtype, outcome), ref in refs.items():
        before = _queued(services, ref)
        problem = outcomes.check_outcome(rtype, outcome)
        if problem is not None:
            with pytest.raises(TransitionRefused, match=r"is answered|nothing to delete"):
                services.workflow.respond(ref, rtype.value, ON, outcome.value)
            assert _queued(services, ref) == before, (rtype, outcome)
            continue
        reasons, explanation = _reasons(rtype)
        if outcomes.is_denial(outcome):
            # Without a coded reason: refused, whoever records it; nothing is queued.
            with pytest.raises((TransitionRefused, AccessDenied)):
                services.workflow.respond(ref, rtype.value, ON, outcome.value, explanation="x")
            assert _queued(services, ref) == before
            if role == "olga":  # an officer needs a reviewer's approval first
                with pytest.raises(AccessDenied, match="a reviewer must approve the denial"):
                    services.workflow.respond(
                        ref, rtype.value, ON, outcome.value, reasons=reasons, explanation=explanation
                    )
                assert _queued(services, ref) == before
                continue
            done = services.workflow.respond(
                ref, rtype.value, ON, outcome.value, reasons=reasons, explanation=explanation
            )
        else:
            # A complaint's answer tells the outcome in the officer's words (DPA 2018 s.164A(4)(b)).
            told = "The complaint was looked into and upheld." if rtype is RequestType.COMPLAINT else ""
            done = services.workflow.respond(ref, rtype.value, ON, outcome.value, explanation=told)
        assert done.items[0].outcome == outcome.value
        letters = [k for k in _queued(services, ref) if k not in before]
        expected = list(outcomes.response_letters(rtype, outcome, [DenialReason(r) for r in reasons]))
        if not outcomes.is_denial(outcome):
            expected = list(outcomes.response_letters(rtype, outcome))
        assert letters == expected, (rtype, outcome)
        if set(letters) & outcomes.REFUSAL_LETTERS:
            assert services.users.is_approved(ref, "denial")


def test_the_reported_attack_not_applicable_delete_queues_no_refusal(
    staffed: tuple[Services, dict[tuple[RequestType, Outcome], str]],
) -> None:
    services, refs = staffed
    ref = refs[(RequestType.DELETE, Outcome.NOT_APPLICABLE)]
    services.users.login("olga", PW)
    with pytest.raises(TransitionRefused, match="takes no denial reasons"):
        services.workflow.respond(ref, "delete", ON, "not_applicable", reasons=["other"], explanation="x")
    services.workflow.respond(ref, "delete", ON, "not_applicable", explanation="x")
    assert _queued(services, ref)[-1] == "deletion_nothing_held"
    assert "deletion_denied" not in _queued(services, ref)
    # A "not applicable" answer to a request to know would have queued an "unverifiable" letter.
    know = refs[(RequestType.KNOW_CATEGORIES, Outcome.NOT_APPLICABLE)]
    with pytest.raises(TransitionRefused, match="nothing to delete"):
        services.workflow.respond(know, "know_categories", ON, "not_applicable")
    assert "unverifiable" not in _queued(services, know)
