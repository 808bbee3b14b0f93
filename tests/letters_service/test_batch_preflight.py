"""The morning batch checks every letter on its own: what cannot be printed is held back with its case,
field and reason, what has no postal address is listed to email, and everything else prints, dated
the run's day, one envelope per recipient."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from privdesk.domain.errors import ValidationError
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from tests.conftest import TODAY
from tests.letters.pdftext import flat_text

LONG_STREET = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."


def _new_case(services: Services, name: str, address: str, **more: object) -> str:
    case = services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-CA",
            types=["delete"],
            channel="mail",
            received=TODAY - dt.timedelta(days=2),
            name=name,
            address=address,
            ca_residency_attested=True,
            **more,  # type: ignore[arg-type]
        )
    )
    return case.reference


def _only(services: Services, keep: set[int]) -> None:
    for letter in services.letters.outbox(status="queued"):
        if letter.id not in keep:
            services.letters.void(letter.id, "not part of this test's run")


def test_a_bad_letter_is_held_back_and_the_rest_print(demo_services: Services, tmp_path: Path) -> None:
    letters = demo_services.letters
    good = _new_case(demo_services, "Nguyễn Thị Hương", "88 Jackson Street\nSan Francisco, CA 94111")
    long = _new_case(demo_services, "Ann Lee", f"{LONG_STREET}\nLong Beach, CA 90803")
    nowhere = _new_case(demo_services, "Pat Nobody", "", email="pat.nobody@example.com")
    clear = demo_services.agents.add(
        "ClearTrail Privacy Services, LLC", "business", "5550123", address="PO Box 77\nReno, NV 89501"
    )
    agent = _new_case(
        demo_services,
        "Gloria Pennington-Ames",
        "1120 Hillcrest Boulevard\nMillbrae, CA 94030",
        agent_id=clear.id,
        requester_relation="agent",
    )
    ids = {letters.create(ref, "acknowledgement").id: ref for ref in (good, long, nowhere, agent)}
    _only(demo_services, set(ids))
    summary = letters.batch(TODAY, tmp_path)

    assert [h.reference for h in summary.held_back] == [long]
    held = summary.held_back[0]
    assert held.field == "recipient address line 1" and "70 characters" in held.reason
    assert [(h.reference, h.email) for h in summary.no_address] == [(nowhere, "pat.nobody@example.com")]
    printed = {ids[i] for i in summary.letter_ids}
    assert printed == {good, agent}
    texts = {ref: flat_text((tmp_path / f"{ref}-acknowledgement.pdf").read_bytes()) for ref in printed}
    assert "Nguyễn Thị Hương" in texts[good] and "November 20, 2026" in texts[good]
    assert "on behalf of Gloria Pennington-Ames" in texts[agent]
    assert "Dear Sir or Madam," in texts[agent] and "Dear ClearTrail" not in texts[agent]
    assert letters.show(next(i for i, r in ids.items() if r == long)).status == "queued"

    # The officer corrects the address from the command line or the case view; the next run prints it.
    problems = letters.edit_consumer_address(long, "Apt 12B, 4100 Pacific Coast Hwy\nLong Beach, CA 90803")
    assert problems == []
    again = letters.batch(TODAY, tmp_path / "again")
    assert [ids[i] for i in again.letter_ids] == [long]
    events = [e.action for e in demo_services.audit.entries(case_reference=long)]
    assert "consumer.address_changed" in events


def test_an_address_edit_that_still_does_not_fit_says_why(demo_services: Services) -> None:
    ref = _new_case(demo_services, "Ann Lee", "1 Main St\nLong Beach, CA 90803")
    problems = demo_services.letters.edit_consumer_address(ref, f"{LONG_STREET}\nLong Beach, CA 90803")
    assert problems and "70 characters" in problems[0]


def test_letters_to_one_address_on_one_day_share_an_envelope(demo_services: Services, tmp_path: Path) -> None:
    letters = demo_services.letters
    ref = _new_case(demo_services, "Maria Delgado", "1458 Alvarado Street, Apt 3\nLos Angeles, CA 90026")
    other = _new_case(demo_services, "Li Wei", "12 Main St\nFresno, CA 93721")
    keep = {letters.create(ref, "acknowledgement").id, letters.create(ref, "verification_request").id}
    keep.add(letters.create(other, "acknowledgement").id)
    _only(demo_services, keep)
    summary = letters.batch(TODAY, tmp_path)
    assert summary.count == 3 and summary.envelopes == 2
    sheet = flat_text((tmp_path / "2026-11-20-addresses.pdf").read_bytes())
    assert sheet.count("Maria Delgado") == 1 and sheet.count("Li Wei") == 1
    labels = flat_text((tmp_path / "2026-11-20-labels.pdf").read_bytes())
    assert labels.count("Maria Delgado") == 1 and labels.count("Li Wei") == 1
    combined = PdfReader(tmp_path / "2026-11-20-mail.pdf")
    owners = ["Maria Delgado" in (p.extract_text() or "") for p in combined.pages]
    first, last = owners.index(True), len(owners) - 1 - owners[::-1].index(True)
    assert all(owners[first : last + 1])  # her letters follow one another, for one envelope


def test_a_run_cannot_be_dated_in_the_past(demo_services: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="dated the day it is printed"):
        demo_services.letters.batch(TODAY - dt.timedelta(days=1), tmp_path)


def test_the_step_a_letter_reports_is_recorded_the_day_it_is_printed(
    demo_services: Services, tmp_path: Path
) -> None:
    letters = demo_services.letters
    ref = _new_case(demo_services, "Maria Delgado", "1458 Alvarado Street, Apt 3\nLos Angeles, CA 90026")
    early = TODAY - dt.timedelta(days=2)
    demo_services.workflow.acknowledge(ref, early, "letter")  # recorded as acknowledged two days ago
    queued = [x for x in letters.outbox(status="queued") if x.case_reference == ref]
    _only(demo_services, {x.id for x in queued})
    letters.batch(TODAY, tmp_path)
    assert demo_services.cases.show(ref).items[0].acknowledged_on == early  # nothing printed yet
    letters.confirm_printed(TODAY)
    assert demo_services.cases.show(ref).items[0].acknowledged_on == TODAY
    events = [e.action for e in demo_services.audit.entries(case_reference=ref)]
    assert "letter.step_dated" in events


def test_a_late_notice_is_flagged_naming_its_deadline(demo_services: Services, tmp_path: Path) -> None:
    letters = demo_services.letters
    ref = _new_case(demo_services, "Maria Delgado", "1458 Alvarado Street, Apt 3\nLos Angeles, CA 90026")
    _only(demo_services, {letters.create(ref, "acknowledgement").id})
    due = demo_services.cases.show(ref).items[0].acknowledge_by
    assert due is not None
    late_day = due + dt.timedelta(days=3)
    demo_services.ctx.today = lambda: late_day  # type: ignore[method-assign]
    summary = letters.batch(late_day, tmp_path)
    assert summary.count == 1
    assert any(due.isoformat() in c.reason and c.field == "deadline" for c in summary.checks)
