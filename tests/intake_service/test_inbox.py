"""The inbox service: originals kept unchanged, duplicates, bad batches, confirmations, audit."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from privdesk.domain.errors import ConflictError, ValidationError
from privdesk.intake import IntakeLimits
from privdesk.services.hub import Services
from privdesk.services.intake import (
    CallNote,
    ImportFailureDTO,
    IntakeResultDTO,
    IntakeService,
    NewCaseFromIntake,
    ScannedLetter,
)
from privdesk.store.models import Case, Document, IntakeItem
from tests import scans
from tests.intake_service.support import DATA, attachment_part, email_bytes

PNG = scans.png()
PDF = scans.pdf()


def _only_result(outcome: object) -> IntakeResultDTO:
    assert isinstance(outcome, IntakeResultDTO), outcome
    return outcome


def _audit(services: Services, action: str) -> list[dict[str, object]]:
    return [
        {"entity_id": e.entity_id, "before": e.before, "after": e.after}
        for e in services.audit.entries()
        if e.action == action
    ]


def test_original_is_stored_unchanged_with_attachments(inbox: Services) -> None:
    path = DATA / "sample-04.eml"
    result = inbox.intake.import_email_bytes(path.read_bytes(), path.name)
    item = inbox.intake.show(result.intake_id)
    original = next(d for d in item.documents if d.kind == "original")
    stored = inbox.intake.original_bytes(original.id)
    assert stored == path.read_bytes()
    assert hashlib.sha256(stored).hexdigest() == original.sha256 == result.sha256
    assert original.filename == "sample-04.eml"
    assert item.detection["evidence"]["agent"]  # the phrases that led to the suggestion
    assert item.status == "pending" and item.channel == "email"


def test_same_message_id_is_a_duplicate(inbox: Services) -> None:
    first = inbox.intake.import_email_bytes(email_bytes(1), "a.eml")
    # Same Message-ID, different bytes (e.g. the copy from another mail client).
    again = inbox.intake.import_email_bytes(email_bytes(1, "Please delete my data now."), "b.eml")
    assert first.duplicate_of is None
    assert again.duplicate_of == first.intake_id == again.intake_id
    with inbox.db.read() as s:
        assert len(s.scalars(select(IntakeItem)).all()) == 1
        assert len(s.scalars(select(Document)).all()) == 1


def test_received_date_is_the_email_date_in_the_organizations_timezone(inbox: Services) -> None:
    late = email_bytes(2).replace(b"Tue, 03 Nov 2026 10:15:00 -0800", b"Wed, 04 Nov 2026 06:30:00 +0000")
    result = inbox.intake.import_email_bytes(late, "late.eml")
    assert result.organization == "mstis"  # America/Los_Angeles: 22:30 on the 3rd
    assert result.received == dt.date(2026, 11, 3)


def test_bad_batch_imports_the_good_files_and_writes_nothing_else(
    inbox: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox.intake.set_limits(IntakeLimits(max_file_bytes=200_000, max_attachment_bytes=50_000))
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    evil = attachment_part("../../evil.sh", base64.b64encode(b"#!/bin/sh\nrm -rf ~\n").decode())
    files = {
        "good-1.eml": email_bytes(10),
        "empty.eml": b"",
        "truncated.eml": b"From: Ann <ann@example.com>\r\nTo: privacy@mstis.example\r\nSubj",
        "evil-attachment.eml": email_bytes(11, extra_parts=evil),
        "oversize.eml": email_bytes(12) + b"x" * 300_000,
        "fake.msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "scan.eml": PDF,
        "good-2.eml": email_bytes(13),
    }
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    progress: list[tuple[int, int | None]] = []
    outcomes = inbox.intake.import_files(
        [inputs / n for n in files], progress=lambda done, total: progress.append((done, total))
    )
    by_name = {o.file: o for o in outcomes}
    assert len(outcomes) == len(files) and progress[-1] == (len(files), len(files))
    errors = {n: o.error for n, o in by_name.items() if isinstance(o, ImportFailureDTO)}
    assert set(errors) == {"empty.eml", "truncated.eml", "oversize.eml", "fake.msg", "scan.eml"}
    assert "empty" in errors["empty.eml"] and "truncated" in errors["truncated.eml"]
    assert "limit" in errors["oversize.eml"] and "PDF" in errors["scan.eml"]
    evil_result = _only_result(by_name["evil-attachment.eml"])
    assert any("evil.sh" in w for w in evil_result.warnings)
    stored = inbox.intake.show(evil_result.intake_id).documents
    assert [d.filename for d in stored if d.kind == "attachment"] == ["evil.sh"]
    # Nothing new on disk but the database's own files; the inputs are untouched.
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    new = {p.name for p in after if p not in before}
    changed = {p.name for p in before if p in after and after[p] != before[p]}
    assert new <= {"test.db-wal", "test.db-shm", "test.db-journal"}
    assert changed <= {"test.db", "test.db-wal", "test.db-shm"}
    assert list(workdir.iterdir()) == []
    assert not (tmp_path.parent / "evil.sh").exists()


def test_oversize_attachment_is_left_out_with_a_warning(inbox: Services) -> None:
    inbox.intake.set_limits(IntakeLimits(max_file_bytes=1_000_000, max_attachment_bytes=10_000))
    big = attachment_part("scan.pdf", base64.b64encode(PDF + os.urandom(20_000)).decode(), "application/pdf")
    result = inbox.intake.import_email_bytes(email_bytes(20, extra_parts=big), "big.eml")
    assert result.documents == 1
    assert any("scan.pdf" in w for w in result.warnings)


def test_call_note_becomes_a_case_only_on_confirmation(inbox: Services) -> None:
    note = inbox.intake.add_call_note(
        CallNote(
            organization="coverys",
            received_at=dt.datetime(2026, 11, 18, 16, 45),
            caller_number="617 555 0199",
            caller_name="Walter Brennan",
            what_they_asked="I am a California resident and I want you to delete my personal information.",
            data_points_given=["date of birth", "policy number"],
            line_called="866-432-6700",
        )
    )
    assert note.channel == "phone" and note.types == ["delete"] and note.received == dt.date(2026, 11, 18)
    # The officer chose the organization: no warning that none was recognised in the caller's words.
    assert not any("no organization" in w for w in note.warnings), note.warnings
    with inbox.db.read() as s:
        assert s.scalars(select(Case)).all() == []  # detection alone never makes a case
    item = inbox.intake.show(note.intake_id)
    assert item.details["caller_number"] == "+16175550199"
    assert item.details["line_called"] == "+18664326700"
    text = inbox.intake.original_bytes(item.documents[0].id).decode()
    assert "policy number" in text and "delete my personal information" in text

    suggestion = inbox.intake.suggest_case(note.intake_id)
    assert suggestion.organization == "coverys" and suggestion.phone == "+16175550199"
    assert suggestion.types == ["delete"] and suggestion.jurisdiction == "US-CA"
    case = inbox.intake.make_case(note.intake_id, suggestion)
    assert case.channel == "phone" and case.organization == "coverys"
    assert case.consumer_phone == "+16175550199" and case.received_on == dt.date(2026, 11, 18)
    assert not any(w.code == "from_intake" for w in case.warnings)  # the link is a column, not a warning
    after = inbox.intake.show(note.intake_id)
    assert after.status == "case_created" and after.case_reference == case.reference
    with inbox.db.read() as s:
        docs = s.scalars(select(Document).where(Document.intake_item_id == note.intake_id)).all()
        assert [d.case_id for d in docs] == [case.id]
        stored = s.get(Case, case.id)
        assert stored is not None and stored.intake_item_id == note.intake_id
    assert _audit(inbox, "intake.case_created")[0]["after"]["case_id"] == case.id  # type: ignore[index]
    with pytest.raises(ConflictError):
        inbox.intake.make_case(note.intake_id, suggestion)


def test_make_case_retry_after_a_failure_does_not_make_a_second_case(
    inbox: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = inbox.intake.import_email_bytes(email_bytes(30), "r.eml")
    confirmed = NewCaseFromIntake(
        types=["delete"], jurisdiction="US-CA", organization="mstis", name="Consumer Thirty"
    )
    real_link = IntakeService._link
    calls = {"n": 0}

    def failing_link(self: IntakeService, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("power cut")
        real_link(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(IntakeService, "_link", failing_link)
    with pytest.raises(OSError):
        inbox.intake.make_case(result.intake_id, confirmed)
    case = inbox.intake.make_case(result.intake_id, confirmed)
    with inbox.db.read() as s:
        assert len(s.scalars(select(Case)).all()) == 1
    assert inbox.intake.show(result.intake_id).case_reference == case.reference
    assert case.received_on == dt.date(2026, 11, 3)


def test_set_aside_needs_a_reason_and_is_audited(inbox: Services) -> None:
    result = inbox.intake.import_email_bytes((DATA / "sample-07.eml").read_bytes(), "sample-07.eml")
    assert result.is_request is False
    with pytest.raises(ValidationError, match="reason"):
        inbox.intake.set_aside(result.intake_id, "   ")
    item = inbox.intake.set_aside(result.intake_id, "claims question, forwarded to claims")
    assert item.status == "set_aside" and item.set_aside_reason == "claims question, forwarded to claims"
    events = _audit(inbox, "intake.set_aside")
    assert events[0]["entity_id"] == str(result.intake_id)
    assert events[0]["after"]["status"] == "set_aside"  # type: ignore[index]
    assert "claims" not in str(events[0])  # the free text stays out of the audit trail (hash only)
    assert inbox.intake.pending() == []
    with pytest.raises(ConflictError):
        inbox.intake.set_aside(result.intake_id, "again")


def test_received_date_correction_is_audited(inbox: Services) -> None:
    result = inbox.intake.import_email_bytes(email_bytes(40), "c.eml")
    with pytest.raises(ValidationError):
        inbox.intake.correct_received_date(result.intake_id, dt.date(2026, 11, 5), "")
    with pytest.raises(ValidationError, match="future"):
        inbox.intake.correct_received_date(result.intake_id, dt.date(2026, 12, 1), "typo")
    item = inbox.intake.correct_received_date(
        result.intake_id, dt.date(2026, 11, 5), "arrived in the junk folder, found on the 5th"
    )
    assert item.received_on == dt.date(2026, 11, 5) and item.received_corrected
    event = _audit(inbox, "intake.received_corrected")[0]
    assert event["before"] == {"received_on": "2026-11-03"}
    assert event["after"]["received_on"] == "2026-11-05"  # type: ignore[index]
    case = inbox.intake.make_case(
        result.intake_id,
        NewCaseFromIntake(types=["delete"], jurisdiction="US-CA", organization="mstis", name="C Forty"),
    )
    assert case.received_on == dt.date(2026, 11, 5)


def test_scanned_letter_keeps_pages_and_refuses_fake_images(inbox: Services) -> None:
    fake = b"GIF89a this is not what it claims" + bytes(100)
    with pytest.raises(ValidationError, match="page 2 is not a PDF, PNG, JPEG or TIFF"):
        inbox.intake.add_scanned_letter(
            ScannedLetter("mstis", dt.date(2026, 11, 16), [PNG, fake], sender_name="Ann Lee")
        )
    with pytest.raises(ValidationError, match="envelope"):
        inbox.intake.add_scanned_letter(ScannedLetter("mstis", dt.date(2026, 11, 16), [PNG], envelope=b"xx"))
    assert inbox.intake.pending() == []
    letter = inbox.intake.add_scanned_letter(
        ScannedLetter(
            "mstis",
            dt.date(2026, 11, 16),
            [PNG, PDF],
            sender_name="Ann Lee",
            sender_address="12 Main St, Fresno, CA 93704",
            postmark_on=dt.date(2026, 11, 12),
            envelope=PNG,
            transcript="Please delete my personal information. I am a California resident.",
        )
    )
    assert letter.channel == "mail" and letter.received == dt.date(2026, 11, 16)
    assert not any("no organization" in w for w in letter.warnings), letter.warnings
    assert letter.types == ["delete"] and letter.documents == 3
    item = inbox.intake.show(letter.intake_id)
    assert [d.kind for d in item.documents] == ["original", "original", "envelope"]
    assert inbox.intake.original_bytes(item.documents[1].id) == PDF
    assert item.details["postmark_on"] == "2026-11-12"
    suggestion = inbox.intake.suggest_case(letter.intake_id)
    assert suggestion.address == "12 Main St, Fresno, CA 93704"


def test_attach_to_case_moves_documents(inbox: Services) -> None:
    first = inbox.intake.import_email_bytes(email_bytes(50), "first.eml")
    case = inbox.intake.make_case(
        first.intake_id,
        NewCaseFromIntake(types=["delete"], jurisdiction="US-CA", organization="mstis", name="C Fifty"),
    )
    follow_up = inbox.intake.add_scanned_letter(ScannedLetter("mstis", dt.date(2026, 11, 17), [PDF]))
    item = inbox.intake.attach_to_case(follow_up.intake_id, case.reference)
    assert item.status == "attached" and item.case_reference == case.reference
    with inbox.db.read() as s:
        docs = s.scalars(select(Document).where(Document.case_id == case.id)).all()
        assert len(docs) == 2
    assert _audit(inbox, "intake.attached")[0]["after"]["case_id"] == case.id  # type: ignore[index]


def test_batch_of_fifty_with_progress_and_cancel(inbox: Services, tmp_path: Path) -> None:
    paths = []
    for n in range(50):
        path = tmp_path / f"m{n:02d}.eml"
        path.write_bytes(email_bytes(100 + n))
        paths.append(path)
    seen: list[int] = []
    outcomes = inbox.intake.import_files(paths[:40], progress=lambda done, total: seen.append(done))
    assert seen == list(range(1, 41))
    assert all(isinstance(o, IntakeResultDTO) and o.duplicate_of is None for o in outcomes)

    stop_after = 3
    done_count: list[int] = []
    partial = inbox.intake.import_files(
        paths[40:],
        progress=lambda done, total: done_count.append(done),
        cancelled=lambda: len(done_count) >= stop_after,
    )
    assert len(partial) == stop_after
    assert len(inbox.intake.pending()) == 43


def test_unknown_organization_and_future_call(inbox: Services) -> None:
    with pytest.raises(Exception, match="unknown organization"):
        inbox.intake.import_email_bytes(email_bytes(60), "x.eml", organization="nope")
    with pytest.raises(ValidationError, match="future"):
        inbox.intake.add_call_note(
            CallNote("mstis", dt.datetime(2027, 1, 1, 9, 0), "", "X", "delete my data")
        )
    with pytest.raises(ValidationError, match="asked"):
        inbox.intake.add_call_note(CallNote("mstis", dt.datetime(2026, 11, 1, 9, 0), "", "X", " "))


def test_no_personal_data_in_the_audit_trail(inbox: Services) -> None:
    inbox.intake.import_email_bytes((DATA / "sample-01.eml").read_bytes(), "sample-01.eml")
    trail = str([(e.before, e.after) for e in inbox.audit.entries()])
    assert "Whitcomb" not in trail and "example.com" not in trail
    assert inbox.audit.verify().ok


def test_suggestion_from_detection(inbox: Services) -> None:
    stated = inbox.intake.import_email_bytes((DATA / "sample-01.eml").read_bytes(), "sample-01.eml")
    suggestion = inbox.intake.suggest_case(stated.intake_id)
    assert sorted(suggestion.types) == ["delete", "know_categories"]
    assert suggestion.jurisdiction == "US-CA" and suggestion.organization == "mstis"
    assert suggestion.name == "Dana Whitcomb" and suggestion.email == "dana.whitcomb@example.com"
    assert suggestion.ca_residency_attested and suggestion.agent_name is None
    agent = inbox.intake.import_email_bytes((DATA / "sample-04.eml").read_bytes(), "sample-04.eml")
    by_agent = inbox.intake.suggest_case(agent.intake_id)
    assert by_agent.requester_relation == "agent" and by_agent.agent_name == "ClearTrail Privacy Services"
    # The consumer's details come from the body's labelled lines; the agent's email is not the consumer's.
    assert by_agent.name == "Marcus J. Whitfield" and by_agent.email == "m.whitfield@example.net"
    assert by_agent.address == "3906 Alder Ridge Drive, Riverside, CA 92506"
    assert by_agent.phone == "+19515550173"


def test_prefill_never_swaps_identities(inbox: Services) -> None:
    letter = inbox.intake.add_scanned_letter(
        ScannedLetter(
            organization="mstis",
            received_on=dt.date(2026, 11, 16),
            sender_name="Rosa Diaz",
            sender_address="12 Main St, Fresno, CA 93704",
            pages=[PNG],
            transcript="Please delete my personal information.",
        )
    )
    suggestion = inbox.intake.suggest_case(letter.intake_id)
    assert suggestion.email is None  # a postal address is never an email
    assert suggestion.address == "12 Main St, Fresno, CA 93704" and suggestion.name == "Rosa Diaz"
    signed = email_bytes(
        7,
        body="Please delete my personal information.\r\n\r\nKind regards,\r\nJane Roe\r\n"
        "12 Main St\r\nFresno, CA 93704\r\n(559) 555-0134",
    )
    result = inbox.intake.import_email_bytes(signed, "signed.eml")
    from_body = inbox.intake.suggest_case(result.intake_id)
    assert from_body.email == "consumer7@example.com" and from_body.phone == "+15595550134"
    assert from_body.address == "12 Main St, Fresno, CA 93704"


def test_inbox_rows_carry_the_suggestions(inbox: Services) -> None:
    result = inbox.intake.import_email_bytes((DATA / "sample-03.eml").read_bytes(), "sample-03.eml")
    (row,) = inbox.intake.pending()
    assert row.id == result.intake_id
    assert (row.types, row.jurisdiction, row.agent) == (result.types, result.jurisdiction, result.agent)
    assert row.warning_messages == result.warnings and row.warnings == len(result.warnings)
    assert row.documents == result.documents


def test_a_file_refused_while_storing_costs_only_itself(
    inbox: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are stored in chunks, one transaction each; a savepoint per file undoes a refused one whole."""
    import privdesk.services.intake.files as intake_module

    paths = []
    for n in range(intake_module.BATCH_CHUNK + 5):
        path = tmp_path / f"c{n:02d}.eml"
        path.write_bytes(email_bytes(300 + n, extra_parts=attachment_part(f"proof-{n}.txt", "cHJvb2Y=")))
        paths.append(path)
    refused = hashlib.sha256(paths[7].read_bytes()).hexdigest()
    record = intake_module.audit.record

    def failing_record(s: object, ctx: object, action: str, *args: object, **kwargs: object) -> object:
        after = kwargs.get("after")
        if isinstance(after, dict) and after.get("sha256") == refused:
            raise ValidationError("refused for the test")
        return record(s, ctx, action, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake_module.audit, "record", failing_record)
    outcomes = inbox.intake.import_files(paths)
    failures = [o for o in outcomes if isinstance(o, ImportFailureDTO)]
    assert [f.file for f in failures] == ["c07.eml"] and "refused for the test" in failures[0].error
    assert len(inbox.intake.pending()) == len(paths) - 1
    with inbox.db.read() as s:
        assert s.scalars(select(Document).where(Document.sha256 == refused)).all() == []
        assert len(s.scalars(select(Document)).all()) == 2 * (len(paths) - 1)
    assert len(_audit(inbox, "intake.imported")) == len(paths) - 1
    assert inbox.audit.verify().ok  # the refused file's event went with its savepoint, the chain holds


