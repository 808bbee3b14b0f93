"""Fictional letter data with every field filled, to check an edited template before it is saved."""

from __future__ import annotations

import datetime as dt

from privdesk.domain.letterdata import (
    DisclosureRow,
    KeptData,
    LetterData,
    Letterhead,
    LetterItem,
    PostalAddress,
    StlRecipient,
)
from privdesk.domain.types import DenialReason, Outcome, RequestType, VerificationLevel


def sample_letter(kind: str, family: str) -> LetterData:
    """Fictional data with every field filled, to check an edited template before it is saved."""
    day = dt.date(2026, 3, 2)
    return LetterData(
        kind=kind,
        jurisdiction={
            "gdpr": "EU",
            "uk_gdpr": "GB",
            "us_state_with_appeal": "US-TX",
            "us_state": "US-UT",
        }.get(family, "US-CA"),
        jurisdiction_family=family,
        reference="PD-2026-000000",
        letter_date=day,
        recipient=PostalAddress("Alex Example", ("100 Sample Street", "Springfield, CA 90000")),
        letterhead=Letterhead(
            org_name="Example Co.",
            legal_name="Example Company, Inc.",
            address_lines=("1 Example Plaza", "Springfield, CA 90001"),
            email="privacy@example.com",
            phone="800-555-0100",
            signatory_name="Sam Sample",
            signatory_title="Privacy Officer",
        ),
        consumer_name="Alex Example",
        received_date=day - dt.timedelta(days=10),
        items=(
            LetterItem(
                RequestType.DELETE,
                respond_by=day + dt.timedelta(days=35),
                extended_respond_by=day + dt.timedelta(days=80),
                outcome=Outcome.PARTLY_FULFILLED,
                reasons=(DenialReason.LEGAL_OBLIGATION,),
                reason_text="Sample explanation.",
                kept=(KeptData("Sample record", "Sample reason"),),
                details="Sample details.",
            ),
        ),
        verification_level=VerificationLevel.REASONABLY_HIGH,
        data_points_requested=("Your full name", "Your postal address"),
        verify_by=day + dt.timedelta(days=20),
        agent_name="Sample Agent LLC",
        extension_reason="Sample reason for more time.",
        new_due_date=day + dt.timedelta(days=80),
        disclosures=(DisclosureRow("Identifiers", ("You",), ("Service",), ("Service providers",)),),
        sold_shared=(DisclosureRow("Identifiers", (), ("Advertising",), ("Ad networks",)),),
        sells_or_shares=True,
        sells=True,
        shares=True,
        opt_out_how="Reply to this letter.",
        stl_year=2025,
        stl_recipients=(StlRecipient("Sample Partner", "2 Partner Road, Springfield", "Retail", ("Name",)),),
        stl_categories=("Name",),
        stl_alternative_policy=True,
        earlier_answer_date=day - dt.timedelta(days=60),
        earlier_reference="PD-2026-000001",
        enclosures=("Sample enclosure",),
        business_name="Sample Business",
        business_address=PostalAddress("Sample Business", ("3 Business Way", "Springfield, CA 90002")),
        appeal_days=45,
        appeal_contact="privacy@example.com",
        appeal_decision_days=60,
        complaint_route="the Office of the Attorney General of Texas",
        appeal_outcome="denied",
        look_back_from=day - dt.timedelta(days=375),
        extra={"appeal_decision_period": "60 calendar days"},
    )
