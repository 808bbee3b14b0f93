"""Sent letters as records, the print batch, edited templates, unprintable names and the commands."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from privdesk.cli import run
from privdesk.domain.errors import StoreError, TransitionRefused, ValidationError
from privdesk.letters import TemplateError
from privdesk.letters.batch import Cancelled
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.services.letters import LetterHeld
from privdesk.store.models import DocumentContent, Letter, LetterTemplate
from tests.conftest import TODAY, cli_database, fixed_now
from tests.letters.pdftext import flat_text


def _first_queued(services: Services, kind: str | None = None) -> int:
    letters = [x for x in services.letters.outbox(status="queued") if kind is None or x.kind == kind]
    return min(x.id for x in letters)


def test_a_sent_letter_is_returned_unchanged_and_sealed(demo_services: Services) -> None:
    letters = demo_services.letters
    letter_id = _first_queued(demo_services, "deletion_denied")
    generated = letters.generate(letter_id)
    letters.mark_printed([letter_id])
    sent = letters.mark_sent(letter_id, TODAY, "certified", tracking_number="9407 1000 0000 0000 0001")
    assert sent.status == "sent" and sent.tracking_number and sent.sha256 == generated.sha256
    first = letters.render(letter_id)
    assert hashlib.sha256(first).hexdigest() == sent.sha256
    # The organization changes its signatory: a sent letter still reads as it was mailed.
    with demo_services.db.write() as s:
        from privdesk.store.models import Organization

        s.execute(update(Organization).values(signatory_name="Someone Else"))
    assert letters.render(letter_id) == first
    with pytest.raises(TransitionRefused, match="already marked sent"):
        letters.mark_sent(letter_id, TODAY, "first_class")
    with pytest.raises(TransitionRefused, match="cannot change"):
        letters.generate(letter_id)
    with pytest.raises(TransitionRefused):
        letters.void(letter_id, "mistake")
    returned = letters.mark_returned(letter_id, TODAY, "moved, left no address")
    assert returned.status == "returned" and letters.render(letter_id) == first
    entries = demo_services.audit.entries(case_reference=sent.case_reference)
    letter_events = [e for e in entries if e.entity == "letter" and e.entity_id == str(letter_id)]
    assert {"letter.generated", "letter.printed", "letter.sent", "letter.returned"} <= {
        e.action for e in letter_events
    }
    assert all("moved" not in json.dumps(e.after) for e in letter_events)  # the note stays out of the trail


def test_an_altered_stored_letter_is_detected(demo_services: Services) -> None:
    letters = demo_services.letters
    letter_id = _first_queued(demo_services)
    sha = letters.generate(letter_id).sha256
    letters.mark_sent(letter_id, TODAY, "email")
    with demo_services.db.write() as s:
        s.execute(update(DocumentContent).where(DocumentContent.sha256 == sha).values(data=b"%PDF-forged"))
    with pytest.raises(StoreError, match="SHA-256"):
        letters.render(letter_id)


def test_sending_needs_a_generated_letter_and_a_known_method(demo_services: Services) -> None:
    letters = demo_services.letters
    letter_id = _first_queued(demo_services)
    with pytest.raises(TransitionRefused, match="generate it"):
        letters.mark_sent(letter_id, TODAY, "first_class")
    letters.generate(letter_id)
    with pytest.raises(ValidationError, match="tracking number"):
        letters.mark_sent(letter_id, TODAY, "certified")
    with pytest.raises(ValidationError, match="unknown mailing method"):
        letters.mark_sent(letter_id, TODAY, "pigeon")
    with pytest.raises(ValidationError, match="future"):
        letters.mark_sent(letter_id, TODAY + dt.timedelta(days=1), "first_class")
    assert letters.void(letter_id, "duplicate").status == "void"


def _keep_queued(services: Services, count: int) -> None:
    """Void all but ``count`` queued letters (spread over the organizations) to keep print runs short."""
    queued = sorted(services.letters.outbox(status="queued"), key=lambda x: x.id)
    by_org: dict[str, list[int]] = {}
    for letter in queued:
        by_org.setdefault(letter.organization, []).append(letter.id)
    rounds = [ids[i] for i in range(len(queued)) for ids in by_org.values() if i < len(ids)]
    keep = set(rounds[:count])
    for letter in queued:
        if letter.id not in keep:
            services.letters.void(letter.id, "kept out of this test's print run")


def test_batch_writes_the_days_files_and_printing_is_recorded_on_confirmation(
    demo_services: Services, tmp_path: Path
) -> None:
    _keep_queued(demo_services, 12)
    queued = demo_services.letters.outbox(status="queued")
    assert len({x.organization for x in queued}) == 3
    calls: list[tuple[int, int]] = []
    summary = demo_services.letters.batch(TODAY, tmp_path, progress=lambda d, t: calls.append((d, t)))
    not_printed = {h.letter_id for h in (*summary.held_back, *summary.no_address)}
    printed_ids = set(summary.letter_ids)
    assert printed_ids | not_printed == {x.id for x in queued} and not printed_ids & not_printed
    assert summary.count == len(printed_ids) > 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"2026-11-20-mail.pdf", "2026-11-20-addresses.pdf", "2026-11-20-labels.pdf"} <= set(names)
    per_letter = [n for n in names if n.startswith("PD-")]
    assert len(per_letter) == summary.count
    assert not [n for n in names if n.startswith(".")]  # no temporary files left
    assert calls and calls[-1][0] == calls[-1][1] == len(queued) + summary.count
    after = {x.id: x for x in demo_services.letters.outbox()}
    for letter in queued:
        if letter.id not in printed_ids:
            assert after[letter.id].status == "queued" and after[letter.id].claimed_by is None
            continue
        generated = after[letter.id]
        # Written and stored, but not recorded as printed until the officer says the pages came out.
        assert generated.status == "generated" and generated.claimed_by is None and not generated.printed_at
        stored = demo_services.letters.stored_pdf(letter.id)
        assert (tmp_path / f"{letter.case_reference}-{letter.kind}.pdf").exists()
        assert hashlib.sha256(stored).hexdigest() == generated.sha256
        text = flat_text(stored)
        assert "November 20, 2026" in text or "20 November 2026" in text  # dated the run's day
    combined = PdfReader(tmp_path / "2026-11-20-mail.pdf")
    assert len(combined.pages) >= summary.count
    assert demo_services.letters.batch(TODAY, tmp_path / "again").count == 0  # already in a run
    confirmed = demo_services.letters.confirm_printed(TODAY)
    assert {x.id for x in confirmed} == printed_ids and all(x.status == "printed" for x in confirmed)


def test_batch_skips_letters_another_workstation_claimed(demo_services: Services, tmp_path: Path) -> None:
    queued = sorted(x.id for x in demo_services.letters.outbox(status="queued"))
    for letter_id in queued[3:]:
        demo_services.letters.void(letter_id, "kept out of this test's print run")
    taken = queued[0]
    with demo_services.db.write() as s:
        s.execute(
            update(Letter).where(Letter.id == taken).values(claimed_by="other-host:1", claimed_at=fixed_now())
        )
    summary = demo_services.letters.batch(TODAY, tmp_path)
    seen = {*summary.letter_ids, *(h.letter_id for h in (*summary.held_back, *summary.no_address))}
    assert seen == set(queued[1:3])
    assert demo_services.letters.show(taken).status == "queued"


def test_cancelling_a_batch_leaves_no_file_and_no_change(demo_services: Services, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = {(x.id, x.status, x.sha256) for x in demo_services.letters.outbox()}
    done: list[int] = []
    with pytest.raises(Cancelled):
        demo_services.letters.batch(
            TODAY, out, progress=lambda d, t: done.append(d), cancelled=lambda: len(done) >= 3
        )
    assert list(out.iterdir()) == []
    after = demo_services.letters.outbox()
    assert {(x.id, x.status, x.sha256) for x in after} == before
    assert all(x.claimed_by is None for x in after)


def test_template_with_an_error_reports_its_line_and_is_not_saved(demo_services: Services) -> None:
    letters = demo_services.letters
    broken = "**Re: test**\n\n{{ salutation }}\n\n{% for item in items %}\n- {{ item.label }\n{% endfor %}\n"
    with pytest.raises(TemplateError) as caught:
        letters.save_template("acknowledgement", "ccpa", broken)
    assert caught.value.line == 6
    with demo_services.db.read() as s:
        assert s.scalars(select(LetterTemplate)).all() == []
    assert "We have received your privacy request" in letters.active_template("acknowledgement", "ccpa")


def test_an_edited_template_is_versioned_and_used(demo_services: Services) -> None:
    letters = demo_services.letters
    source = letters.active_template("acknowledgement", "ccpa").replace(
        "Thank you for contacting", "With many thanks for writing to"
    )
    assert letters.save_template("acknowledgement", "ccpa", source) == 1
    assert letters.save_template("acknowledgement", "ccpa", source + "\nP.S. Edited.\n") == 2
    assert letters.active_template("acknowledgement", "ccpa").endswith("P.S. Edited.\n")
    info = {(t.kind, t.family): t for t in letters.templates()}
    assert info[("acknowledgement", "ccpa")].version == 2
    letter_id = _first_queued(demo_services, "acknowledgement")
    generated = letters.generate(letter_id)
    text = flat_text(letters.stored_pdf(letter_id))
    assert "With many thanks for writing to" in text and "P.S. Edited." in text
    with demo_services.db.read() as s:
        row = s.get_one(Letter, letter_id)
        assert row.template_ref == "db:acknowledgement/ccpa/v2"
        assert row.data["template"]["source"].endswith("P.S. Edited.\n")
        assert row.data["snapshot"]["reference"] == generated.case_reference
    preview = letters.preview(generated.case_reference, "acknowledgement", "**Re: Preview only**\n\nHello.\n")
    assert "Preview only" in flat_text(preview)
    letters.reset_template("acknowledgement", "ccpa")
    assert "Thank you for contacting" in letters.active_template("acknowledgement", "ccpa")


def _new_case(services: Services, name: str, types: list[str], **kw: object) -> str:
    case = services.cases.create(
        NewCase(
            organization=str(kw.get("org", "mstis")),
            jurisdiction="US-CA",
            types=types,
            channel="mail",
            received=TODAY - dt.timedelta(days=3),
            name=name,
            address=str(kw.get("address", "12 Test Street\nTorrance, CA 90501")),
            ca_residency_attested=True,
            agent_name=kw.get("agent_name"),  # type: ignore[arg-type]
        )
    )
    return case.reference


def test_an_unprintable_name_is_refused_naming_the_field(services: Services) -> None:
    services.organizations.import_profile_file(Path("resources/demo/mstis.toml"))
    reference = _new_case(services, "山田 太郎", ["delete"])
    letter = services.letters.create(reference, "acknowledgement")
    with pytest.raises(LetterHeld, match=r"held back: recipient\.name: the letter fonts have no glyph"):
        services.letters.generate(letter.id)
    assert services.letters.show(letter.id).status == "queued"


def test_stl_already_answered_gives_the_earlier_answer(demo_services: Services) -> None:
    earlier = [
        c
        for c in demo_services.cases.list()
        if c.consumer_name == "Lorraine Castellanos" and c.status not in ("received", "acknowledged")
    ]
    later = [c for c in demo_services.cases.list() if c.consumer_name == "Lorraine Castellanos"]
    first = demo_services.cases.show(earlier[0].reference)
    second = max(later, key=lambda c: c.reference)
    demo_services.workflow.deny(second.reference, "shine_the_light", TODAY, ["frequency_limit"])
    letter = next(
        x for x in demo_services.letters.outbox(status="queued") if x.case_reference == second.reference
    )
    assert letter.kind == "stl_already_answered"
    text = flat_text(demo_services.letters.render(letter.id))
    answered = first.items[0].responded_on
    assert answered is not None
    assert f"on {answered:%B} {answered.day}, {answered.year}" in text
    assert first.reference in text


def test_an_agents_letter_goes_to_the_agent_and_names_the_consumer(services: Services) -> None:
    services.organizations.import_profile_file(Path("resources/demo/mstis.toml"))
    reference = _new_case(services, "Maria Lopez", ["delete"], agent_name="Ridge Privacy Agents LLC")
    from privdesk.store.models import Agent

    with services.db.write() as s:
        s.execute(update(Agent).values(postal_address="9 Agent Plaza\nSacramento, CA 95814"))
    ack = services.letters.create(reference, "acknowledgement")
    verify = services.letters.create(reference, "verification_request", "delete")
    ack_data = services.letters.letter_data(ack.id)
    assert ack_data.recipient.name == "Ridge Privacy Agents LLC"
    assert ack_data.recipient.lines == ("9 Agent Plaza", "Sacramento, CA 95814")
    assert ack_data.consumer_name == "Maria Lopez"
    # Identity is the consumer's own: asked of the consumer at her address.
    assert services.letters.letter_data(verify.id).recipient.name == "Maria Lopez"
    assert services.letters.show(ack.id).recipient_name == "Ridge Privacy Agents LLC"


def test_create_refuses_unknown_kinds_and_items(demo_services: Services) -> None:
    reference = demo_services.letters.outbox()[0].case_reference
    with pytest.raises(ValidationError, match="unknown letter kind"):
        demo_services.letters.create(reference, "love_letter")
    with pytest.raises(ValidationError, match="has no"):
        demo_services.letters.create(reference, "acknowledgement", "portability")


# -- command line ----------------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_letter_commands(demo_services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _keep_queued(demo_services, 4)
    db = cli_database(demo_services)
    demo_services.close()
    code, out, _ = _cli(capsys, "--db", db, "letters", "list", "--status", "queued", "--json")
    assert code == 0
    queued = json.loads(out)
    assert queued and all(x["status"] == "queued" for x in queued)
    first = min(queued, key=lambda x: x["id"])

    target = tmp_path / "one.pdf"
    code, out, _ = _cli(
        capsys,
        "--db",
        db,
        "letter",
        "render",
        first["case_reference"],
        "--kind",
        first["kind"],
        "--out",
        str(target),
        "--json",
    )
    assert code == 0 and json.loads(out)["out"] == str(target)
    assert first["case_reference"] in flat_text(target.read_bytes())

    code, out, _ = _cli(
        capsys,
        "--db",
        db,
        "letters",
        "batch",
        "--out",
        str(tmp_path / "run"),
        "--json",
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["count"] + len(summary["held_back"]) + len(summary["no_address"]) == len(queued)
    run_day = summary["date"]
    assert run_day >= TODAY.isoformat()  # the command runs on the real clock
    assert Path(summary["combined_pdf"]).name == f"{run_day}-mail.pdf"
    assert all(Path(p).exists() for p in summary["letter_files"])
    for held in summary["held_back"]:
        assert held["reference"].startswith("PD-") and held["field"] and held["reason"]
    first = next(x for x in queued if x["id"] in summary["letter_ids"])
    code, out, _ = _cli(capsys, "--db", db, "letters", "confirm-printed", "--date", run_day, "--json")
    assert code == 0 and {x["id"] for x in json.loads(out)} == set(summary["letter_ids"])

    code, out, err = _cli(
        capsys, "--db", db, "letter", "mark-sent", str(first["id"]), "--method", "certified", "--json"
    )
    assert code == 1 and "tracking number" in err and "Traceback" not in err
    code, out, err = _cli(
        capsys,
        "--db",
        db,
        "letter",
        "mark-sent",
        str(first["id"]),
        "--method",
        "certified",
        "--tracking",
        "9400 1",
        "--on",
        "2026-11-20",
        "--json",
    )
    assert code == 1 and "before it was printed" in err and "Traceback" not in err
    code, out, _ = _cli(
        capsys,
        "--db",
        db,
        "letter",
        "mark-sent",
        str(first["id"]),
        "--method",
        "certified",
        "--tracking",
        "9400 1",
        "--on",
        run_day,
        "--json",
    )
    assert code == 0
    sent = json.loads(out)
    assert sent["status"] == "sent" and sent["sent_on"] == run_day and sent["tracking_number"] == "9400 1"
    code, _, err = _cli(capsys, "--db", db, "letter", "mark-sent", str(first["id"]), "--method", "email")
    assert code == 1 and "already marked sent" in err
