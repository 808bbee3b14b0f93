"""A case made from a phone call starts its identity check with what the caller gave: the name, the
number they called from and each detail the officer typed under "Given to verify"."""

from __future__ import annotations

import datetime as dt
import json

from privdesk.domain.verification import PREFILLED
from privdesk.services.hub import Services
from privdesk.services.intake import CallNote
from privdesk.services.workflow import DataPoint, VerificationInput


def _call(inbox: Services, points: list[str]) -> int:
    return inbox.intake.add_call_note(
        CallNote(
            organization="coverys",
            received_at=dt.datetime(2026, 11, 18, 16, 45),
            caller_number="617 555 0199",
            caller_name="Walter Brennan",
            what_they_asked="I am a California resident. I want to know what personal information you hold.",
            data_points_given=points,
            line_called="866-432-6700",
        )
    ).intake_id


def test_the_callers_details_prefill_the_identity_check(inbox: Services) -> None:
    intake_id = _call(inbox, ["date of birth 1958-03-09", "last four of policy 8812", "  "])
    suggestion = inbox.intake.suggest_case(intake_id)
    assert list(suggestion.data_points_given) == ["date of birth 1958-03-09", "last four of policy 8812"]
    case = inbox.intake.make_case(intake_id, suggestion)
    (check,) = inbox.casefile.load(case.reference).verifications
    assert check.result == PREFILLED and check.decided_by is None and check.method == "data_points"
    assert [p["name"] for p in check.checks] == [
        "Full name: Walter Brennan",
        "Phone: +16175550199",
        "date of birth 1958-03-09",
        "last four of policy 8812",
    ]
    assert all(p["asked"] and p["received"] and p["matched"] is None for p in check.checks)
    assert check.level_required == "reasonably_high"  # specific pieces: the level the rules require
    # Audited, without the details themselves.
    (event,) = [e for e in inbox.audit.entries(case.reference) if e.action == "case.verification_prefilled"]
    assert event.after == {"source": "call_note", "intake_item": intake_id, "data_points": 4}
    assert "1958" not in json.dumps(event.after) and "Brennan" not in json.dumps(event.after)
    # Nothing is decided until the officer compares them: the item still waits for its check.
    assert [i.verification_result for i in inbox.casefile.load(case.reference).case.items] == [None]

    # The officer records the check with what matched: the prefilled row stays as what was given.
    inbox.workflow.verify(
        case.reference,
        VerificationInput(
            data_points=[DataPoint(p["name"], True, True, True) for p in check.checks],
            declaration_received=True,
        ),
    )
    after = inbox.casefile.load(case.reference)
    assert [r.result for r in after.verifications] == [PREFILLED, "recorded"]
    assert [i.verification_result for i in after.case.items] == ["verified"]


def test_the_officers_corrections_decide_what_prefills(inbox: Services) -> None:
    """The suggestion is the officer's to correct: a detail removed there is not carried over."""
    import dataclasses

    intake_id = _call(inbox, ["date of birth 1958-03-09", "mother's maiden name"])
    suggestion = inbox.intake.suggest_case(intake_id)
    confirmed = dataclasses.replace(suggestion, data_points_given=["date of birth 1958-03-09"])
    case = inbox.intake.make_case(intake_id, confirmed)
    (check,) = inbox.casefile.load(case.reference).verifications
    assert [p["name"] for p in check.checks][-1] == "date of birth 1958-03-09"
    assert not any("maiden" in p["name"] for p in check.checks)


def test_an_email_case_has_no_prefilled_check(inbox: Services) -> None:
    from tests.intake_service.support import email_bytes

    result = inbox.intake.import_email_bytes(email_bytes(7), "a.eml")
    case = inbox.intake.make_case(result.intake_id, inbox.intake.suggest_case(result.intake_id))
    assert inbox.casefile.load(case.reference).verifications == []


def test_a_phone_case_made_through_the_service_prefills_only_with_details(inbox: Services) -> None:
    from privdesk.services.cases import NewCase

    def phone_case(points: list[str], channel: str = "phone") -> str:
        return inbox.cases.create(
            NewCase(
                organization="mstis",
                jurisdiction="US-CA",
                types=["delete"],
                channel=channel,
                received=dt.date(2026, 11, 18),
                name="Ada Phone",
                phone="916-555-0199",
                data_points_given=points,
            )
        ).reference

    reference = phone_case(["date of birth 1990-01-02"])
    (check,) = inbox.casefile.load(reference).verifications
    assert [p["name"] for p in check.checks] == [
        "Full name: Ada Phone",
        "Phone: +19165550199",
        "date of birth 1990-01-02",
    ]
    (event,) = [e for e in inbox.audit.entries(reference) if e.action == "case.verification_prefilled"]
    assert event.after == {"source": "phone_case", "intake_item": None, "data_points": 3}
    assert inbox.casefile.load(phone_case([" "])).verifications == []  # no detail noted: nothing to check
    assert inbox.casefile.load(phone_case(["date of birth"], channel="email")).verifications == []
