from __future__ import annotations

import base64
import email.policy
from datetime import UTC
from email.message import EmailMessage
from pathlib import Path

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.intake import IntakeLimits, parse_email, parse_intake_file, sniff_document
from privdesk.intake.filenames import sanitize_filename
from tests.intake.support import DATA, EXTRA, load_labels

ALL_FILES = sorted(DATA.glob("*.eml")) + sorted(EXTRA.glob("*.eml"))


def _message(body: str = "hello", **headers: str) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.default)
    msg["From"] = headers.get("frm", "Pat Doe <pat@example.com>")
    msg["To"] = "privacy@mstis.example"
    msg["Subject"] = headers.get("subject", "test")
    msg["Date"] = "Mon, 03 Feb 2025 09:41:07 -0800"
    msg["Message-ID"] = "<t1@example.com>"
    msg.set_content(body)
    return msg


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_sample_parses(path: Path) -> None:
    parsed = parse_intake_file(path)
    assert parsed.from_address.endswith((".com", ".org", ".net", ".uk", ".example"))
    assert parsed.body_text.strip()
    assert parsed.sent_at is not None and parsed.sent_at.tzinfo is not None


def test_labels_cover_every_sample() -> None:
    assert set(load_labels(DATA)) == {p.name for p in DATA.glob("*.eml")}
    assert set(load_labels(EXTRA)) == {p.name for p in EXTRA.glob("*.eml")}


def test_headers_and_encoded_words_are_decoded() -> None:
    parsed = parse_intake_file(DATA / "sample-05.eml")
    assert parsed.from_name == "Zoé Lefèvre"
    assert parsed.subject == "Demande d’accès – GDPR Article 15 and 20 request"
    assert parsed.sent_at is not None and parsed.sent_at.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    assert "Lyon, France" in parsed.body_text
    assert parsed.message_id == "<3f9a2c71-5e0d-48b6-a7c4-19e2d5b60f88@example.org>"


def test_plain_text_is_preferred_and_cc_reply_to_read() -> None:
    parsed = parse_intake_file(DATA / "sample-02.eml")
    assert "<div" not in parsed.body_text and "I'm writing to ask Coverys" in parsed.body_text
    assert parse_intake_file(DATA / "sample-08.eml").cc == ["sienna.h@example.com"]
    agent = parse_intake_file(DATA / "sample-04.eml")
    assert agent.reply_to == ["requests@cleartrail.example.com"]


def test_pdf_attachment_kept_with_hash() -> None:
    parsed = parse_intake_file(DATA / "sample-04.eml")
    [pdf] = parsed.attachments
    assert pdf.filename == "Whitfield_Authorization_Signed.pdf"
    assert pdf.content_type == "application/pdf" and pdf.sniffed_type == "pdf"
    assert pdf.size == len(pdf.data) and len(pdf.sha256) == 64
    assert parsed.warnings == []


def test_html_only_body_drops_script_and_style() -> None:
    parsed = parse_intake_file(EXTRA / "x07-or-delete-html-only.eml")
    assert "alert" not in parsed.body_text and "font-family" not in parsed.body_text
    assert "delete all of my personal information" in parsed.body_text


def test_html_script_text_absent_and_link_text_kept() -> None:
    msg = _message()
    msg.set_content(
        "<html><body><p>Please delete my data</p><script>var secret='STEAL';</script>"
        "<a href='https://example.org/x'>my profile page</a><img src='https://tracker.example/p.gif'></body></html>",
        subtype="html",
    )
    parsed = parse_email(msg.as_bytes())
    assert "STEAL" not in parsed.body_text
    assert "my profile page" in parsed.body_text and "Please delete my data" in parsed.body_text
    assert parsed.links[0].href == "https://example.org/x"


def test_truncated_multipart_yields_warnings() -> None:
    data = (DATA / "sample-04.eml").read_bytes()
    cut = data[: data.index(b"JVBERi0x") + 500]
    parsed = parse_email(cut, "cut.eml")
    assert "Marcus J. Whitfield" in parsed.body_text
    assert any("truncated" in w or "not closed" in w for w in parsed.warnings)


