"""Replies find their case through In-Reply-To and References: the Message-ID of the email a letter was
sent in, or of an earlier message of the case. The messages are shaped as mail programs write them
(Gmail and Outlook reply headers, folded References, quoted history below the new text)."""

from __future__ import annotations

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.services.hub import Services
from privdesk.services.intake import IntakeResultDTO
from tests.conftest import TODAY

REQUEST_ID = "<CAJ8vT2qY4mVn0B+kx=7rQp_Ww3fHh9s@mail.gmail.com>"
OUR_ID = "<DM6PR11MB4107A1B2C3D4E5F6@DM6PR11MB4107.namprd11.prod.outlook.com>"


def _request() -> bytes:
    return (
        "Return-Path: <dana.whitfield@gmail.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Date: Mon, 16 Nov 2026 08:41:07 -0800\r\n"
        f"Message-ID: {REQUEST_ID}\r\n"
        "Subject: Delete my information\r\n"
        "From: Dana Whitfield <dana.whitfield@gmail.com>\r\n"
        "To: privacy@mstis.example\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n'
        "\r\n"
        "Hello,\r\n\r\nI live in Fresno, California. Please delete all personal information you hold\r\n"
        "about me.\r\n\r\nDana Whitfield\r\n"
    ).encode()


def _reply(
    *,
    in_reply_to: str,
    references: str,
    sender: str = "d.whitfield@work-mail.example",
    new_text: str = "Here is the form you asked for, signed. My date of birth is on it.",
) -> bytes:
    """A reply from another address of hers, subject without our reference, quoting our email."""
    return (
        "MIME-Version: 1.0\r\n"
        "Date: Thu, 19 Nov 2026 19:02:55 -0800\r\n"
        f"References: {references}\r\n"
        f"In-Reply-To: {in_reply_to}\r\n"
        "Message-ID: <CAJ8vT2rZ1kLm8@mail.gmail.com>\r\n"
        "Subject: Re: Your privacy request\r\n"
        f"From: Dana Whitfield <{sender}>\r\n"
        "To: MST Insurance Solutions Privacy <privacy@mstis.example>\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n'
        "\r\n"
        f"{new_text}\r\n"
        "\r\n"
        "On Wed, Nov 18, 2026 at 9:15 AM MST Insurance Solutions Privacy <privacy@mstis.example> wrote:\r\n"
        "> Dear Dana Whitfield,\r\n"
        "> We received your request to delete your personal information. You also have the right\r\n"
        "> to know what we collected and to opt out of its sale. Please sign the enclosed form.\r\n"
    ).encode()


def _case_with_emailed_letter(inbox: Services) -> tuple[str, int]:
    first = inbox.intake.import_email_bytes(_request(), "request.eml")
    case = inbox.intake.make_case(first.intake_id, inbox.intake.suggest_case(first.intake_id))
    letter_id = inbox.letters.create(case.reference, "acknowledgement").id
    inbox.letters.generate(letter_id)
    sent = inbox.letters.mark_sent(letter_id, TODAY, "email", message_id=OUR_ID.strip("<>"))
    assert sent.message_id == OUR_ID  # typed without its brackets, kept in the header's form
    return case.reference, letter_id


def _import(inbox: Services, data: bytes) -> tuple[IntakeResultDTO, dict[str, str] | None]:
    result = inbox.intake.import_email_bytes(data, "reply.eml")
    return result, inbox.intake.show(result.intake_id).details.get("reply_to_case")


def test_a_reply_to_our_email_finds_the_case_from_another_address(inbox: Services) -> None:
    reference, _ = _case_with_emailed_letter(inbox)
    folded = f"{REQUEST_ID}\r\n {OUR_ID}"  # Gmail folds a long References header
    result, reply = _import(inbox, _reply(in_reply_to=OUR_ID, references=folded))
    assert reply == {"reference": reference, "why": "it answers our email (In-Reply-To)"}
    assert any(reference in w for w in result.warnings)  # the inbox says so; the officer attaches
    # Only the new text is read: the rights our letter lists ask for nothing, not even a second look.
    assert result.types == [] and not result.possible
    attached = inbox.intake.attach_to_case(result.intake_id, reference)
    assert attached.status == "attached" and attached.case_reference == reference


