"""Facial checks: residency, channel, subject line, who may ask, verification."""

from __future__ import annotations

import pytest

from privdesk.domain.checks import OrganizationRules, RequestFacts, facial_checks
from privdesk.domain.rules import RuleWarning, load_rulebook
from privdesk.domain.types import Channel, RequestType

RULEBOOK = load_rulebook()
STL_SUBJECT = "California Privacy Rights Direct Marketing Information Request"

# The fragment of the MSTIS profile the checks read (same shape as an organization file's [profile]).
MSTIS_PROFILE = {
    "verification_policy": "Information sufficient to confirm your identity.",
    "channels": {
        "delete": ["mail", "email", "phone"],
        "opt_out_sale_share": ["mail", "email", "phone"],
        "shine_the_light": ["email"],
        "minor_removal": ["mail", "email"],
    },
    "subject_lines": {"shine_the_light": STL_SUBJECT, "minor_removal": "Removal of Minor Information"},
    "requirements": {"minor_removal": ["From a parent or guardian only (not from the minor)", "Name"]},
}
MSTIS = OrganizationRules.from_profile(MSTIS_PROFILE, "mstis")


def check(request_type: str, channel: str, subject: str | None = None, **facts: object) -> list[RuleWarning]:
    return facial_checks(
        RequestFacts("US-CA", request_type, channel, subject, **facts),  # type: ignore[arg-type]
        MSTIS,
        RULEBOOK,
    )


def codes(found: list[RuleWarning]) -> list[str]:
    return [w.code for w in found]


def test_profile_fragment_is_read() -> None:
    assert MSTIS.channels[RequestType.SHINE_THE_LIGHT] == frozenset({Channel.EMAIL})
    assert MSTIS.parent_or_guardian_only == frozenset({RequestType.MINOR_REMOVAL})
    assert MSTIS.subject_lines[RequestType.MINOR_REMOVAL] == "Removal of Minor Information"
    assert RequestType.OPT_OUT_SALE_SHARE in MSTIS.verification_types
    explicit = OrganizationRules.from_profile(
        {"parent_or_guardian_only": ["minor_removal", "nonsense"], "verification_types": ["delete"]}
    )
    assert explicit.parent_or_guardian_only == frozenset({RequestType.MINOR_REMOVAL})
    assert explicit.verification_types == frozenset({RequestType.DELETE})


def test_a_proper_shine_the_light_request_raises_nothing() -> None:
    subject = f"Fwd:  {STL_SUBJECT.lower()}  (2025)"
    assert check("shine_the_light", "email", subject, ca_residency_attested=True) == []
    assert check("shine_the_light", "email", STL_SUBJECT, ca_address_given=True) == []


def test_shine_the_light_without_california_residency() -> None:
    [warning] = check("shine_the_light", "email", STL_SUBJECT)
    assert warning.code == "stl_no_ca_residency" and "§1798.83" in warning.basis


def test_shine_the_light_subject_line_missing() -> None:
    [warning] = check("shine_the_light", "email", "Privacy request", ca_residency_attested=True)
    assert warning.code == "subject_line_missing" and STL_SUBJECT in warning.message
    assert "mstis" in warning.basis
    assert codes(check("shine_the_light", "email", None, ca_residency_attested=True)) == [
        "subject_line_missing"
    ]


def test_shine_the_light_by_mail_is_not_the_designated_channel() -> None:
    found = check("shine_the_light", "mail", STL_SUBJECT, ca_residency_attested=True)
    [warning] = found
    assert warning.code == "channel_not_accepted"
    assert "150 calendar days" in warning.message and "§1798.83(a)" in warning.basis


@pytest.mark.parametrize("channel", ["phone", "fax"])
def test_minor_removal_by_phone_or_fax(channel: str) -> None:
    found = check("minor_removal", channel, "Removal of Minor Information", requester_relation="parent")
    assert codes(found) == ["channel_not_accepted"]
    assert "not an accepted channel" in found[0].message and "Do not ignore it" in found[0].message


def test_minor_removal_only_from_a_parent_or_guardian() -> None:
    subject = "Removal of Minor Information"
    assert check("minor_removal", "mail", subject, requester_relation="guardian") == []
    [warning] = check("minor_removal", "email", subject, requester_relation="minor")
    assert warning.code == "minor_removal_not_parent" and "the minor" in warning.message
    assert "§22581" in warning.basis
    assert codes(check("minor_removal", "email", subject)) == ["minor_removal_not_parent"]


def test_phone_calls_need_no_subject_line() -> None:
    assert check("delete", "phone") == []


def test_verification_must_not_be_demanded_for_opt_out_and_limit() -> None:
    [warning] = check("opt_out_sale_share", "email")
    assert warning.code == "verification_not_allowed" and "§7026" in warning.basis
    no_policy = OrganizationRules()
    facts = RequestFacts("US-CA", "limit_sensitive", "web")
    assert facial_checks(facts, no_policy, RULEBOOK) == []
    demanded = RequestFacts("US-CA", "limit_sensitive", "web", verification_demanded=True)
    assert codes(facial_checks(demanded, no_policy, RULEBOOK)) == ["verification_not_allowed"]
    assert check("delete", "email") == []  # deletion may be verified


def test_law_channels_apply_without_a_profile() -> None:
    facts = RequestFacts("US-CA", "shine_the_light", "phone", ca_residency_attested=True)
    assert codes(facial_checks(facts)) == ["channel_not_accepted"]  # bundled rulebook, no profile
    assert facial_checks(RequestFacts("US-CA", "shine_the_light", "email", ca_address_given=True)) == []


def test_every_warning_has_a_basis() -> None:
    found = check("shine_the_light", "fax", "hello") + check(
        "minor_removal", "phone", requester_relation="minor"
    )
    assert len(found) == 5 and all(w.basis for w in found)
