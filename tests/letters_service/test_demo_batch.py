"""The batch the letters issue is done by: every letter kind for the three demo organizations, with
hard names, a 70-character street line, a case without a postal address and an agent case. Every
printable letter prints; the others are listed with true reasons; each printed PDF, read back as text,
states the facts of its own case."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from privdesk.letters import LETTER_KINDS
from privdesk.letters.templating import format_date
from privdesk.services.cases import NewCase
from privdesk.services.demo import _enclose, _walk
from privdesk.services.hub import Services
from tests.conftest import TODAY
from tests.letters.pdftext import flat_text
from tests.letters.test_pdfa import assert_pdfa_2b

LONG_STREET = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."

# Cases the demo lacks, walked through the workflow as the seeder walks its own, so that each letter
# is queued by the step it reports (never by hand) and its facts exist.
EXTRA: list[dict[str, Any]] = [
    dict(
        org="coverys",
        jurisdiction="US-CA",
        types=["delete"],
        name="Nguyễn Thị Hương",
        address="88 Jackson Street\nSan Francisco, CA 94111",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="coverys",
        jurisdiction="GB",
        types=["delete"],
        name="Αλέξανδρος Παπαδόπουλος-Øster",
        address="Flat 3, 12 Marlowe Road\nLondon E17 3HU\nUnited Kingdom",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="mstis",
        jurisdiction="US-CA",
        types=["know_categories"],
        name="Анна Кузнецова-O'Hara",
        address="41 Bay Street\nSanta Monica, CA 90405",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="mstis",
        jurisdiction="US-CA",
        types=["know_categories"],
        name="山田 太郎",
        address="12 Sakura Lane\nTorrance, CA 90501",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="lossexpress",
        jurisdiction="US-TX",
        types=["delete"],
        name="Ann Lee",
        address=f"{LONG_STREET}\nDallas, TX 75201",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="mstis",
        jurisdiction="US-CA",
        types=["delete"],
        name="Pat Nobody",
        address="",
        email="pat.nobody@example.com",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="mstis",
        jurisdiction="US-CA",
        types=["correct"],
        name="Lena Marsh",
        address="9 Pier Avenue\nHermosa Beach, CA 90254",
        progress="responded",
        outcome="fulfilled",
        channel="mail",
    ),
    dict(
        org="mstis",
        jurisdiction="US-CA",
        types=["correct"],
        name="Omar Haddad",
        address="77 Ocean View Drive\nOxnard, CA 93035",
        progress="responded",
        outcome="denied",
        denial_reasons=["other"],
        denial_explanation="The record you asked us to change is accurate.",
        channel="mail",
    ),
    dict(
        org="mstis",
        jurisdiction="US-CA",
        types=["limit_sensitive"],
        name="Grace Okafor",
        address="15 Elm Court\nPasadena, CA 91101",
        progress="responded",
        outcome="fulfilled",
        channel="mail",
    ),
    dict(
        org="coverys",
        jurisdiction="US-CA",
        types=["opt_out_sale_share"],
        name="Ivan Petrov",
        address="300 Mission Street\nSan Francisco, CA 94105",
        progress="responded",
        outcome="denied",
        denial_reasons=["fraud"],
        denial_explanation="The request came from an address used for 40 requests in one hour.",
        channel="mail",
    ),
    dict(
        org="coverys",
        jurisdiction="GB",
        types=["complaint"],
        name="Siobhán Ní Bhriain",
        address="27 Rathgar Road\nBelfast BT9 6AB\nUnited Kingdom",
        progress="acknowledged",
        channel="mail",
    ),
    dict(
        org="lossexpress",
        jurisdiction="US-CA",
        types=["delete"],
        name="Diego Alvarez",
        address="220 Grand Avenue\nOakland, CA 94610",
        progress="responded",
        outcome="fulfilled",
        channel="mail",
    ),
    dict(
        org="coverys",
        jurisdiction="US-CA",
        types=["shine_the_light"],
        name="Mei Chen",
        address="18 Linden Street\nBerkeley, CA 94710",
        progress="responded",
        outcome="denied",
        denial_reasons=["not_a_consumer"],
        denial_explanation="We have no customer relationship with you, so we made no such disclosure.",
        channel="mail",
    ),
    dict(
        org="lossexpress",
        jurisdiction="US-TX",
        types=["appeal"],
        name="Brenda Castellano",
        email="brenda.castellano@example.com",
        address="88 Blanco Road\nBoerne, TX 78006",
        progress="responded",
        outcome="denied",
        denial_reasons=["other"],
        denial_explanation="Our decision stands: the request repeated two answered this year.",
        channel="email",
    ),
]


def _add(services: Services, spec: dict[str, Any], days_ago: int = 3, consumer_id: int | None = None) -> str:
    received = TODAY - dt.timedelta(days=days_ago)
    case = services.cases.create(
        NewCase(
            organization=spec["org"],
            jurisdiction=spec["jurisdiction"],
            types=spec["types"],
            channel=spec["channel"],
            received=received,
            name=spec["name"],
            email=spec.get("email"),
            address=spec["address"],
            consumer_id=consumer_id,
            ca_residency_attested=spec["jurisdiction"] == "US-CA",
            agent_id=spec.get("agent_id"),
            requester_relation="agent" if spec.get("agent_id") else "self",
        )
    )
    spec.setdefault("progress", "received")
    _walk(services, case.reference, case.consumer_id, spec, received, TODAY)
    _enclose(services, case.reference, spec)
    return case.reference


def _keep_one_per_org_and_kind(services: Services, keep: set[str]) -> None:
    """The demo queues many letters of some kinds; one of each kind per organization is enough."""
    seen: set[tuple[str, str]] = set()
    for letter in sorted(services.letters.outbox(status="queued"), key=lambda x: x.id):
        key = (letter.organization, letter.kind)
        if letter.case_reference in keep or (key not in seen and letter.has_postal_address):
            seen.add(key)
            continue
        if letter.has_postal_address:
            services.letters.void(letter.id, "not part of this run")
            continue
        seen.add(key)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_kind_for_the_demo_organizations_prints_or_is_held_with_its_true_reason(
    demo_services: Services, tmp_path: Path
) -> None:
    services, letters = demo_services, demo_services.letters
    refs = [_add(services, spec) for spec in EXTRA]
    hard = dict(zip(("vietnamese", "greek", "cyrillic", "cjk", "long", "nowhere"), refs, strict=False))
    brenda = services.cases.show(refs[-1])
    clear = services.agents.add(
        "ClearTrail Privacy Services, LLC", "business", "5550123", address="PO Box 77\nReno, NV 89501"
    )
    agent_spec = dict(
        org="coverys",
        jurisdiction="US-CA",
        types=["delete"],
        name="Gloria Pennington-Ames",
        address="1120 Hillcrest Boulevard\nMillbrae, CA 94030",
        channel="mail",
        agent_id=clear.id,
    )
    agent = _add(services, agent_spec)
    letters.create(agent, "acknowledgement")
    letters.create(agent, "agent_authorization_request")
    stl = dict(
        org="coverys",
        jurisdiction="US-CA",
        types=["shine_the_light"],
        name="Lorna Beck",
        email="lorna.beck@example.com",
        address="5 Vine Street\nOakland, CA 94607",
        channel="email",
        progress="responded",
        outcome="fulfilled",
    )
    first_stl = _add(services, stl, days_ago=40)
    again = _add(
        services,
        {**stl, "outcome": "denied", "denial_reasons": ["frequency_limit"]},
        days_ago=2,
        consumer_id=services.cases.show(first_stl).consumer_id,
    )
    for ref in refs[:6]:  # the hard names: an acknowledgement each (GDPR and Texas set no deadline for it)
        if not any(x.kind == "acknowledgement" for x in letters.queued_for_case(ref)):
            letters.create(ref, "acknowledgement")
    # The UK complaint answered: its outcome letter, in the officer's words (DPA 2018 s.164A(4)(b)).
    complaint = next(r for r in refs if services.cases.show(r).items[0].type == "complaint")
    services.workflow.respond(
        complaint, "complaint", TODAY, "fulfilled", explanation="Your old address is no longer used."
    )
    # Kinds whose facts are missing, asked for by hand: the pre-flight must hold them back.
    wrong = {
        letters.create(hard["vietnamese"], "extension_notice").id: ("extension", "never extended"),
        letters.create(hard["vietnamese"], "appeal_decision").id: ("kind", "does not apply to a US-CA case"),
        letters.create(first_stl, "stl_alternative").id: ("organization profile", "no policy"),
    }
    _keep_one_per_org_and_kind(services, {*refs, agent, first_stl, again})
    queued = letters.outbox(status="queued")
    # Every kind is in the run, but the automated-decision letters: those rights begin on 2027-01-01.
    assert {x.kind for x in queued} == set(LETTER_KINDS) - {"admt_access_response", "admt_opt_out_confirmed"}
    by_id = {x.id: x for x in queued}

    summary = letters.batch(TODAY, tmp_path)

    # Held back: exactly the letters whose facts are missing, each with its field and true reason.
    held = {h.letter_id: h for h in summary.held_back}
    long_ack = next(x.id for x in queued if x.case_reference == hard["long"] and x.kind == "acknowledgement")
    cjk_ack = next(x.id for x in queued if x.case_reference == hard["cjk"] and x.kind == "acknowledgement")
    assert set(held) == {*wrong, long_ack, cjk_ack}, [str(h) for h in summary.held_back]
    for letter_id, (field, reason) in wrong.items():
        assert held[letter_id].field == field and reason in held[letter_id].reason
    assert held[long_ack].field == "recipient address line 1" and "70 characters" in held[long_ack].reason
    assert held[cjk_ack].field == "recipient.name" and "U+5C71" in held[cjk_ack].reason
    assert {h.reference for h in summary.no_address} >= {hard["nowhere"]}
    assert all(by_id[h.letter_id].has_postal_address is False for h in summary.no_address)
    # Everything else printed.
    assert set(summary.letter_ids) == set(by_id) - set(held) - {h.letter_id for h in summary.no_address}

    # Each printed letter, read back, states its own case's facts.
    files = {p.name: p for p in summary.letter_files}
    to_agent = 0
    for letter_id in summary.letter_ids:
        letter = by_id[letter_id]
        data = letters.letter_data(letter_id)
        name = f"{letter.case_reference}-{letter.kind}.pdf"
        path = files.get(name) or files[f"{letter.case_reference}-{letter.kind}-{letter_id}.pdf"]
        text = _words(flat_text(path.read_bytes()))
        what = (letter.case_reference, letter.kind)
        case = services.cases.show(letter.case_reference)
        style = "day_first" if case.jurisdiction in ("EU", "GB") else "us"
        assert letter.case_reference in text and data.letterhead.org_name in text, what
        assert format_date(TODAY, style) in text, what  # dated the run's day
        assert data.recipient.name in text, what
        for line in data.recipient.lines:
            assert _words(line) in text, (what, line)
        assert "{{" not in text and "None" not in text, what
        if data.recipient.name != case.consumer_name:  # to an agent or a business: the consumer is named
            assert case.consumer_name in text, what
        if letter.kind == "acknowledgement":
            for item in case.items:
                assert item.respond_by is not None
                assert f"we will respond by {format_date(item.respond_by, style)}" in text, what
        if letter.kind == "know_specific_response":
            enclosed = [
                d.filename for d in services.casefile.load(case.reference).documents if d.kind == "enclosure"
            ]
            assert enclosed and all(e in text for e in enclosed), what
        if letter.kind == "know_categories_response":
            org = next(o for o in services.organizations.list() if o.display_name == data.letterhead.org_name)
            for row in (d for d in org.disclosures if d.kind == "collected"):
                assert _words(row.category) in text and row.sources and row.purposes, (what, row.category)
        if letter.kind in ("frequency_limit", "stl_already_answered"):
            assert data.earlier_reference and data.earlier_reference in text, what
            assert data.earlier_answer_date is not None
            assert format_date(data.earlier_answer_date, style) in text, what
        if letter.kind == "opt_out_confirmed" and not data.sells_or_shares:
            assert "no longer sell" not in text, what
        if letter.kind == "appeal_decision":
            assert letter.case_reference == brenda.reference
            assert "Attorney General" in text, what
        if data.recipient.name == clear.name:  # to the agent, a business
            to_agent += 1
            assert "Dear Sir or Madam," in text and "Dear ClearTrail" not in text, what
    assert to_agent >= 1
    # What the run wrote and what it stored are the same PDF/A-2b files.
    for letter_id in summary.letter_ids[:3]:
        stored = letters.stored_pdf(letter_id)
        assert_pdfa_2b(stored)
        assert stored in {p.read_bytes() for p in summary.letter_files}
    printed_refs = {by_id[i].case_reference for i in summary.letter_ids}
    assert {hard["vietnamese"], hard["greek"], hard["cyrillic"], agent, again} <= printed_refs