def test_a_reply_naming_an_earlier_message_of_the_case_finds_it(inbox: Services) -> None:
    """Her own request, made into the case, is in References though In-Reply-To names a message we
    never stored (a colleague answered from a personal mailbox)."""
    first = inbox.intake.import_email_bytes(_request(), "request.eml")
    case = inbox.intake.make_case(first.intake_id, inbox.intake.suggest_case(first.intake_id))
    unknown = "<0f3c2a9e-unknown@mail.example.net>"
    _, reply = _import(inbox, _reply(in_reply_to=unknown, references=f"{REQUEST_ID} {unknown}"))
    assert reply == {
        "reference": case.reference,
        "why": "it answers an earlier message of the case (References)",
    }


def test_thread_headers_naming_nothing_of_ours_suggest_no_case(inbox: Services) -> None:
    _case_with_emailed_letter(inbox)
    unknown = "<CAF-somebody-else@mail.gmail.com>"
    _, reply = _import(inbox, _reply(in_reply_to=unknown, references=unknown))
    assert reply is None  # another address, no reference, no known Message-ID: nothing to suggest


def test_a_reply_in_a_batch_finds_the_case(inbox: Services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reference, _ = _case_with_emailed_letter(inbox)
    path = tmp_path / "reply.eml"
    path.write_bytes(_reply(in_reply_to=OUR_ID, references=OUR_ID))
    (outcome,) = inbox.intake.import_files([path])
    assert isinstance(outcome, IntakeResultDTO)
    assert inbox.intake.show(outcome.intake_id).details["reply_to_case"]["reference"] == reference


def test_a_message_id_belongs_to_an_emailed_letter_and_must_be_one(inbox: Services) -> None:
    first = inbox.intake.import_email_bytes(_request(), "request.eml")
    case = inbox.intake.make_case(first.intake_id, inbox.intake.suggest_case(first.intake_id))
    letter_id = inbox.letters.create(case.reference, "acknowledgement").id
    inbox.letters.generate(letter_id)
    with pytest.raises(ValidationError, match="sent by email"):
        inbox.letters.mark_sent(letter_id, TODAY, "first_class", message_id=OUR_ID)
    with pytest.raises(ValidationError, match="not one"):
        inbox.letters.mark_sent(letter_id, TODAY, "email", message_id="sent from my phone")
    assert inbox.letters.mark_sent(letter_id, TODAY, "email").message_id is None


def test_the_message_id_from_the_command_line(inbox: Services, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from privdesk.cli import run
    from tests.conftest import cli_database

    first = inbox.intake.import_email_bytes(_request(), "request.eml")
    case = inbox.intake.make_case(first.intake_id, inbox.intake.suggest_case(first.intake_id))
    letter_id = inbox.letters.create(case.reference, "acknowledgement").id
    inbox.letters.generate(letter_id)
    db = cli_database(inbox)
    common = [
        "--db",
        db,
        "letter",
        "mark-sent",
        str(letter_id),
        "--method",
        "email",
        "--on",
        TODAY.isoformat(),
    ]
    assert run([*common, "--message-id", "not one", "--json"]) == 1
    err = capsys.readouterr().err
    assert "Message-ID" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert run([*common, "--message-id", OUR_ID, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["message_id"] == OUR_ID
    _, reply = _import(inbox, _reply(in_reply_to=OUR_ID, references=OUR_ID))
    assert reply is not None and reply["reference"] == case.reference


def test_a_reply_asking_for_more_is_read_for_its_new_request(inbox: Services) -> None:
    reference, _ = _case_with_emailed_letter(inbox)
    data = _reply(
        in_reply_to=OUR_ID,
        references=OUR_ID,
        new_text="Signed form attached. And please also stop selling my personal information.",
    )
    result, reply = _import(inbox, data)
    assert reply is not None and reply["reference"] == reference
    assert result.types == ["opt_out_sale_share"]  # her new words; the letter's list of rights is not
