"""California automated-decision requests (Cal. Code Regs. tit. 11 §§7221-7222, from 2027-01-01) and the UK
complaint acknowledgement (DPA 2018 s.164A): their letters, generated from the case and read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.domain.errors import TransitionRefused
from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.services.workflow import DataPoint, VerificationInput
from tests.conftest import database_target
from tests.letters.pdftext import flat_text


def _march_2027() -> dt.datetime:
    return dt.datetime(2027, 3, 15, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def services_2027(tmp_path: Path) -> Iterator[Services]:
    svc = Services.open(database_target(tmp_path), actor="tester", now=_march_2027)
    for slug in ("mstis", "lossexpress"):
        svc.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
    yield svc
    svc.close()


def _letters(services: Services, ref: str) -> dict[str, str]:
    out = {}
    for letter in services.letters.outbox(status="queued"):
        if letter.case_reference == ref:
            services.letters.generate(letter.id)
            out[letter.kind] = " ".join(flat_text(services.letters.stored_pdf(letter.id)).split())
    return out


def _case(services: Services, jurisdiction: str, org: str, types: list[str], received: dt.date) -> str:
    return services.cases.create(
        NewCase(
            organization=org,
            jurisdiction=jurisdiction,
            types=types,
            channel="mail",
            received=received,
            name="Dana Whitcomb",
            address="2217 Elm St\nTorrance, CA 90503",
        )
    ).reference


def test_admt_opt_out_processed_and_confirmed(services_2027: Services) -> None:
    ref = _case(services_2027, "US-CA", "mstis", ["admt_opt_out"], dt.date(2027, 3, 1))
    item = services_2027.cases.show(ref).items[0]
    assert item.respond_by == dt.date(2027, 3, 22)  # 15 business days, from 2027-01-01 (§7221)
    services_2027.workflow.record_processed(ref, "admt_opt_out", dt.date(2027, 3, 8), confirm=True)
    text = _letters(services_2027, ref)["admt_opt_out_confirmed"]
    assert "Opt-Out of Automated Decisionmaking Honored" in text
    assert "We received your request on March 1, 2027" in text
    assert "We processed your opt-out on March 8, 2027." in text
    assert "section 7221" in text


def test_admt_access_answer_names_purpose_logic_and_outcome(services_2027: Services) -> None:
    ref = _case(services_2027, "US-CA", "mstis", ["admt_access"], dt.date(2027, 3, 1))
    services_2027.workflow.verify(
        ref,
        VerificationInput(
            data_points=[DataPoint(n, received=True, matched=True) for n in ("name", "dob", "policy")],
            declaration_received=True,
        ),
    )
    services_2027.workflow.respond(ref, "admt_access", dt.date(2027, 3, 12), "fulfilled")
    text = _letters(services_2027, ref)["admt_access_response"]
    assert "We have verified your request of March 1, 2027" in text
    for words in (
        "the specific purpose for which we used automated decisionmaking technology about you",
        "how it processed your personal information to produce its output",
        "the outcome of the decisionmaking process for you",
        "section 7222",
    ):
        assert words in text


def test_uk_complaint_acknowledged_within_30_days_by_its_own_letter(services_2027: Services) -> None:
    ref = _case(services_2027, "GB", "lossexpress", ["complaint"], dt.date(2027, 3, 1))
    item = services_2027.cases.show(ref).items[0]
    # "within the period of 30 days beginning when the complaint is received" (s.164A(3)): the day of
    # receipt is the first of the 30.
    assert item.acknowledge_by == dt.date(2027, 3, 30)
    assert "164A" in item.basis["acknowledge_by"]
    services_2027.workflow.acknowledge(ref, dt.date(2027, 3, 10), "letter")
    letters = _letters(services_2027, ref)
    assert set(letters) == {"complaint_acknowledgement"}
    text = letters["complaint_acknowledgement"]
    assert "received your complaint about our use of your personal data on 1 March 2027" in text
    assert "keep you informed of our progress" in text and "tell you the outcome" in text
    assert "Information Commissioner" in text

    with pytest.raises(TransitionRefused, match="tell the complainant the outcome"):
        services_2027.workflow.respond(ref, "complaint", dt.date(2027, 3, 12), "fulfilled")
    found = "Your old address was still used for mailings; it has been removed from every system."
    services_2027.workflow.respond(ref, "complaint", dt.date(2027, 3, 12), "fulfilled", explanation=found)
    outcome = _letters(services_2027, ref)["complaint_outcome"]
    assert "this letter tells you the outcome" in outcome and found in outcome
    assert "Information Commissioner" in outcome


def test_admt_opt_out_denied_only_for_documented_fraud_says_what_was_refused(services_2027: Services) -> None:
    ref = _case(services_2027, "US-CA", "mstis", ["admt_opt_out"], dt.date(2027, 3, 1))
    services_2027.workflow.deny(
        ref, "admt_opt_out", dt.date(2027, 3, 5), ["fraud"], "Sent from an address used in 90 requests."
    )
    text = _letters(services_2027, ref)["opt_out_denied"]
    assert "Your request to opt out of automated decisionmaking" in text
    assert "Sent from an address used in 90 requests." in text
