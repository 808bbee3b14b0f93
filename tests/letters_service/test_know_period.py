"""The period a California request to know covers (Cal. Code Regs. tit. 11 §7024(h)) is recorded on
the request and printed in the answers, read back from the PDFs."""

from __future__ import annotations

import datetime as dt

import pytest

from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from tests.letters.pdftext import flat_text


@pytest.fixture
def org_services(services: Services) -> Services:
    services.organizations.import_profile_file(resource("demo", "mstis.toml"))
    return services


def _know(services: Services, types: list[str], **period: object) -> str:
    return services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=types,
            channel="mail",
            received=dt.date(2026, 3, 2),
            name="Dana Whitcomb",
            address="2217 Elm St\nTorrance, CA 90503",
            **period,  # type: ignore[arg-type]
        )
    ).reference


def _text(services: Services, letter_id: int) -> str:
    services.letters.generate(letter_id)
    return " ".join(flat_text(services.letters.stored_pdf(letter_id)).split())


def test_everything_since_2022_is_printed_in_the_categories_answer(org_services: Services) -> None:
    ref = _know(org_services, ["know_categories"], know_everything=True)
    org_services.workflow.respond(ref, "know_categories", dt.date(2026, 3, 20), "fulfilled")
    [letter] = [x for x in org_services.letters.outbox(status="queued") if x.case_reference == ref]
    assert letter.kind == "know_categories_response"
    text = _text(org_services, letter.id)
    assert (
        "from January 1, 2022 until we received your request on March 2, 2026, the period you asked about"
        in text
    )
    assert "as far back as January 1, 2022, please tell us" not in text  # already answered for it


def test_a_named_period_and_the_usual_twelve_months(org_services: Services) -> None:
    ref = _know(org_services, ["know_specific"], know_since=dt.date(2023, 6, 1))
    letter = org_services.letters.create(ref, "know_specific_response", "know_specific")
    org_services.letters.attach_enclosure(ref, "Copy of your personal information.csv", b"category,value\n")
    text = _text(org_services, letter.id)
    assert (
        "covering the period from June 1, 2023 until we received your request on March 2, 2026 "
        "(the period you asked about)" in text
    )
    usual = _know(org_services, ["know_categories"])
    letter = org_services.letters.create(usual, "know_categories_response", "know_categories")
    text = _text(org_services, letter.id)
    assert "from March 2, 2025 until we received your request on March 2, 2026:" in text
    assert "as far back as January 1, 2022, please tell us" in text
