"""Letters say only what is true for the case: wording follows the facts in the letter's data."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pdfplumber

from privdesk.domain.letterdata import LetterKind, PostalAddress
from privdesk.domain.types import RequestType
from privdesk.letters import LetterRenderer, geometry
from tests.letters.pdftext import flat_text, page_texts
from tests.letters.sample_letters import LOSSEXPRESS_EU, MSTIS, item, sample

RENDERER = LetterRenderer()


def _text(data) -> str:  # type: ignore[no-untyped-def]
    return flat_text(RENDERER.render(data))


def test_an_organization_that_sells_nothing_does_not_claim_to_have_stopped_selling() -> None:
    data = replace(
        sample(LetterKind.OPT_OUT_CONFIRMED), letterhead=MSTIS, sells_or_shares=False, shares=False
    )
    text = _text(data)
    assert "Opt-Out Request Honored" in text
    assert "does not sell or share personal information" in text
    assert "no longer" not in text and "to whom we sold" not in text


def test_no_opt_out_offer_to_a_consumer_whose_opt_out_is_on_record() -> None:
    offered = _text(sample(LetterKind.DELETION_DENIED))
    assert "Would you like to opt out?" in offered
    data = replace(sample(LetterKind.DELETION_DENIED), opted_out=True)
    assert "Would you like to opt out?" not in _text(data)
    assert "kept on record" in offered or "keep a record of your request" in offered


def test_categories_response_states_its_period_from_the_dates_and_offers_the_earlier_period() -> None:
    data = replace(sample(LetterKind.KNOW_CATEGORIES_RESPONSE), look_back_from=date(2025, 11, 20))
    text = _text(data)
    assert "from November 20, 2025 until we received your request" in text
    assert "January 1, 2022" in text
    assert "12 months" not in text


def test_access_letter_lists_no_enclosures_it_does_not_have() -> None:
    data = replace(sample(LetterKind.KNOW_SPECIFIC_RESPONSE), enclosures=())
    assert "listed at the end of this letter" not in _text(data)


def _gdpr_extension(letter_date: date, family: str = "gdpr"):  # type: ignore[no-untyped-def]
    received = date(2026, 10, 1)
    return replace(
        sample(LetterKind.EXTENSION_NOTICE),
        jurisdiction="EU" if family == "gdpr" else "GB",
        jurisdiction_family=family,
        letterhead=LOSSEXPRESS_EU,
        return_address=None,
        received_date=received,
        letter_date=letter_date,
        items=(
            item(
                RequestType.KNOW_SPECIFIC, respond_by=date(2026, 11, 1), extended_respond_by=date(2027, 1, 1)
            ),
        ),
        new_due_date=date(2027, 1, 1),
    )


def test_gdpr_extension_claims_the_one_month_only_when_it_is_true() -> None:
    assert "within one month of receiving it" in _text(_gdpr_extension(date(2026, 10, 20)))
    late = _text(_gdpr_extension(date(2026, 11, 10)))
    assert "within one month" not in late
    assert "We are writing to let you know" in late


def test_uk_extension_cites_article_12a() -> None:
    text = _text(_gdpr_extension(date(2026, 10, 20), "uk_gdpr"))
    assert "Article 12A of the UK GDPR" in text and "12(3)" not in text


def test_gdpr_access_letter_covers_article_15_1_h_and_15_2() -> None:
    data = replace(
        sample(LetterKind.KNOW_SPECIFIC_RESPONSE),
        jurisdiction="EU",
        jurisdiction_family="gdpr",
        letterhead=LOSSEXPRESS_EU,
    )
    text = _text(data)
    assert "Article 15(1)(h)" in text and "Article 15(2)" in text
    assert "personal information" not in text


def test_agent_letter_names_the_consumer() -> None:
    data = replace(
        sample(LetterKind.DELETION_DONE),
        recipient=PostalAddress("ClearTrail Privacy Services, LLC", ("PO Box 77", "Reno, NV 89501")),
        consumer_name="Maria Delgado",
        salutation="Dear Sir or Madam,",
    )
    text = _text(data)
    assert "Dear Sir or Madam," in text
    assert "on behalf of Maria Delgado" in text


def test_agent_permission_request_for_an_opt_out_does_not_threaten_identity_checks() -> None:
    data = replace(
        sample(LetterKind.AGENT_AUTHORIZATION_REQUEST), items=(item(RequestType.OPT_OUT_SALE_SHARE),)
    )
    assert "verify your identity directly" not in _text(data)
    assert "verify your identity directly" in _text(sample(LetterKind.AGENT_AUTHORIZATION_REQUEST))


def test_state_appeal_wording_gives_the_decision_period_and_the_complaint_route() -> None:
    data = replace(
        sample(LetterKind.DELETION_DENIED),
        appeal_decision_days=60,
        complaint_route="the Office of the Attorney General of Virginia",
    )
    text = _text(data)
    assert "within 60 days of receiving it" in text
    assert "the period the law sets" not in text
    assert "complaint to the Office of the Attorney General of Virginia" in text


def test_correction_denial_offers_the_250_word_statement_only_for_health_data() -> None:
    plain = _text(sample(LetterKind.CORRECTION_DENIED))
    assert "250 words" not in plain and "contest its accuracy" in plain
    assert "250 words" in _text(replace(sample(LetterKind.CORRECTION_DENIED), health_data=True))


def test_state_frequency_limit_does_not_say_the_law_requires_no_answer() -> None:
    data = replace(
        sample(LetterKind.FREQUENCY_LIMIT), jurisdiction="US-VA", jurisdiction_family="us_state_with_appeal"
    )
    text = _text(data)
    assert "does not require us to answer" not in text
    assert "manifestly unfounded, excessive or repetitive" in text


def test_a_categories_response_starts_its_table_on_page_1_and_repeats_the_header() -> None:
    many = tuple(
        replace(r, category=f"{r.category} ({i})")
        for i in range(6)
        for r in sample(LetterKind.KNOW_CATEGORIES_RESPONSE).disclosures
    )
    pdf = RENDERER.render(replace(sample(LetterKind.KNOW_CATEGORIES_RESPONSE), disclosures=many))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        lowest = max(float(w["bottom"]) for w in first.extract_words() if "Reference" not in w["text"])
        assert lowest > geometry.US_LETTER.body_bottom - 80  # page 1 is filled, not left two-thirds empty
        assert "Identifiers (0)" in (first.extract_text() or "")
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert "Category of personal" in pages[1]  # the header repeated where the table continues


def test_every_kind_embeds_every_font_it_names() -> None:
    from pypdf import PdfReader

    for kind in LetterKind:
        reader = PdfReader(io.BytesIO(RENDERER.render(sample(kind))))
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                descriptor = font.get_object().get("/FontDescriptor")
                assert descriptor is not None, (kind, font.get_object()["/BaseFont"])
                assert "/FontFile2" in descriptor.get_object(), (kind, font.get_object()["/BaseFont"])
