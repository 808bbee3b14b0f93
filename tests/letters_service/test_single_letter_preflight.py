"""One letter rendered on its own (``letter render``, the case view's generate-and-print, a case's
letter by kind) goes through the batch's pre-flight: a letter the batch would hold back is refused
with one line naming the case, the field and the reason, and nothing is stored or written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from privdesk.cli import run
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from privdesk.services.letters import LetterHeld
from tests.conftest import TODAY, cli_database
from tests.letters.pdftext import flat_text

LONG_STREET = "Apartment 12B, The Residences at Harbor Point, 4100 Pacific Coast Hwy."


def _case(services: Services, name: str, address: str, jurisdiction: str = "US-CA", **more: object) -> str:
    return services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction=jurisdiction,
            types=["delete"],
            channel="mail",
            received=TODAY - dt.timedelta(days=2),
            name=name,
            address=address,
            ca_residency_attested=jurisdiction == "US-CA",
            **more,  # type: ignore[arg-type]
        )
    ).reference


def test_a_letter_whose_address_does_not_fit_is_refused_naming_case_field_and_reason(
    demo_services: Services,
) -> None:
    letters = demo_services.letters
    reference = _case(demo_services, "Ann Lee", f"{LONG_STREET}\nLong Beach, CA 90803")
    letter = letters.create(reference, "acknowledgement")
    for attempt in (letters.render, letters.generate):
        with pytest.raises(LetterHeld) as caught:
            attempt(letter.id)
        message = str(caught.value)
        assert "\n" not in message
        assert message.startswith(f"{reference} acknowledgement (letter {letter.id}) held back: ")
        assert caught.value.field == "recipient address line 1"
        assert "70 characters" in caught.value.reason
    shown = letters.show(letter.id)
    assert shown.status == "queued" and shown.sha256 is None  # nothing stored
    check = letters.check(letter.id)
    assert not check.printable and check.problems[0].startswith("recipient address line 1: ")

    # Corrected, the same letter renders, and says what the case says.
    assert (
        letters.edit_consumer_address(reference, "Apt 12B, 4100 Pacific Coast Hwy\nLong Beach, CA 90803")
        == []
    )
    text = flat_text(letters.render(letter.id))
    assert "Apt 12B, 4100 Pacific Coast Hwy" in text and reference in text


def test_a_case_letter_by_kind_is_checked_as_the_batch_checks_it(demo_services: Services) -> None:
    letters = demo_services.letters
    reference = _case(demo_services, "Rosa Díaz", "88 Jackson Street\nSan Francisco, CA 94111")
    with pytest.raises(LetterHeld) as caught:
        letters.render_case_letter(reference, "extension_notice")  # never extended
    assert caught.value.field == "extension" and "never extended" in str(caught.value)
    with pytest.raises(LetterHeld) as caught:
        letters.render_case_letter(reference, "appeal_decision")  # California has no appeal
    assert caught.value.field == "kind" and "US-CA" in caught.value.reason
    assert "Rosa Díaz" in flat_text(letters.render_case_letter(reference, "acknowledgement"))


def test_a_name_no_font_can_print_is_refused_naming_the_field(demo_services: Services) -> None:
    letters = demo_services.letters
    reference = _case(demo_services, "王小明", "88 Jackson Street\nSan Francisco, CA 94111")
    letter = letters.create(reference, "acknowledgement")
    with pytest.raises(LetterHeld) as caught:
        letters.generate(letter.id)
    assert "recipient" in caught.value.field and "U+738B" in caught.value.reason
    assert letters.show(letter.id).status == "queued"


def test_a_letter_without_postal_address_renders_for_email_but_is_not_printable(
    demo_services: Services,
) -> None:
    letters = demo_services.letters
    reference = _case(demo_services, "Pat Nobody", "", email="pat.nobody@example.com")
    letter = letters.create(reference, "acknowledgement")
    check = letters.check(letter.id)
    assert check.no_address and not check.printable and not check.problems
    assert "email the letter or find an address" in check.summary
    assert "Pat Nobody" in flat_text(letters.generate(letter.id) and letters.stored_pdf(letter.id))


def test_letter_render_on_the_command_line_writes_nothing_for_a_held_letter(
    demo_services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = _case(demo_services, "Ann Lee", f"{LONG_STREET}\nLong Beach, CA 90803")
    letter = demo_services.letters.create(reference, "acknowledgement")
    db = cli_database(demo_services)
    demo_services.close()
    target = tmp_path / "held.pdf"
    code = run(["--db", db, "letter", "render", "--id", str(letter.id), "--out", str(target)])
    _, err = capsys.readouterr()
    assert code != 0 and not target.exists()
    assert f"{reference} acknowledgement (letter {letter.id}) held back: recipient address line 1: " in err
    code = run(["--db", db, "letter", "check", str(letter.id)])
    out, _ = capsys.readouterr()
    assert code == 0 and "held back: recipient address line 1: " in out


def test_letter_enclose_on_the_command_line_lets_the_access_response_print(
    demo_services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = _case(demo_services, "Rosa Díaz", "88 Jackson Street\nSan Francisco, CA 94111")
    letter = demo_services.letters.create(reference, "know_specific_response")
    db = cli_database(demo_services)
    demo_services.close()
    export = tmp_path / "export.csv"
    export.write_bytes(b"category,value\n")
    target = tmp_path / "answer.pdf"
    render = ["--db", db, "letter", "render", "--id", str(letter.id), "--out", str(target)]
    assert run(render) != 0 and not target.exists()
    assert "enclosures: no document is attached" in capsys.readouterr().err
    name = "Copy of your data.csv"
    assert run(["--db", db, "letter", "enclose", reference, "--file", str(export), "--name", name]) == 0
    assert f"{name} attached to {reference}" in capsys.readouterr().out
    assert run(render) == 0
    assert name in " ".join(flat_text(target.read_bytes()).split())
    assert run(["--db", db, "letter", "enclose", reference, "--file", str(tmp_path / "missing.csv")]) != 0
    assert "missing.csv cannot be read" in capsys.readouterr().err
