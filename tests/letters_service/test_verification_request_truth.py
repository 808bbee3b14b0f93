"""A request for verification is true only while the identity check is open: once it is recorded for every
request, a queued one is held back by the pre-flight, with the reason, instead of printing."""

from __future__ import annotations

import datetime as dt

from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.services.workflow import DataPoint, VerificationInput
from tests.conftest import TODAY


def test_a_verification_request_is_held_once_identity_is_verified(demo_services: Services) -> None:
    case = demo_services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-CA",
            types=["delete"],
            channel="mail",
            received=TODAY - dt.timedelta(days=2),
            name="Ruth Adebayo",
            address="41 Orchard Lane\nSanta Rosa, CA 95404",
            ca_residency_attested=True,
        )
    )
    letter = demo_services.letters.create(case.reference, "verification_request")
    before = demo_services.letters.check(letter.id)
    assert before.printable, before.problems

    demo_services.workflow.verify(
        case.reference,
        VerificationInput(
            data_points=[
                DataPoint("name", received=True, matched=True),
                DataPoint("postal address", received=True, matched=True),
                DataPoint("date of birth", received=True, matched=True),
            ],
            declaration_received=True,
        ),
    )
    after = demo_services.letters.check(letter.id)
    assert not after.printable
    assert any(p.startswith("verification:") and "void this letter" in p for p in after.problems)
