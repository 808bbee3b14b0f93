"""Roles enforced in the services: officers work cases, reviewers approve denials and specific pieces,
administrators manage organizations, templates and retention; with no accounts nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest

from privdesk.domain.types import Role
from privdesk.services.hub import Services
from privdesk.services.users import APPROVE_DENIAL, AccessDenied
from tests.security.support import fill

ADMIN_PW = "admin-password-1"
PW = "officer-password-1"
ON = dt.date(2026, 11, 18)


@pytest.fixture
def staffed(services: Services) -> Services:
    fill(services, cases=2)  # before any account: nothing is enforced yet
    services.users.create_administrator("admin", "Admin", ADMIN_PW)
    services.users.create_user("olga", "Olga Officer", Role.OFFICER, PW)
    services.users.create_user("rita", "Rita Reviewer", Role.REVIEWER, PW)
    return services


def first_reference(services: Services) -> str:
    return sorted(row.reference for row in services.cases.list())[0]


def test_without_accounts_nothing_is_enforced(services: Services) -> None:
    fill(services, cases=1)
    reference = first_reference(services)
    services.ctx.actor = "anyone"
    denied = services.workflow.deny(reference, "delete", ON, ["legal_obligation"])
    assert any(item.outcome == "denied" for item in denied.items)


def test_an_officer_cannot_deny_without_a_reviewers_approval(staffed: Services) -> None:
    reference = first_reference(staffed)
    staffed.users.login("olga", PW)
    with pytest.raises(AccessDenied, match="a reviewer must approve the denial"):
        staffed.workflow.deny(reference, "delete", ON, ["legal_obligation"])
    with pytest.raises(AccessDenied, match="reviewer must approve"):  # a partial denial is a denial
        staffed.workflow.respond(reference, "delete", ON, "partly_fulfilled", reasons=["legal_obligation"])
    assert staffed.workflow.ctx_case(reference).items[0].outcome is None  # nothing was recorded
    staffed.users.login("rita", PW)
    staffed.users.approve(reference, APPROVE_DENIAL, "exemption checked")
    staffed.users.login("olga", PW)
    done = staffed.workflow.deny(reference, "delete", ON, ["legal_obligation"])
    assert any(i.outcome == "denied" for i in done.items)
    approvals = [e for e in staffed.audit.entries() if e.action == "review.approved"]
    assert [e.actor for e in approvals] == ["rita"]
    responded = [e for e in staffed.audit.entries() if e.action == "case.responded"]
    assert responded[-1].actor == "olga"


def test_a_reviewer_approves_by_recording_the_denial(staffed: Services) -> None:
    reference = first_reference(staffed)
    staffed.users.login("rita", PW)
    staffed.workflow.deny(reference, "delete", ON, ["legal_obligation"])
    assert staffed.users.is_approved(reference, APPROVE_DENIAL)
    actions = [(e.action, e.actor) for e in staffed.audit.entries() if e.case_reference == reference]
    assert ("review.approved", "rita") in actions and ("case.responded", "rita") in actions


def test_an_officer_works_cases_but_not_organizations_or_retention(staffed: Services) -> None:
    from privdesk.paths import resource
    from privdesk.services.retention import RetentionService

    reference = first_reference(staffed)
    staffed.users.login("olga", PW)
    staffed.workflow.add_note(reference, "Called back, left a message.")
    staffed.workflow.respond(reference, "know_categories", ON, "fulfilled")
    with pytest.raises(AccessDenied, match="administrator"):
        staffed.organizations.import_profile_file(resource("demo", "mstis.toml"))
    with pytest.raises(AccessDenied, match="administrator"):
        staffed.letters.reset_template("deletion_done")
    with pytest.raises(AccessDenied, match="administrator"):
        RetentionService(staffed.ctx).set_legal_hold(reference, True, "litigation")
    entries = [e for e in staffed.audit.entries() if e.case_reference == reference]
    assert {e.actor for e in entries if e.action in ("case.note_added", "case.responded")} == {"olga"}


def test_someone_without_an_account_is_refused_once_accounts_exist(staffed: Services) -> None:
    staffed.ctx.actor = "mallory"
    with pytest.raises(AccessDenied, match="not an active user"):
        staffed.workflow.add_note(first_reference(staffed), "hello")
    with pytest.raises(AccessDenied, match="not an active user"):
        staffed.notes.add(first_reference(staffed), "hello")  # the desktop's path, with Undo
    assert not [e for e in staffed.audit.entries() if e.actor == "mallory"]


def test_single_user_has_every_role(services: Services) -> None:
    fill(services, cases=1)
    services.users.create_administrator("solo", "Solo Practitioner", ADMIN_PW)
    services.users.set_single_user(True)
    services.ctx.actor = "nobody"
    assert services.users.automatic_user() is not None
    reference = first_reference(services)
    services.workflow.deny(reference, "delete", ON, ["legal_obligation"])
    services.letters.reset_template("deletion_done")
    assert {e.actor for e in services.audit.entries() if e.case_reference == reference} >= {"solo"}


def test_the_role_is_checked_before_a_template_renders(
    staffed: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.services import letters_templates as letters_module

    rendered: list[str] = []
    monkeypatch.setattr(letters_module, "prepare", lambda data, source=None: rendered.append(source))
    staffed.users.login("olga", PW)
    attack = "{% for k in reason_words.keys()|list %}{{ reason_words.update({k: 'x'}) }}{% endfor %}"
    with pytest.raises(AccessDenied, match="administrator"):
        staffed.letters.save_template("deletion_denied", "", attack)
    assert rendered == []
    with pytest.raises(AccessDenied, match="administrator"):
        staffed.letters.preview(first_reference(staffed), "deletion_denied", attack)
