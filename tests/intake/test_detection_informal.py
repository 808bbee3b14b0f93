"""Detection on wording from the review: informal requests, residency, Spanish, mail about requests
rather than from a requester, replies quoting our own letter, and a bounded prefix."""

from __future__ import annotations

import dataclasses

import pytest

from privdesk.intake import detect, parse_intake_file
from privdesk.intake.detection import BODY_LIMIT
from tests.intake.support import DATA, DEMO_ORGS


@pytest.mark.parametrize(
    "text, types",
    [
        ("who did you give my info to?? i want the names of the companies", ["shine_the_light"]),
        (
            "what kind of info do u guys keep on me?? and stop selling it",
            ["know_categories", "opt_out_sale_share"],
        ),
        ("can u tell me what info u got on me and then wipe it all", ["delete", "know_specific"]),
        ("Remove me from your database", ["delete"]),
        ("I want to see my file", ["know_specific"]),
        ("Per 1798.100 please disclose", ["know_specific"]),
        (
            "¿A qué empresas le dieron mi información para su publicidad? Quiero los nombres.",
            ["shine_the_light"],
        ),
        ("Mi fecha de nacimiento está mal en sus registros. Solicito que la corrijan.", ["correct"]),
    ],
)
def test_informal_requests_are_suggested(text: str, types: list[str]) -> None:
    found = detect(text)
    assert found.is_request and sorted(found.types) == sorted(types)
    assert all(found.evidence[code] for code in types)  # the phrases behind each suggestion


@pytest.mark.parametrize(
    "text",
    [
        "I live in CA. Please delete my personal information.",
        "I'm in California and I want my personal information deleted.",
        "State of residence: California\nPlease delete my personal information.",
        "Please delete my personal information.\nJo Park, Oakland, CA",
        "I'm a resident of Fresno. Please delete my personal information.",
    ],
)
def test_residency_phrasing(text: str) -> None:
    assert detect(text).jurisdiction == "US-CA"


@pytest.mark.parametrize(
    "text",
    [
        "Hi there, privacy teams like yours spend hours on every request to delete personal information."
        " Our platform automates it. Can I get 15 minutes on your calendar next week?",
        "Team, attached is the draft of section 4: consumers may request that we delete their personal"
        " information and request a copy of their personal information. Please review by Friday.",
        "Dear customer, your personal data will be permanently deleted unless you confirm your identity"
        " within 24 hours. Click here to verify your account now.",
    ],
)
def test_mail_about_requests_is_never_a_suggestion_but_gets_a_second_look(text: str) -> None:
    found = detect(text)
    assert not found.is_request
    assert found.possible and found.possible_types
    assert any("possible request — check" in w for w in found.warnings)


def test_calendar_invite_about_request_volumes_is_not_a_request() -> None:
    found = detect(parse_intake_file(DATA / "labelled" / "l017-calendar-invite.eml"), DEMO_ORGS)
    assert not found.is_request


def test_reply_quoting_our_acknowledgement_reads_only_the_new_text() -> None:
    quoting = detect(parse_intake_file(DATA / "labelled" / "l021-reply-quoting-ack.eml"), DEMO_ORGS)
    assert not quoting.is_request
    adding = detect(parse_intake_file(DATA / "labelled" / "l022-reply-adds-delete.eml"), DEMO_ORGS)
    assert adding.types == ["delete"]


def test_a_weak_hint_is_a_possible_request_not_a_no() -> None:
    found = detect("Could you remove it please?")
    assert not found.is_request and found.possible


def test_ordinary_mail_is_neither() -> None:
    found = detect("Hi, when will my claim payment arrive? I sent the repair invoice last week.")
    assert not found.is_request and not found.possible


def test_detection_reads_a_bounded_prefix() -> None:
    parsed = parse_intake_file(DATA / "labelled" / "l020-claim-question.eml")
    filler = "The attached log follows.\n" * (BODY_LIMIT // 20)
    late = dataclasses.replace(parsed, body_text=filler + "Please delete my personal information.")
    assert not detect(late).is_request  # beyond the prefix: a 40 MB paste costs no more than 32 KB
    early = dataclasses.replace(parsed, body_text="Please delete my personal information.\n" + filler * 40)
    assert detect(early).types == ["delete"]
