"""Realistic letter data for tests and the benchmark (demo organizations, fictional consumers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from privdesk.domain.letterdata import (
    DisclosureRow,
    KeptData,
    LetterData,
    Letterhead,
    LetterItem,
    LetterKind,
    PostalAddress,
    StlRecipient,
)
from privdesk.domain.types import DenialReason, Outcome, RequestType, VerificationLevel

MSTIS = Letterhead(
    org_name="MST Insurance Solutions",
    legal_name="MST Insurance Solutions, Inc.",
    address_lines=("21241 South Western Avenue, Suite 200", "Torrance, CA 90501"),
    email="privacy@mstis.example",
    phone="844-347-3374",
    signatory_name="Dana Whitfield",
    signatory_title="Privacy Compliance Officer",
)
MSTIS_RETURN = PostalAddress(
    "MSTIS",
    ("ATTN: Privacy Compliance Officer", "21241 South Western Avenue, Suite 200", "Torrance, CA 90501"),
)
COVERYS = Letterhead(
    org_name="Coverys",
    legal_name="Medical Professional Mutual Insurance Company",
    address_lines=("One Financial Center", "Boston, MA 02111"),
    email="coverysprivacy@coverys.example",
    phone="866-432-6700",
    signatory_name="Morgan Ellis",
    signatory_title="Data Protection Officer",
)
LOSSEXPRESS = Letterhead(
    org_name="LossExpress",
    legal_name="LossExpress",
    address_lines=("2323 Ross Avenue, Suite 1700", "Dallas, TX 75201"),
    email="info@lossexpress.example",
    signatory_name="Jordan Reyes",
    signatory_title="Privacy Lead",
)
LOSSEXPRESS_EU = replace(LOSSEXPRESS, page_size="a4")

CONSUMER = PostalAddress("Maria Delgado", ("1458 Alvarado Street, Apt 3", "Los Angeles, CA 90026"))
RECEIVED = date(2026, 11, 20)
LETTER_DAY = date(2026, 11, 24)

COVERYS_DISCLOSURES = (
    DisclosureRow(
        "Identifiers",
        ("Directly from you", "Our website"),
        ("Providing our services", "Communicating with you"),
        ("Subsidiaries and affiliates", "Service providers"),
    ),
    DisclosureRow(
        "Internet or other electronic network activity",
        ("Automatically, through cookies and pixel tags",),
        ("Security", "Analytics"),
        ("Service providers",),
    ),
    DisclosureRow(
        "Professional and employment information",
        ("Directly from you", "Accrediting bodies"),
        ("Underwriting", "Continuing medical education"),
        ("Accrediting bodies and other educational partners",),
    ),
    DisclosureRow(
        "Sensitive personal information",
        ("Directly from you",),
        ("Claims handling",),
        ("Government agencies under a legal obligation",),
    ),
)
COVERYS_SOLD = (
    DisclosureRow("Identifiers", (), ("Targeted advertising",), ("Advertising partners and networks",)),
    DisclosureRow(
        "Internet or other electronic network activity",
        (),
        ("Targeted advertising",),
        ("Advertising networks",),
    ),
)


def base(
    kind: LetterKind, letterhead: Letterhead = MSTIS, family: str = "ccpa", **changes: object
) -> LetterData:
    fields: dict[str, object] = dict(
        kind=kind,
        jurisdiction="US-CA",
        jurisdiction_family=family,
        reference="PD-2026-000123",
        letter_date=LETTER_DAY,
        recipient=CONSUMER,
        letterhead=letterhead,
        received_date=RECEIVED,
    )
    if letterhead is MSTIS:
        fields["return_address"] = MSTIS_RETURN
    fields.update(changes)
    return LetterData(**fields)  # type: ignore[arg-type]


def item(kind: RequestType, **changes: object) -> LetterItem:
    values: dict[str, object] = dict(
        request_type=kind, respond_by=date(2027, 1, 4), extended_respond_by=date(2027, 2, 18)
    )
    values.update(changes)
    return LetterItem(**values)  # type: ignore[arg-type]


def sample(kind: LetterKind) -> LetterData:
    """One realistic letter of each kind."""
    K = LetterKind
    if kind is K.ACKNOWLEDGEMENT:
        return base(kind, items=(item(RequestType.DELETE), item(RequestType.KNOW_CATEGORIES)))
    if kind is K.VERIFICATION_REQUEST:
        return base(
            kind,
            items=(item(RequestType.KNOW_SPECIFIC),),
            verification_level=VerificationLevel.REASONABLY_HIGH,
            data_points_requested=(
                "Your date of birth",
                "The email address on your account",
                "Your policy number",
            ),
            verify_by=date(2026, 12, 15),
        )
    if kind is K.AGENT_AUTHORIZATION_REQUEST:
        return base(
            kind,
            items=(item(RequestType.DELETE),),
            agent_name="Privacy Advocates LLC",
            verify_by=date(2026, 12, 15),
        )
    if kind is K.EXTENSION_NOTICE:
        return base(
            kind,
            items=(item(RequestType.KNOW_SPECIFIC),),
            extension_reason="Your request covers records in several claims systems that must be searched.",
            new_due_date=date(2027, 2, 18),
        )
    if kind is K.KNOW_CATEGORIES_RESPONSE:
        return base(
            kind,
            COVERYS,
            disclosures=COVERYS_DISCLOSURES,
            sold_shared=COVERYS_SOLD,
            sells_or_shares=True,
            sells=True,
            shares=True,
            opt_out_how="Use the cookie preference center on our website or call 866-432-6700.",
            look_back_from=date(2025, 11, 20),
        )
    if kind is K.KNOW_SPECIFIC_RESPONSE:
        return base(
            kind,
            LOSSEXPRESS,
            look_back_from=date(2025, 11, 20),
            enclosures=("Account and usage data export (12 pages)", "Support communications (4 pages)"),
        )
    if kind is K.DELETION_DONE:
        return base(
            kind,
            LOSSEXPRESS,
            items=(
                item(
                    RequestType.DELETE,
                    outcome=Outcome.FULFILLED,
                    kept=(
                        KeptData(
                            "Business account contact details", "Needed to keep your employer's account open"
                        ),
                    ),
                ),
            ),
        )
    if kind is K.DELETION_DENIED:
        return base(
            kind,
            COVERYS,
            family="us_state_with_appeal",
            jurisdiction="US-VA",
            appeal_days=60,
            appeal_contact="the Data Protection Officer, One Financial Center, Boston, MA 02111",
            appeal_decision_days=60,
            complaint_route="the Office of the Attorney General of Virginia (oag.state.va.us)",
            sells_or_shares=True,
            sells=True,
            shares=True,
            items=(
                item(
                    RequestType.DELETE,
                    outcome=Outcome.PARTLY_FULFILLED,
                    reasons=(DenialReason.LEGAL_OBLIGATION, DenialReason.EXEMPTION_HIPAA_CMIA),
                    reason_text="Claim file 2024-0577 is subject to a litigation hold.",
                    kept=(KeptData("Claim file 2024-0577", "Litigation hold ordered by the court"),),
                ),
            ),
        )
    if kind is K.CORRECTION_DONE:
        return base(
            kind,
            items=(
                item(
                    RequestType.CORRECT,
                    outcome=Outcome.FULFILLED,
                    details="Your mailing address now reads 1458 Alvarado Street, Apt 3.",
                ),
            ),
        )
    if kind is K.CORRECTION_DENIED:
        return base(
            kind,
            items=(
                item(
                    RequestType.CORRECT,
                    outcome=Outcome.DENIED,
                    reasons=(DenialReason.EXEMPTION_GLBA,),
                    reason_text="Please contact us under our GLBA privacy notice.",
                ),
            ),
        )
    if kind is K.OPT_OUT_CONFIRMED:
        return base(
            kind, COVERYS, items=(item(RequestType.OPT_OUT_SALE_SHARE),), sells_or_shares=True, shares=True
        )
    if kind is K.LIMIT_CONFIRMED:
        return base(kind, COVERYS, items=(item(RequestType.LIMIT_SENSITIVE),))
    if kind is K.UNVERIFIABLE:
        return base(
            kind,
            COVERYS,
            sells_or_shares=True,
            sells=True,
            shares=True,
            items=(
                item(RequestType.KNOW_SPECIFIC, reasons=(DenialReason.UNVERIFIABLE,)),
                item(RequestType.DELETE, reasons=(DenialReason.UNVERIFIABLE,)),
            ),
        )
    if kind is K.FREQUENCY_LIMIT:
        return base(
            kind,
            items=(item(RequestType.KNOW_CATEGORIES, reasons=(DenialReason.FREQUENCY_LIMIT,)),),
            earlier_answer_date=date(2026, 9, 2),
            earlier_reference="PD-2026-000077",
        )
    if kind is K.STL_RESPONSE:
        return base(
            kind,
            family="stl",
            stl_year=2025,
            stl_categories=("Name", "Postal address", "Email address"),
            stl_recipients=(
                StlRecipient(
                    "Pacific Mailers Inc.",
                    "500 Harbor Blvd, Long Beach, CA 90802",
                    "Direct mail marketing of home insurance",
                    ("Name", "Postal address"),
                ),
                StlRecipient(
                    "Golden State Auto Club",
                    "12 Market Street, San Francisco, CA 94105",
                    "Roadside assistance memberships",
                    ("Name", "Email address"),
                ),
            ),
        )
    if kind is K.STL_ALREADY_ANSWERED:
        return base(
            kind, family="stl", earlier_answer_date=date(2026, 3, 14), earlier_reference="PD-2026-000031"
        )
    if kind is K.SERVICE_PROVIDER_REDIRECT:
        return base(
            kind,
            LOSSEXPRESS,
            items=(item(RequestType.DELETE),),
            business_name="Lone Star Auto Finance",
            business_address=PostalAddress(
                "Lone Star Auto Finance", ("Privacy Office", "800 Main St", "Houston, TX 77002")
            ),
        )
    if kind is K.SERVICE_PROVIDER_NOTICE:
        return base(
            kind,
            LOSSEXPRESS,
            items=(item(RequestType.DELETE),),
            consumer_name="Maria Delgado",
            business_name="Lone Star Auto Finance",
            recipient=PostalAddress(
                "Lone Star Auto Finance", ("Privacy Office", "800 Main St", "Houston, TX 77002")
            ),
            salutation="Dear Privacy Office,",
        )
    if kind is K.MINOR_REMOVAL_DONE:
        return base(
            kind, items=(item(RequestType.MINOR_REMOVAL, details="Two forum posts made on 2026-10-03."),)
        )
    if kind is K.KNOW_DENIED:
        return base(
            kind,
            COVERYS,
            disclosures=COVERYS_DISCLOSURES,
            enclosures=("Policy and billing records (6 pages)",),
            items=(
                item(
                    RequestType.KNOW_SPECIFIC,
                    outcome=Outcome.PARTLY_FULFILLED,
                    reasons=(DenialReason.EXEMPTION_HIPAA_CMIA,),
                    reason_text="Your claim file holds medical information about you that CMIA governs.",
                ),
            ),
        )
    if kind is K.OPT_OUT_DENIED:
        return base(
            kind,
            COVERYS,
            items=(
                item(
                    RequestType.OPT_OUT_SALE_SHARE,
                    outcome=Outcome.DENIED,
                    reasons=(DenialReason.FRAUD,),
                    reason_text="The request came with 140 others from one address within an hour, each "
                    "naming a policyholder who has since told us they made no such request.",
                ),
            ),
        )
    if kind is K.APPEAL_DECISION:
        return base(
            kind,
            COVERYS,
            family="us_state_with_appeal",
            jurisdiction="US-VA",
            appeal_outcome="denied",
            appealed_reference="PD-2026-000098",
            complaint_route="the Office of the Attorney General of Virginia, Consumer Protection Section",
            items=(
                item(
                    RequestType.APPEAL,
                    outcome=Outcome.DENIED,
                    reasons=(DenialReason.LEGAL_OBLIGATION,),
                    reason_text="Claim file 2024-0577 remains under a litigation hold.",
                ),
            ),
        )
    if kind is K.STL_ALTERNATIVE:
        return base(
            kind,
            family="stl",
            opt_out_how="Call 844-347-3374 or write to privacy@mstis.example.",
            stl_alternative_policy=True,
        )
    if kind is K.DELETION_NOTHING_HELD:
        return base(kind, items=(item(RequestType.DELETE, outcome=Outcome.NOT_APPLICABLE),))
    if kind is K.REQUEST_DENIED:
        return base(
            kind,
            COVERYS,
            family="us_state_with_appeal",
            jurisdiction="US-VA",
            appeal_days=60,
            appeal_contact="the Data Protection Officer, One Financial Center, Boston, MA 02111",
            items=(
                item(
                    RequestType.OPT_OUT_SALE_SHARE,
                    outcome=Outcome.DENIED,
                    reasons=(DenialReason.FRAUD,),
                    reason_text="The request came from an address used in 40 requests in one hour.",
                ),
            ),
        )
    if kind is K.ADMT_ACCESS_RESPONSE:
        return base(
            kind,
            items=(item(RequestType.ADMT_ACCESS, outcome=Outcome.FULFILLED),),
            enclosures=("Explanation of the underwriting model's decision (3 pages)",),
        )
    if kind is K.ADMT_OPT_OUT_CONFIRMED:
        return base(
            kind,
            items=(
                item(RequestType.ADMT_OPT_OUT, outcome=Outcome.FULFILLED, processed_on=date(2026, 11, 23)),
            ),
        )
    if kind is K.COMPLAINT_ACKNOWLEDGEMENT:
        return base(
            kind,
            LOSSEXPRESS_EU,
            family="uk_gdpr",
            jurisdiction="GB",
            items=(item(RequestType.COMPLAINT, respond_by=None, extended_respond_by=None),),
        )
    if kind is K.COMPLAINT_OUTCOME:
        return base(
            kind,
            LOSSEXPRESS_EU,
            family="uk_gdpr",
            jurisdiction="GB",
            items=(
                item(
                    RequestType.COMPLAINT,
                    outcome=Outcome.FULFILLED,
                    reason_text="Your old address was still used; it has been removed everywhere.",
                    respond_by=None,
                    extended_respond_by=None,
                ),
            ),
        )
    raise AssertionError(kind)
