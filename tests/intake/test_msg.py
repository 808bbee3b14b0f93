from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.intake import detect, parse_intake_file, parse_msg
from privdesk.intake.sniff import CFB_MAGIC
from tests.intake.msg_builder import build_cfb, build_msg
from tests.intake.support import DEMO_ORGS

PDF = b"%PDF-1.4\n" + b"0" * 6000 + b"\n%%EOF\n"  # over 4 KB: stored in regular sectors, not the mini stream
SENT = datetime(2025, 3, 1, 17, 30, tzinfo=UTC)


def _msg(**overrides: object) -> bytes:
    args: dict[str, object] = dict(
        subject="CCPA deletion request",
        body="I am a California resident.\r\nPlease delete my personal information.\r\nAgnes",
        sender_name="Agnes Moreau",
        sender_address="agnes@example.com",
        to=["privacy@mstis.example"],
        sent_at=SENT,
        attachments=[
            ("ID card.pdf", "application/pdf", PDF),
            ("../../evil.sh", "application/x-sh", b"#!/bin/sh"),
        ],
    )
    args.update(overrides)
    return build_msg(**args)  # type: ignore[arg-type]


def test_msg_fields_and_attachments() -> None:
    parsed = parse_msg(_msg(), "request.msg")
    assert parsed.source_format == "msg"
    assert parsed.subject == "CCPA deletion request"
    assert (parsed.from_name, parsed.from_address) == ("Agnes Moreau", "agnes@example.com")
    assert parsed.to == ["privacy@mstis.example"] and parsed.sent_at == SENT
    assert parsed.body_text == "I am a California resident.\nPlease delete my personal information.\nAgnes"
    assert [(a.filename, a.sniffed_type) for a in parsed.attachments] == [
        ("ID card.pdf", "pdf"),
        ("evil.sh", None),
    ]
    assert parsed.attachments[0].data == PDF
    assert any("contained a path" in w for w in parsed.warnings)
    found = detect(parsed, DEMO_ORGS)
    assert (found.types, found.jurisdiction, found.organization) == (["delete"], "US-CA", "mstis")


def test_msg_transport_headers_win() -> None:
    headers = (
        "From: Agnes M <agnes.real@example.org>\r\nTo: info@lossexpress.example\r\n"
        "Message-ID: <abc@example.org>\r\nDate: Sat, 01 Mar 2025 09:30:00 -0800\r\n"
    )
    parsed = parse_msg(_msg(transport_headers=headers))
    assert parsed.from_address == "agnes.real@example.org"
    assert parsed.to == ["info@lossexpress.example"] and parsed.message_id == "<abc@example.org>"


def test_fixture_is_readable_by_an_independent_reader(tmp_path: Path) -> None:
    import extract_msg  # a test dependency: this comparison must run, never skip

    path = tmp_path / "r.msg"
    path.write_bytes(_msg())
    message = extract_msg.openMsg(str(path))
    try:
        assert message.subject == "CCPA deletion request"
        assert message.body.startswith("I am a California resident.")
        assert len(message.attachments) == 2
    finally:
        message.close()


def test_dispatch_by_content_not_extension(tmp_path: Path) -> None:
    (tmp_path / "looks-like.eml").write_bytes(_msg())
    assert parse_intake_file(tmp_path / "looks-like.eml").source_format == "msg"
    (tmp_path / "really-eml.msg").write_bytes(b"From: a@example.com\nSubject: hi\n\nbody\n")
    parsed = parse_intake_file(tmp_path / "really-eml.msg")
    assert parsed.source_format == "eml" and any("named .msg" in w for w in parsed.warnings)


@pytest.mark.parametrize("data", [CFB_MAGIC + b"\0" * 100, CFB_MAGIC + b"\xff" * 2000, b"not ole at all"])
def test_broken_msg_refused(data: bytes) -> None:
    with pytest.raises(ValidationError):
        parse_msg(data, "bad.msg")


def test_compound_file_that_is_not_a_message_refused() -> None:
    with pytest.raises(ValidationError, match="not an Outlook message"):
        parse_msg(build_cfb({"WordDocument": b"x" * 10}), "doc.msg")
