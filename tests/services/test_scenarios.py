"""One realistic request per sample organization, from intake to closed, through services."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from privdesk.domain.errors import TransitionRefused
from privdesk.paths import resource
from privdesk.services.agents import AuthorizationInput
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.services.workflow import DataPoint, VerificationInput

STL_SUBJECT = "California Privacy Rights Direct Marketing Information Request"


@pytest.fixture
def svc(services: Services) -> Services:
    for slug in ("mstis", "coverys", "lossexpress"):
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
    return services


def codes(case: object) -> set[str]:
    return {w.code for w in case.warnings}  # type: ignore[attr-defined]


def queued_letters(svc: Services, reference: str) -> list[str]:
    with svc.db.read() as s:
        return list(
            s.execute(
                text(
                    "SELECT l.kind FROM letters l JOIN cases c ON c.id = l.case_id "
                    "WHERE c.reference = :r ORDER BY l.id"
                ),
                {"r": reference},
            ).scalars()
        )


def stl_case(**kw: object) -> NewCase:
    base: dict[str, object] = dict(
        organization="mstis",
        jurisdiction="US-CA",
        types=["shine_the_light"],
        channel="email",
        received=dt.date(2026, 2, 3),
        name="Gerald M. Ostrowski",
        email="g.ostrowski@example.org",
        address="515 Calle Mirador\nRedondo Beach, CA 90277",
        ca_residency_attested=True,
        subject=STL_SUBJECT,
    )
    base.update(kw)
    return NewCase(**base)  # type: ignore[arg-type]


def test_mstis_shine_the_light_by_email(svc: Services) -> None:
    first = svc.cases.create(stl_case())
    assert not codes(first) & {"subject_line_missing", "stl_no_ca_residency"}
    assert first.items[0].respond_by == dt.date(2026, 3, 5)  # 30 days at the designated email
    done = svc.workflow.respond(first.reference, "shine_the_light", dt.date(2026, 2, 20), "fulfilled")
    assert done.items[0].status == "responded"
    assert queued_letters(svc, first.reference) == ["stl_response"]
    svc.workflow.close(first.reference, dt.date(2026, 2, 21))

    untitled = svc.cases.create(
        stl_case(
            subject="my info", name="Other Person", email="other@example.com", received=dt.date(2026, 5, 4)
        )
    )
    assert "subject_line_missing" in codes(untitled)

    again = svc.cases.create(stl_case(received=dt.date(2026, 9, 1), consumer_id=first.consumer_id))
    warning = next(w for w in again.warnings if w.code == "stl_already_answered_this_year")
    assert warning.earlier_reference == first.reference
    svc.workflow.deny(
        again.reference,
        "shine_the_light",
        dt.date(2026, 9, 2),
        ["frequency_limit"],
        "Answered on 2026-02-20 for this calendar year.",
    )
    assert queued_letters(svc, again.reference) == ["stl_already_answered"]


def test_mstis_minor_removal_by_phone_is_flagged(svc: Services) -> None:
    case = svc.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["minor_removal"],
            channel="phone",
            received=dt.date(2026, 11, 16),
            name="Beatriz Holloway",
            phone="(310) 555-0177",
            requester_relation="parent",
            subject="Removal of Minor Information",
        )
    )
    assert "channel_not_accepted" in codes(case)
    message = next(w.message for w in case.warnings if w.code == "channel_not_accepted")
    assert "phone" in message.lower()


def test_coverys_agent_request_then_partial_deletion_denial(svc: Services) -> None:
    case = svc.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-CA",
            types=["delete"],
            channel="email",
            received=dt.date(2026, 10, 26),
            name="Imani Bankole",
            email="imani.b@example.net",
            agent_name="ClearTrail Privacy Services, LLC",
            requester_relation="agent",
        )
    )
    assert case.agent_name == "ClearTrail Privacy Services, LLC"
    svc.workflow.acknowledge(case.reference, dt.date(2026, 10, 28), "email")
    svc.workflow.verify(
        case.reference,
        VerificationInput(
            data_points=[
                DataPoint("name", received=True, matched=True),
                DataPoint("policy number", received=True, matched=True),
                DataPoint("postal address", received=True, matched=True),
            ],
            declaration_received=True,
        ),
    )
    with pytest.raises(TransitionRefused, match="authori"):
        svc.workflow.respond(
            case.reference,
            "delete",
            dt.date(2026, 11, 2),
            "partly_fulfilled",
            reasons=["legal_obligation"],
            explanation="Claims records kept 10 years by law.",
        )
    agent = next(a for a in svc.agents.list() if a.name.startswith("ClearTrail"))
    svc.agents.authorize(
        AuthorizationInput(
            agent_id=agent.id,
            consumer_id=case.consumer_id,
            signed_permission=True,
            signed_by="Imani Bankole",
            signed_on=dt.date(2026, 10, 20),
            scope=["delete"],
            consumer_confirmed_on=dt.date(2026, 11, 3),
            consumer_confirm_method="phone",
        ),
        case_reference=case.reference,
    )
    with pytest.raises(TransitionRefused, match="reason"):
        svc.workflow.deny(case.reference, "delete", dt.date(2026, 11, 4), [])
    done = svc.workflow.respond(
        case.reference,
        "delete",
        dt.date(2026, 11, 4),
        "partly_fulfilled",
        reasons=["legal_obligation"],
        explanation="Claim files are kept as insurance law requires.",
    )
    assert done.items[0].outcome == "partly_fulfilled"
    assert done.items[0].denial_reasons == ["legal_obligation"]
    assert "deletion_denied" in queued_letters(svc, case.reference)
    closed = svc.workflow.close(case.reference, dt.date(2026, 11, 5))
    assert closed.status == "closed"


def test_lossexpress_customer_content_redirected(svc: Services) -> None:
    case = svc.cases.create(
        NewCase(
            organization="lossexpress",
            jurisdiction="US-TX",
            types=["delete"],
            channel="email",
            received=dt.date(2026, 11, 10),
            name="Rosalind Tate",
            email="rtate.home@example.net",
        )
    )
    done = svc.workflow.redirect_to_business(
        case.reference,
        "delete",
        "Lone Star Auto Lending",
        dt.date(2026, 11, 12),
        "100 Main Street, Dallas, TX 75201",
    )
    assert done.items[0].outcome == "redirected"
    assert done.items[0].redirected_to == "Lone Star Auto Lending"
    assert queued_letters(svc, case.reference) == ["service_provider_redirect", "service_provider_notice"]


def test_unverifiable_specific_pieces_become_categories(svc: Services) -> None:
    case = svc.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["know_specific"],
            channel="mail",
            received=dt.date(2026, 11, 2),
            name="Hal Unverified",
            address="1 Main St\nTorrance, CA 90501",
        )
    )
    svc.workflow.request_verification(case.reference)
    checked = svc.workflow.verify(
        case.reference,
        VerificationInput(
            data_points=[
                DataPoint("name", received=True, matched=True),
                DataPoint("account number", received=False),
            ],
            final=True,
        ),
    )
    item = checked.items[0]
    assert item.effective_type == "know_categories"
    with pytest.raises(TransitionRefused):
        svc.workflow.respond(
            case.reference, "know_specific", dt.date(2026, 11, 19), "fulfilled", disclose_specific_pieces=True
        )
    done = svc.workflow.respond(case.reference, "know_specific", dt.date(2026, 11, 19), "fulfilled")
    assert done.items[0].outcome == "fulfilled"
    assert queued_letters(svc, case.reference)[-1] == "know_categories_response"


def test_extension_once_and_not_after_the_date(svc: Services) -> None:
    case = svc.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-CA",
            types=["know_categories"],
            channel="mail",
            received=dt.date(2026, 9, 1),
            name="Late Larry",
            address="9 Elm\nDavis, CA 95616",
        )
    )
    with pytest.raises(TransitionRefused):
        svc.workflow.extend(case.reference, dt.date(2026, 10, 20), "too late")  # after 2026-10-16
    case = svc.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-CA",
            types=["know_categories"],
            channel="mail",
            received=dt.date(2026, 11, 2),
            name="Early Erin",
            address="9 Elm\nDavis, CA 95616",
        )
    )
    extended = svc.workflow.extend(
        case.reference, dt.date(2026, 11, 10), "Archived systems must be searched."
    )
    assert extended.items[0].status == "extended" or extended.items[0].extended_on == dt.date(2026, 11, 10)
    assert "extension_notice" in queued_letters(svc, case.reference)
    with pytest.raises(TransitionRefused):
        svc.workflow.extend(case.reference, dt.date(2026, 11, 11), "again")


def test_stale_edit_is_caught(svc: Services) -> None:
    case = svc.cases.create(stl_case(received=dt.date(2026, 11, 2)))
    svc.workflow.add_note(case.reference, "first officer")
    svc.workflow.respond(
        case.reference, "shine_the_light", dt.date(2026, 11, 3), "fulfilled", expected_version=case.version
    )
    from privdesk.domain.errors import ConflictError

    with pytest.raises(ConflictError, match="changed by someone else"):
        svc.workflow.close(case.reference, dt.date(2026, 11, 4), expected_version=case.version)


def test_tampering_with_an_audit_row_is_detected(svc: Services) -> None:
    case = svc.cases.create(stl_case(received=dt.date(2026, 11, 2)))
    svc.workflow.acknowledge(case.reference, dt.date(2026, 11, 3), "email")
    assert svc.audit.verify().ok
    with svc.db.write() as s:
        s.execute(text("UPDATE audit_events SET actor = 'someone-else' WHERE action = 'case.created'"))
    report = svc.audit.verify()
    assert not report.ok
    assert report.first_broken_id is not None


def test_rule_changes_reach_open_cases_only_when_the_officer_recomputes(
    svc: Services, tmp_path: object
) -> None:
    import shutil
    from pathlib import Path

    from privdesk.domain.rules import load_rulebook

    case = svc.cases.create(stl_case(received=dt.date(2026, 11, 2)))
    assert case.items[0].respond_by == dt.date(2026, 12, 2)
    rules = Path(str(tmp_path)) / "rules"
    shutil.copytree(resource("rules"), rules)
    text = (rules / "US-CA.toml").read_text(encoding="utf-8")
    assert 'version = "' in text
    changed = text.replace("[types.shine_the_light.respond]", "[types.shine_the_light.respond]", 1)
    changed = changed.replace('version = "', 'version = "test-', 1)
    (rules / "US-CA.toml").write_text(changed, encoding="utf-8")
    svc.ctx._rulebook = load_rulebook(rules)
    assert svc.cases.show(case.reference).items[0].rule_version == case.items[0].rule_version  # kept
    recomputed = svc.workflow.recompute_deadlines(case.reference)
    assert recomputed.items[0].rule_version.startswith("test-")
    entry = [e for e in svc.audit.entries(case.reference) if e.action == "case.deadlines_recomputed"]
    assert (
        entry
        and entry[0].after is not None
        and entry[0].after["changes"][0]["rule_version"][1].startswith("test-")
    )
    with pytest.raises(TransitionRefused, match="already follow"):
        svc.workflow.recompute_deadlines(case.reference)
