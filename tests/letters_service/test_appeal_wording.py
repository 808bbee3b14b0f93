"""Appeal and complaint wording per jurisdiction family, read back from letters rendered for real cases:
an appeal where the state law gives one, a complaint to the supervisory authority under the GDPR and the
UK GDPR, and no invented appeal for California (or a state without an appeal process)."""

from __future__ import annotations

import datetime as dt

import pytest

from privdesk.services.cases import NewCase
from privdesk.services.dto import CaseFilter
from privdesk.services.hub import Services
from tests.letters.pdftext import flat_text

# Letters that tell the consumer what they can do about a refusal.
REFUSALS = ("deletion_denied", "correction_denied", "unverifiable")


def case_in(services: Services, jurisdiction: str) -> str:
    for row in services.cases.list(CaseFilter(limit=500)):
        if row.jurisdiction == jurisdiction:
            return row.reference
    raise AssertionError(f"the demo has no {jurisdiction} case")


def letters_for(services: Services, reference: str) -> dict[str, str]:
    return {kind: flat_text(services.letters.preview(reference, kind)) for kind in REFUSALS}


def test_states_with_appeals_give_the_appeal_right(demo_services: Services) -> None:
    for kind, text in letters_for(demo_services, case_in(demo_services, "US-TX")).items():
        assert "Your right to appeal" in text, kind
        assert "you may appeal it" in text, kind
        assert "Attorney General" in text, kind  # where an appeal is denied
        assert "supervisory authority" not in text, kind


def test_gdpr_gives_the_complaint_right_and_no_appeal(demo_services: Services) -> None:
    for kind, text in letters_for(demo_services, case_in(demo_services, "EU")).items():
        assert "Your right to complain" in text, kind
        assert "lodge a complaint with a data protection supervisory authority" in text, kind
        assert "judicial remedy" in text, kind
        assert "appeal" not in text.lower(), kind


def test_uk_gdpr_names_the_information_commissioner(demo_services: Services) -> None:
    for kind, text in letters_for(demo_services, case_in(demo_services, "GB")).items():
        assert "Your right to complain" in text, kind
        assert "Information Commissioner's Office" in text, kind
        assert "appeal" not in text.lower(), kind


def test_california_gets_no_invented_appeal_or_complaint(demo_services: Services) -> None:
    for kind, text in letters_for(demo_services, case_in(demo_services, "US-CA")).items():
        assert "appeal" not in text.lower(), kind
        assert "right to complain" not in text.lower(), kind
        assert "supervisory authority" not in text, kind


def test_a_state_without_an_appeal_process_gets_none(demo_services: Services) -> None:
    org = demo_services.organizations.list()[0].slug
    try:
        case = demo_services.cases.create(
            NewCase(
                organization=org,
                jurisdiction="US-UT",
                types=["delete"],
                channel="email",
                received=dt.date(2026, 11, 2),
                name="Robin Example",
                email="robin@example.com",
            )
        )
    except Exception as exc:  # pragma: no cover - an organization that does not serve Utah
        pytest.skip(f"no Utah case can be logged with the demo organizations: {exc}")
    for kind, text in letters_for(demo_services, case.reference).items():
        assert "appeal" not in text.lower(), kind
        assert "supervisory authority" not in text, kind
