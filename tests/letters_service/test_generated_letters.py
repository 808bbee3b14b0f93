"""Every queued demo letter, generated and read back: the facts of the case must be in the PDF."""

from __future__ import annotations

import re

from privdesk.domain.types import DenialReason
from privdesk.letters.templating import REASON_WORDS, format_date
from tests.letters.pdftext import tables
from tests.letters_service.conftest import GeneratedDemo


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_queued_letter_is_generated_and_stored(generated_demo: GeneratedDemo) -> None:
    assert len(generated_demo.letters) >= 40
    for g in generated_demo.letters:
        assert g.letter.status == "generated"
        assert g.pdf.startswith(b"%PDF")
        assert g.letter.document_id is not None and g.letter.sha256
    assert {g.letter.kind for g in generated_demo.letters} >= {
        "acknowledgement",
        "verification_request",
        "extension_notice",
        "know_categories_response",
        "know_specific_response",
        "deletion_denied",
        "unverifiable",
        "frequency_limit",
        "stl_response",
        "service_provider_redirect",
        "service_provider_notice",
        "opt_out_confirmed",
        "minor_removal_done",
        "know_denied",
    }


def test_each_letter_names_the_addressee_and_the_reference(generated_demo: GeneratedDemo) -> None:
    for g in generated_demo.letters:
        assert g.data.recipient.name in g.text, g.letter.kind
        assert g.letter.case_reference in g.text
        assert g.data.letterhead.org_name in g.text
        for line in g.data.recipient.lines:
            assert line in g.text, (g.letter.kind, line)


def test_addresses_come_from_the_stored_consumer(generated_demo: GeneratedDemo) -> None:
    services = generated_demo.services
    for g in generated_demo.letters:
        if g.letter.kind == "service_provider_notice":
            continue
        case = services.cases.show(g.letter.case_reference)
        consumer = services.consumers.show(case.consumer_id)
        assert g.data.recipient.name == consumer.full_name  # the demo agents have no postal address
        assert "\n".join(g.data.recipient.lines) == consumer.postal_address.strip()


def test_acknowledgements_give_each_items_response_date(generated_demo: GeneratedDemo) -> None:
    acks = generated_demo.of_kind("acknowledgement")
    assert acks
    for g in acks:
        case = generated_demo.services.cases.show(g.letter.case_reference)
        assert format_date(case.received_on, "us") in g.text
        for item in case.items:
            assert item.respond_by is not None
            assert f"we will respond by {format_date(item.respond_by, 'us')}" in g.text


def test_extension_notices_give_the_reason_and_the_new_date(generated_demo: GeneratedDemo) -> None:
    notices = generated_demo.of_kind("extension_notice")
    assert len(notices) >= 3
    for g in notices:
        case = generated_demo.services.cases.show(g.letter.case_reference)
        item = case.items[0]
        assert item.extended_respond_by is not None and item.extension_reason
        style = "day_first" if case.jurisdiction in ("EU", "GB") else "us"
        assert f"no later than {format_date(item.extended_respond_by, style)}" in g.text
        assert _words(item.extension_reason) in g.text
    assert any(g.data.jurisdiction == "GB" for g in notices)


def test_categories_tables_come_from_the_organizations_disclosures(generated_demo: GeneratedDemo) -> None:
    letters = generated_demo.of_kind("know_categories_response")
    assert letters
    orgs = {o.display_name: o for o in generated_demo.services.organizations.list()}
    table_checked: set[str] = set()
    for g in letters:
        org = orgs[g.data.letterhead.org_name]
        collected = [d.category for d in org.disclosures if d.kind == "collected"]
        assert collected
        for category in collected:
            assert category in g.text, (org.slug, category)
        if org.slug not in table_checked:  # table extraction is slow: once per organization
            table_checked.add(org.slug)
            first_column = [
                _words(row[0] or "") for table in tables(g.pdf) for row in table[1:] if row and row[0]
            ]
            assert set(collected) <= set(first_column), org.slug
        sold = [d.category for d in org.disclosures if d.kind == "sold_shared"]
        if sold:
            assert "Personal information sold or shared" in g.text
            assert "You have the right to opt out" in g.text
        else:
            assert "does not sell or share personal information, and did not sell or share yours" in g.text


def test_shine_the_light_lists_the_third_parties_of_the_preceding_year(generated_demo: GeneratedDemo) -> None:
    letters = generated_demo.of_kind("stl_response")
    assert letters
    orgs = {o.display_name: o for o in generated_demo.services.organizations.list()}
    for g in letters:
        case = generated_demo.services.cases.show(g.letter.case_reference)
        year = case.received_on.year - 1
        assert g.data.stl_year == year
        assert f"calendar year {year}" in g.text
        rows = orgs[g.data.letterhead.org_name].stl_disclosures
        that_year = {r.recipient_name for r in rows if r.year == year}
        other_years = {r.recipient_name for r in rows if r.year != year} - that_year
        assert that_year
        for name in that_year:
            assert name in _words(
                " ".join(" ".join(c or "" for c in row) for t in tables(g.pdf) for row in t)
            )
        for name in other_years:
            assert name not in g.text


def test_denials_give_their_reasons_in_words(generated_demo: GeneratedDemo) -> None:
    denials = generated_demo.of_kind("deletion_denied")
    assert denials
    seen: set[str] = set()
    for g in denials:
        case = generated_demo.services.cases.show(g.letter.case_reference)
        item = next(i for i in case.items if i.type == "delete")
        assert item.denial_reasons
        for code in item.denial_reasons:
            assert _words(REASON_WORDS[DenialReason(code)]) in g.text
            assert "_" not in code or code not in g.text  # never the bare code
            seen.add(code)
    assert len(seen) >= 2


def test_no_appeal_is_invented_for_california(generated_demo: GeneratedDemo) -> None:
    for g in generated_demo.letters:
        if g.data.jurisdiction_family == "ccpa":
            assert "right to appeal" not in g.text.lower()
    texas = [g for g in generated_demo.of_kind("frequency_limit") if g.data.jurisdiction == "US-TX"]
    assert texas and all("Your right to appeal" in g.text for g in texas)


def test_service_provider_letters_name_the_business(generated_demo: GeneratedDemo) -> None:
    redirects = generated_demo.of_kind("service_provider_redirect")
    notices = generated_demo.of_kind("service_provider_notice")
    assert redirects and notices
    for g in redirects:
        assert g.data.business_name and f"please contact {g.data.business_name}" in g.text
    for g in notices:
        consumer = generated_demo.services.cases.show(g.letter.case_reference).consumer_name
        assert g.data.recipient.name == g.data.business_name
        assert consumer in g.text
        assert g.letter.recipient_name == g.data.business_name
