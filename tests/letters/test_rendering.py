"""Every letter kind renders with realistic data, and says what the law requires it to say."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from privdesk.domain.letterdata import LetterKind, PostalAddress
from privdesk.letters import LETTER_KINDS, LetterRenderer
from privdesk.letters.templating import date_style_for, default_template_name, format_date
from tests.letters.pdftext import flat_text, page_texts, tables, whole_tables
from tests.letters.sample_letters import LOSSEXPRESS_EU, sample

RENDERER = LetterRenderer()

# What each kind must print (beyond the consumer, reference and letter date checked for all).
EXPECTED: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.ACKNOWLEDGEMENT: (
        "received your request on November 20, 2026",
        "Deletion: we will respond by January 4, 2027",
        "Right to know (categories)",
    ),
    LetterKind.VERIFICATION_REQUEST: (
        "Your date of birth",
        "Your policy number",
        "by December 15, 2026",
        "Declaration under penalty of perjury",
        "under the laws of the State of California",
        "Signature:",
    ),
    LetterKind.AGENT_AUTHORIZATION_REQUEST: (
        "Privacy Advocates LLC",
        "Permission for an authorized agent",
        "Consumer's signature:",
        "Agent's signature:",
        "Probate Code",
    ),
    LetterKind.EXTENSION_NOTICE: (
        "Why we need more time:",
        "several claims systems",
        "February 18, 2027",
        "90 days in total",
    ),
    LetterKind.KNOW_CATEGORIES_RESPONSE: (
        "Identifiers",
        "Advertising partners and networks",
        "Personal information sold or shared",
        "cookie preference center",
    ),
    LetterKind.KNOW_SPECIFIC_RESPONSE: (
        "Enclosures:",
        "Account and usage data export (12 pages)",
        "Support communications (4 pages)",
        "never disclose Social Security numbers",
    ),
    LetterKind.DELETION_DONE: (
        "We have deleted the personal information",
        "Business account contact details",
        "Needed to keep your employer's account open",
    ),
    LetterKind.DELETION_DENIED: (
        "We are required by law to keep the information.",
        "HIPAA",
        "litigation hold",
        "Claim file 2024-0577",
        "Would you like to opt out?",
        "appeal it within 60 days",
        "Attorney General",
    ),
    LetterKind.CORRECTION_DONE: ("What we corrected:", "1458 Alvarado Street, Apt 3."),
    LetterKind.CORRECTION_DENIED: (
        "Gramm-Leach-Bliley Act",
        "GLBA privacy notice",
        "note in our records, with the information concerned, that you contest its accuracy",
    ),
    LetterKind.OPT_OUT_CONFIRMED: ("Opt-Out Request Honored", "no longer shares your personal information"),
    LetterKind.LIMIT_CONFIRMED: ("limit the use and disclosure of your sensitive personal information",),
    LetterKind.UNVERIFIABLE: (
        "could not verify",
        "treated it as a request to know the categories",
        "Would you like to opt out?",
    ),
    LetterKind.FREQUENCY_LIMIT: (
        "September 2, 2026",
        "PD-2026-000077",
        "more than twice in a 12-month period",
    ),
    LetterKind.STL_RESPONSE: (
        "calendar year 2025",
        "Pacific Mailers Inc.",
        "500 Harbor Blvd, Long Beach, CA 90802",
        "Direct mail marketing of home insurance",
        "Golden State Auto Club",
        "Postal address",
    ),
    LetterKind.STL_ALREADY_ANSWERED: ("March 14, 2026", "PD-2026-000031", "January 1, 2027"),
    LetterKind.SERVICE_PROVIDER_REDIRECT: (
        "Lone Star Auto Finance",
        "800 Main St",
        "Houston, TX 77002",
        "service provider",
    ),
    LetterKind.SERVICE_PROVIDER_NOTICE: (
        "Dear Privacy Office,",
        "Maria Delgado",
        "We have not acted on the request",
    ),
    LetterKind.DELETION_NOTHING_HELD: (
        "we hold no personal information about you, so there was nothing to delete",
    ),
    LetterKind.REQUEST_DENIED: (
        "We cannot act on it, for the reasons below",
        "documented reason to believe the request is fraudulent",
        "40 requests in one hour",
    ),
    LetterKind.MINOR_REMOVAL_DONE: (
        "Removal of Minor Information",
        "Two forum posts",
        "does not ensure complete or comprehensive removal",
    ),
    LetterKind.KNOW_DENIED: (
        "We are able to answer part of it",
        "Medical Information Act",
        "CMIA governs",
        "What we are providing",
        "Policy and billing records (6 pages)",
    ),
    LetterKind.OPT_OUT_DENIED: (
        "good-faith, reasonable and documented belief",
        "140 others from one address",
    ),
    LetterKind.APPEAL_DECISION: (
        "PD-2026-000098",
        "We have denied your appeal",
        "litigation hold",
        "Attorney General of Virginia",
    ),
    LetterKind.STL_ALTERNATIVE: ("1798.83(c)(2)", "How to opt out, free of charge", "844-347-3374"),
    LetterKind.ADMT_ACCESS_RESPONSE: (
        "section 7222",
        "the specific purpose for which we used automated decisionmaking technology",
        "how it processed your personal information to produce its output",
        "the outcome of the decisionmaking process for you",
        "Explanation of the underwriting model's decision (3 pages)",
    ),
    LetterKind.ADMT_OPT_OUT_CONFIRMED: (
        "Opt-Out of Automated Decisionmaking Honored",
        "We processed your opt-out on November 23, 2026.",
        "section 7221",
    ),
    LetterKind.COMPLAINT_OUTCOME: (
        "The outcome of your data protection complaint",
        "Your old address was still used; it has been removed everywhere.",
        "section 164A",
        "Information Commissioner's Office",
    ),
    LetterKind.COMPLAINT_ACKNOWLEDGEMENT: (
        "received your complaint about our use of your personal data on 20 November 2026",
        "without undue delay",
        "tell you the outcome",
        "section 164A",
        "Information Commissioner's Office",
    ),
}


def test_catalog_covers_every_kind_and_its_templates_exist() -> None:
    assert set(LETTER_KINDS) == {k.value for k in LetterKind}
    for kind, info in LETTER_KINDS.items():
        assert info.title and info.description
        assert default_template_name(kind, "ccpa").startswith(kind)
        for family in info.families:
            assert default_template_name(kind, family) == f"{kind}.{family}.j2"


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_renders_its_content(kind: LetterKind) -> None:
    data = sample(kind)
    pdf = RENDERER.render(data)
    assert pdf.startswith(b"%PDF")
    text = flat_text(pdf)
    assert data.recipient.name in text
    assert "PD-2026-000123" in text
    # the letter date, long form: US style, or day first for the GDPR families
    assert format_date(date(2026, 11, 24), date_style_for(data.jurisdiction_family)) in text
    assert data.letterhead.signatory_name in text
    for expected in EXPECTED[kind]:
        assert expected in text, f"{kind}: {expected!r} missing"


def test_california_letters_invent_no_appeal_right() -> None:
    for kind in (LetterKind.DELETION_DENIED, LetterKind.CORRECTION_DENIED, LetterKind.UNVERIFIABLE):
        data = replace(sample(kind), jurisdiction="US-CA", jurisdiction_family="ccpa", appeal_days=None)
        text = flat_text(RENDERER.render(data))
        assert "appeal" not in text.lower()
        assert "supervisory authority" not in text


def test_gdpr_denial_gives_complaint_right_and_day_first_dates() -> None:
    data = replace(
        sample(LetterKind.DELETION_DENIED),
        jurisdiction="EU",
        jurisdiction_family="gdpr",
        letterhead=LOSSEXPRESS_EU,
    )
    text = flat_text(RENDERER.render(data))
    assert "lodge a complaint with a data protection supervisory authority" in text
    assert "judicial remedy" in text
    assert "24 November 2026" in text
    assert "appeal" not in text.lower()


def test_uk_access_response_names_the_ico() -> None:
    data = replace(
        sample(LetterKind.KNOW_SPECIFIC_RESPONSE),
        jurisdiction="GB",
        jurisdiction_family="uk_gdpr",
        letterhead=LOSSEXPRESS_EU,
    )
    text = flat_text(RENDERER.render(data))
    assert "Article 15 of the UK GDPR" in text
    assert "Information Commissioner's Office" in text


def test_categories_and_sold_shared_are_separate_tables() -> None:
    pdf = RENDERER.render(sample(LetterKind.KNOW_CATEGORIES_RESPONSE))
    found = whole_tables(pdf)
    assert len(found) == 2
    flat, sold_flat = found
    assert flat[0] == [
        "Category of personal information",
        "Sources",
        "Business or commercial purposes",
        "Disclosed for a business purpose to",
    ]
    assert flat[1] == [
        "Identifiers",
        "Directly from you; Our website",
        "Providing our services; Communicating with you",
        "Subsidiaries and affiliates; Service providers",
    ]
    assert [row[0] for row in flat[1:]][-1] == "Sensitive personal information"
    assert sold_flat[0][1] == "Categories of third parties"
    assert [row[0] for row in sold_flat[1:]] == [
        "Identifiers",
        "Internet or other electronic network activity",
    ]


def test_stl_table_lists_third_parties_with_addresses() -> None:
    (table,) = tables(RENDERER.render(sample(LetterKind.STL_RESPONSE)))
    rows = [[(c or "").replace("\n", " ") for c in row] for row in table]
    assert rows[0] == ["Name", "Address", "Nature of business", "Categories received"]
    assert rows[1][:2] == ["Pacific Mailers Inc.", "500 Harbor Blvd, Long Beach, CA 90802"]
    assert rows[2][0] == "Golden State Auto Club"


def test_multi_page_letter_has_page_x_of_y_and_reference_on_every_page() -> None:
    many = tuple(f"Data point number {i}: the last four digits of account {i:04d}" for i in range(60))
    data = replace(sample(LetterKind.VERIFICATION_REQUEST), data_points_requested=many)
    pages = page_texts(RENDERER.render(data))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "PD-2026-000123" in text


def test_vietnamese_and_greek_names_print() -> None:
    for name in ("Nguyễn Thị Hương", "Γιώργος Παπαδόπουλος"):
        data = replace(
            sample(LetterKind.ACKNOWLEDGEMENT),
            recipient=PostalAddress(name, ("12 Main St", "Fresno, CA 93721")),
        )
        text = flat_text(RENDERER.render(data))
        assert name in text
        assert f"Dear {name}," in text


def test_decomposed_vietnamese_is_accepted() -> None:
    import unicodedata

    name = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), recipient=PostalAddress(name, ("12 Main St",)))
    assert RENDERER.render(data).startswith(b"%PDF")


def test_a4_letter_renders_on_a4() -> None:
    import io

    from pypdf import PdfReader

    data = replace(
        sample(LetterKind.ACKNOWLEDGEMENT),
        letterhead=LOSSEXPRESS_EU,
        jurisdiction_family="gdpr",
        letter_date=date(2026, 11, 24),
    )
    page = PdfReader(io.BytesIO(RENDERER.render(data))).pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