def test_truncated_headers_are_refused() -> None:
    with pytest.raises(ValidationError, match="truncated"):
        parse_email(b"From: a@example.com\nTo: b@example.com\nSubj", "x.eml")


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"%PDF-1.4 not an email", "headers"),
        (b"Hello there,\nplease delete me\n", "headers"),
    ],
)
def test_not_an_email_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        parse_email(data, "in.eml")


def test_unknown_charset_never_raises() -> None:
    data = (
        b"From: a@example.com\nTo: privacy@mstis.example\nSubject: x\nDate: Mon, 03 Feb 2025 09:41:07 -0800\n"
        b"Content-Type: text/plain; charset=x-unknown\n\ncaf\xc3\xa9 please delete my data\n"
    )
    parsed = parse_email(data)
    assert "café" in parsed.body_text
    assert any("charset 'x-unknown'" in w for w in parsed.warnings)


def test_wrong_declared_charset_falls_back() -> None:
    data = (
        b"From: a@example.com\nTo: privacy@mstis.example\nSubject: x\nDate: Mon, 03 Feb 2025 09:41:07 -0800\n"
        b"Content-Type: text/plain; charset=us-ascii\n\nJos\xe9 Pe\xf1a\n"
    )
    parsed = parse_email(data)
    assert "José Peña" in parsed.body_text
    assert any("Windows-1252" in w for w in parsed.warnings)


def test_latin1_quoted_printable_and_encoded_subject() -> None:
    parsed = parse_intake_file(EXTRA / "x24-latin1-es-delete.eml")
    assert parsed.subject == "Borrar mi información" and parsed.from_name == "José Peña"
    assert "información personal" in parsed.body_text


def test_oversized_attachment_not_kept() -> None:
    big = base64.encodebytes(b"\0" * (30 * 1024 * 1024))  # built in memory; nothing large is written to disk
    data = (
        b"From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
        b"--B\nContent-Type: text/plain\n\nsee attached\n"
        b"--B\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=big.bin\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + big
        + b"--B\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=ok.pdf\n\n"
        b"%PDF-1.4 small\n"
        b"--B--\n"
    )
    parsed = parse_email(data, limits=IntakeLimits(max_file_bytes=60 * 1024 * 1024))
    assert [a.filename for a in parsed.attachments] == ["ok.pdf"]
    assert "attachment 'big.bin' (30 MB) exceeds the 25 MB limit and was not kept" in parsed.warnings


def test_file_over_limit_refused() -> None:
    with pytest.raises(ValidationError, match="limit"):
        parse_email(_message().as_bytes(), "m.eml", IntakeLimits(max_file_bytes=100))


def test_attachment_count_limit() -> None:
    msg = _message()
    for i in range(4):
        msg.add_attachment(b"data", maintype="text", subtype="plain", filename=f"f{i}.txt")
    parsed = parse_email(msg.as_bytes(), limits=IntakeLimits(max_attachments=2))
    assert len(parsed.attachments) == 2
    assert sum("more than 2 attachments" in w for w in parsed.warnings) == 2