def test_copies_inside_one_batch_are_stored_once(inbox: Services, tmp_path: Path) -> None:
    """Within one chunk: a second copy (same Message-ID, or same bytes without one) is a duplicate of
    the first, and an attachment two emails share is stored once; each email keeps its documents."""
    proof = attachment_part("proof.txt", "cHJvb2Y=")
    no_id = email_bytes(41).replace(b"Message-ID: <req-41@example.com>\r\n", b"")
    files = {
        "a.eml": email_bytes(40, extra_parts=proof),
        "a-again.eml": email_bytes(40, "Same message, another client's copy.", extra_parts=proof),
        "b.eml": no_id,
        "b-again.eml": no_id,
        "c.eml": email_bytes(42, extra_parts=proof),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    outcomes = {o.file: _only_result(o) for o in inbox.intake.import_files([tmp_path / n for n in files])}
    assert outcomes["a-again.eml"].duplicate_of == outcomes["a.eml"].intake_id
    assert outcomes["b-again.eml"].duplicate_of == outcomes["b.eml"].intake_id
    assert outcomes["c.eml"].duplicate_of is None and outcomes["c.eml"].documents == 2
    assert len(inbox.intake.pending()) == 3
    shared = hashlib.sha256(b"proof").hexdigest()
    with inbox.db.read() as s:
        assert len(s.scalars(select(Document).where(Document.sha256 == shared)).all()) == 2
    for name in ("a.eml", "c.eml"):
        documents = inbox.intake.show(outcomes[name].intake_id).documents
        attached = [d for d in documents if d.kind == "attachment"]
        assert [d.sha256 for d in attached] == [shared]
        assert inbox.intake.original_bytes(attached[0].id) == b"proof"
    # Imported again in a later batch: every one is a duplicate of the first import.
    again = inbox.intake.import_files([tmp_path / n for n in files])
    assert all(_only_result(o).duplicate_of is not None for o in again)
    assert len(inbox.intake.pending()) == 3


def test_limits_are_kept_for_every_workstation_and_checked(inbox: Services, tmp_path: Path) -> None:
    from privdesk.intake.model import MB

    assert inbox.intake.limits == IntakeLimits()  # the defaults until the firm changes them
    with pytest.raises(ValidationError, match="attachment"):
        inbox.intake.set_limits(IntakeLimits(max_file_bytes=10 * MB, max_attachment_bytes=20 * MB))
    with pytest.raises(ValidationError, match="between"):
        inbox.intake.set_limits(IntakeLimits(max_file_bytes=10))
    inbox.intake.set_limits(
        IntakeLimits(max_file_bytes=5 * MB, max_attachment_bytes=2 * MB, max_attachments=3)
    )
    target = inbox.db.engine.url
    other = Services.open(
        str(target.database) if target.get_backend_name() == "sqlite" else target.render_as_string(False)
    )
    try:
        assert other.intake.limits == IntakeLimits(5 * MB, 2 * MB, 3)
    finally:
        other.close()
    changes = [e for e in inbox.audit.entries() if e.action == "setting.change"]
    assert changes and changes[-1].after == {
        "value": {"max_file_bytes": 5 * MB, "max_attachment_bytes": 2 * MB, "max_attachments": 3}
    }
    oversize = email_bytes(30) + b"x" * (5 * MB)
    path = tmp_path / "big.eml"
    path.write_bytes(oversize)
    (outcome,) = inbox.intake.import_files([path])
    assert isinstance(outcome, ImportFailureDTO) and "5 MB limit" in outcome.error


def test_inbox_limits_command(inbox: Services, capsys: pytest.CaptureFixture[str]) -> None:
    from privdesk.cli import run

    url = inbox.db.engine.url
    target = str(url.database) if url.get_backend_name() == "sqlite" else url.render_as_string(False)
    assert (
        run(
            [
                "--db",
                target,
                "inbox",
                "limits",
                "--max-file-mb",
                "8",
                "--max-attachments",
                "4",
                "--max-attachment-mb",
                "2",
            ]
        )
        == 0
    )
    assert "largest file 8 MB" in capsys.readouterr().out
    assert run(["--db", target, "inbox", "limits", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "max_file_bytes": 8 * 1024 * 1024,
        "max_attachment_bytes": 2 * 1024 * 1024,
        "max_attachments": 4,
    }
    assert run(["--db", target, "inbox", "limits", "--max-attachment-mb", "9"]) != 0  # over the file limit
    assert "cannot exceed" in capsys.readouterr().err


def test_a_reply_finds_its_case(inbox: Services) -> None:
    first = inbox.intake.import_email_bytes(email_bytes(11), "first.eml")
    case = inbox.intake.make_case(first.intake_id, inbox.intake.suggest_case(first.intake_id))
    quoted = (
        "Thanks, my ID is attached.\r\n\r\n> We received your request to delete your personal information"
        f" (reference {case.reference}) and to opt out of its sale.\r\n"
    )
    reply_bytes = email_bytes(12, quoted).replace(
        b"Subject: Request to delete 12", b"Subject: Re: your letter"
    )
    reply = inbox.intake.import_email_bytes(reply_bytes, "reply.eml")
    shown = inbox.intake.show(reply.intake_id)
    assert shown.details["reply_to_case"] == {"reference": case.reference, "why": "it quotes our reference"}
    assert reply.types == []  # only the new text is read: the quoted list asks for nothing
    news = email_bytes(11, "Any news?").replace(b"<req-11@", b"<req-11-news@")
    again = inbox.intake.import_email_bytes(news, "news.eml")  # same address, one open case
    assert inbox.intake.show(again.intake_id).details["reply_to_case"]["reference"] == case.reference
    attached = inbox.intake.attach_to_case(reply.intake_id, case.reference)  # the officer confirms
    assert attached.status == "attached" and attached.case_reference == case.reference


def test_large_emails_are_stored_before_many_are_held(
    inbox: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk is stored once the emails read hold ``BATCH_BYTES`` (their bytes and text), however few
    they are: a batch of large emails never sits in memory whole. Nothing is lost on the way."""
    import privdesk.services.intake.files as intake_module

    paths = []
    for n in range(7):
        path = tmp_path / f"big{n}.eml"
        path.write_bytes(
            email_bytes(500 + n, "Please delete my personal information.\r\n" + "log line\r\n" * 300)
        )
        paths.append(path)
    size = len(paths[0].read_bytes())
    monkeypatch.setattr(intake_module, "BATCH_BYTES", 3 * size)  # two emails' bytes and text pass it
    chunks: list[int] = []
    store = intake_module.EmailImport._store_chunk

    def counted(self: object, prepared: list[object], organization: object) -> object:
        chunks.append(len(prepared))
        return store(self, prepared, organization)  # type: ignore[arg-type]

    monkeypatch.setattr(intake_module.EmailImport, "_store_chunk", counted)
    outcomes = inbox.intake.import_files(paths)
    assert chunks == [2, 2, 2, 1]
    assert all(isinstance(o, IntakeResultDTO) and o.duplicate_of is None for o in outcomes)
    assert len(inbox.intake.pending()) == 7