def test_path_in_attachment_name_is_stripped() -> None:
    msg = _message()
    msg.add_attachment(
        b"#!/bin/sh\nrm -rf /\n", maintype="application", subtype="x-sh", filename="../../evil.sh"
    )
    parsed = parse_email(msg.as_bytes())
    [attachment] = parsed.attachments
    assert attachment.filename == "evil.sh" and attachment.original_filename == "../../evil.sh"
    assert "attachment name '../../evil.sh' contained a path; stored as 'evil.sh'" in parsed.warnings


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("../../evil.sh", "evil.sh"),
        ("C:\\Users\\x\\a.pdf", "a.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\x00b\x07.txt", "ab.txt"),
        ("..", "attachment"),
        ("...pdf", "pdf"),
        ("CON.txt", "_CON.txt"),
        ("a..b.pdf", "a.b.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_sanitize_filename(raw: str, safe: str) -> None:
    assert sanitize_filename(raw) == safe


def test_fake_png_attachment_is_flagged() -> None:
    msg = _message()
    msg.add_attachment(
        b"MZ\x90\x00 this is an executable", maintype="image", subtype="png", filename="id.png"
    )
    parsed = parse_email(msg.as_bytes())
    [attachment] = parsed.attachments
    assert sniff_document(attachment.data) is None and attachment.sniffed_type is None
    assert any("claims to be PNG" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (b"\xff\xd8\xff\xe0JFIF", "jpeg"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"GIF89a", None),
        (b"", None),
        (b"junk" * 10 + b"%PDF-1.4", "pdf"),
    ],
)
def test_sniff_document(data: bytes, kind: str | None) -> None:
    assert sniff_document(data) == kind


def test_attached_and_inline_forwards_are_noted() -> None:
    inner = _message("I am a California resident; please delete my data.", subject="delete request")
    outer = _message("See attached.", subject="Fwd: delete request")
    outer.add_attachment(inner)
    parsed = parse_email(outer.as_bytes())
    [forward] = parsed.forwarded
    assert forward.source == "attached" and forward.subject == "delete request"
    assert forward.from_address == "pat@example.com" and "California resident" in forward.body_text
    inline = parse_intake_file(EXTRA / "x14-forwarded.eml").forwarded
    assert [(f.source, f.from_address, f.subject) for f in inline] == [
        ("inline", "olivia.park@example.com", "please delete my info")
    ]
    assert inline[0].sent_at is not None


def test_missing_and_bad_dates_are_warnings() -> None:
    data = b"From: a@example.com\nSubject: x\nDate: the day after tomorrow\n\nbody\n"
    parsed = parse_email(data)
    assert parsed.sent_at is None and any("Date header" in w for w in parsed.warnings)
    naive = parse_email(b"From: a@example.com\nDate: Mon, 03 Feb 2025 09:41:07 -0000\n\nbody\n")
    assert naive.sent_at is not None and naive.sent_at.tzinfo == UTC


def test_mixed_batch_good_files_still_parse(tmp_path: Path) -> None:
    files = {
        "good1.eml": (DATA / "sample-01.eml").read_bytes(),
        "empty.eml": b"",
        "junk.eml": bytes(range(256)) * 8,
        "good2.eml": (EXTRA / "x28-gb-rectify-html.eml").read_bytes(),
        "scan.eml": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        "cut.eml": b"From: a@example.com\nSubj",
    }
    results: dict[str, str] = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        try:
            results[name] = parse_intake_file(tmp_path / name).from_address
        except ValidationError as exc:
            results[name] = f"error: {exc}"
    assert results["good1.eml"] == "dana.whitcomb@example.com"
    assert results["good2.eml"] == "eleanor.smith@example.co.uk"
    assert all(results[n].startswith("error: '") for n in ("empty.eml", "junk.eml", "scan.eml", "cut.eml"))
    assert "PNG" in results["scan.eml"]
    assert all("\n" not in r for r in results.values())


def test_malformed_address_headers_do_not_crash() -> None:
    data = (
        b'From: "unterminated <a@\nTo: ,,,;;; <<>>\nCc: =?utf-8?B?!!!?= <c@example.com>\n'
        b"Subject: =?bogus?Q?x?=\n\nbody\n"
    )
    parsed = parse_email(data)
    assert parsed.body_text.strip() == "body"
    assert parsed.cc == ["c@example.com"]


def test_base64_body_decoded() -> None:
    body = base64.encodebytes("Bitte löschen Sie meine Daten".encode()).decode()
    data = (
        "From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Transfer-Encoding: base64\n\n{body}"
    ).encode()
    assert parse_email(data).body_text.strip() == "Bitte löschen Sie meine Daten"
