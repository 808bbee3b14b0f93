"""Reader defects found on mail nobody on the team wrote, each pinned by the real file or, where the
corpus has none, a message built to show it (tests/data/intake/real/SOURCES.md names each source)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.intake import detect, parse_bytes, parse_email, parse_intake_file
from privdesk.intake.headers import decode_header_value
from tests.intake.msg_builder import build_msg, embedded_item

REAL = Path(__file__).resolve().parent.parent / "data" / "intake" / "real"
SENT = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def _read(name: str):  # type: ignore[no-untyped-def]
    return parse_intake_file(REAL / name)


def test_raw_utf8_headers_read_as_utf8() -> None:
    parsed = _read("rfc6532-utf8-headers.eml")
    assert parsed.subject == "Säying Hello"
    assert parsed.from_name == "Jöhn Doe"


def test_raw_latin1_byte_in_a_name_is_not_replaced() -> None:
    assert _read("raw-latin1-from.eml").from_name == "Ingo Lütkebohle"


def test_raw_8bit_subject_keeps_its_accents() -> None:
    parsed = _read("encoded-word-raw-8bit.eml")
    assert parsed.subject.startswith("Formação FrenetikPolis") and "Verão" in parsed.subject


def test_character_split_across_encoded_words() -> None:
    assert _read("encoded-word-split-character.eml").subject == "Another PDF with 🎉 Unicode chars in it 🍿"


@pytest.mark.parametrize(
    "name, subject",
    [
        ("encoded-word-iso-2022-jp-vendor.eml", "ЖД№41 от 28.09.2016"),
        ("encoded-word-iso-8859-8-i.eml", "מענה 'אני לא נמצא': Invoice 02722027"),
        ("encoded-word-charset-none.eml", "TEST"),
    ],
)
def test_encoded_words_python_leaves_raw(name: str, subject: str) -> None:
    assert _read(name).subject == subject


@pytest.mark.parametrize(
    "raw, text",
    [
        ("=?utf-8?q?S=C3?= =?utf-8?q?=A4ying?=", "Säying"),  # split inside a character
        ("=?utf-8?q?caf\udcc3\udca9?=", "café"),  # a raw 8-bit byte inside the word
        ("=?utf-8?b?wqM2MDA?=", "£600"),  # base64 missing its padding
        ("=?zlib?q?plain?=", "plain"),  # a codec that is no text encoding
        ("=?idna?q?caf=C3=A9?=", "café"),
        ("=?windows-1252?q?=93quoted=94?= text", "\u201cquoted\u201d text"),
        ("M\udcfcller", "Müller"),
        ("\udcc2\udca3600", "£600"),
    ],
)
def test_header_decoding(raw: str, text: str) -> None:
    assert decode_header_value(raw) == text


def test_inline_text_parts_with_a_filename_are_read() -> None:
    parsed = _read("inline-text-with-filename.eml")
    assert parsed.body_text.count("a simple kind of mirror") == 2
    assert parsed.attachments == []
    encoded = _read("inline-text-encoded-filename.eml")
    assert "Die Hasen und die Frösche" in encoded.body_text


def test_byte_order_mark_and_blank_first_line_import_with_a_warning() -> None:
    bom = _read("bom-before-headers.eml")
    assert bom.from_address == "abusedesk@example.com" and bom.subject == "FW: Earn money"
    spaces = _read("whitespace-first-line.eml")
    assert spaces.subject == "Hello World !" and "This is a text body" in spaces.body_text
    for parsed in (bom, spaces):
        assert any("blank lines before the headers" in w for w in parsed.warnings)


def test_header_only_message_imports_with_a_warning() -> None:
    parsed = _read("header-only.eml")
    assert parsed.subject == "1234 / 1234"
    assert "the email has headers but no body" in parsed.warnings


def test_msg_internet_code_page_keeps_accents() -> None:
    assert _read("msg-codepage-28591.msg").subject == "test pièce jointe 1"


@pytest.mark.parametrize(
    "codepage, text",
    [
        (28591, "Je réclame l'accès à mes données"),
        (28592, "Proszę usunąć moje dane"),
        (28605, "Coût: 20 €, élève"),
        (20127, "Plain ASCII request"),
        (20866, "Прошу удалить мои данные"),
        (54936, "请删除我的个人信息"),
        (1252, "Müller – “quoted”"),
    ],
)
def test_msg_code_pages(codepage: int, text: str) -> None:
    data = build_msg(
        subject=text,
        body=f"{text}\r\nPlease delete my personal information.",
        sender_name=text[:12],
        sender_address="someone@example.com",
        to=["privacy@mstis.example"],
        sent_at=SENT,
        codepage=codepage,
    )
    parsed = parse_bytes(data, "request.msg")
    assert parsed.subject == text
    assert parsed.body_text.startswith(text)


def test_outlook_item_attached_inside_msg_is_read_and_detected() -> None:
    pinned = _read("msg-embedded-item.msg")
    assert [(f.source, f.subject, f.body_text) for f in pinned.forwarded] == [
        ("attached", "Test Attachment", "Blah blah blah")
    ]
    consumer = embedded_item(
        subject="Delete my data",
        body="I am a California resident. Please delete my personal information.\r\nRosa Diaz",
        sender_name="Rosa Diaz",
        sender_address="rosa.diaz@example.com",
        to=["privacy@mstis.example"],
        sent_at=SENT,
    )
    agent = build_msg(
        subject="Fwd: consumer request",
        body="Forwarding my client's request, see the attached item.",
        sender_name="Agent Office",
        sender_address="agent@agents.example",
        to=["privacy@mstis.example"],
        sent_at=SENT,
        embedded=[consumer],
    )
    parsed = parse_bytes(agent, "forward.msg")
    assert parsed.forwarded[0].from_address == "rosa.diaz@example.com"
    assert "delete" in detect(parsed).types


def _eml(body: bytes, head: bytes = b"") -> bytes:
    return (
        b"From: Ana Ruiz <ana@example.com>\r\nTo: privacy@mstis.example\r\nSubject: request\r\n"
        b"Date: Mon, 2 Mar 2026 09:00:00 -0800\r\n" + head + b"\r\n" + body
    )


def test_attached_eml_and_msg_inside_an_email_are_read() -> None:
    inner_eml = _eml(b"Please delete my personal information.\r\n")
    inner_msg = build_msg(
        subject="Shine the Light",
        body="Which companies did you share my information with for their direct marketing?",
        sender_name="Lee",
        sender_address="lee@example.com",
        to=["privacy@mstis.example"],
        sent_at=SENT,
    )
    outer = email.message.EmailMessage()
    outer["From"] = "agent@agents.example"
    outer["To"] = "privacy@mstis.example"
    outer["Subject"] = "two forwarded requests"
    outer.set_content("See attached.")
    outer.add_attachment(inner_eml, maintype="application", subtype="octet-stream", filename="request.eml")
    outer.add_attachment(inner_msg, maintype="application", subtype="vnd.ms-outlook", filename="stl.msg")
    parsed = parse_bytes(bytes(outer), "outer.eml")
    assert {f.from_address for f in parsed.forwarded} == {"ana@example.com", "lee@example.com"}
    found = detect(parsed)
    assert {"delete", "shine_the_light"} <= set(found.types)


def test_boundary_folded_inside_its_quotes_splits_as_python_reads_it() -> None:
    data = (
        b"From: a@example.com\r\nTo: privacy@mstis.example\r\nSubject: folded\r\n"
        b'Content-Type: multipart/mixed; boundary="==part\r\n\tone=="\r\n\r\n'
        b"--==part\tone==\r\nContent-Type: text/plain\r\n\r\nfirst part text\r\n"
        b"--==part\tone==\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;"
        b' filename="id.pdf"\r\n\r\n%PDF-1.4 x\r\n--==part\tone==--\r\n'
    )
    python = email.message_from_bytes(data, policy=email.policy.default)
    assert python.is_multipart()
    parsed = parse_email(data)
    assert parsed.body_text == "first part text"
    assert [a.filename for a in parsed.attachments] == ["id.pdf"]


def test_binary_attachment_and_iso_2022_jp_are_not_mistaken_for_binary_files() -> None:
    jis = "個人情報を削除してください".encode("iso2022_jp")
    parsed = parse_email(_eml(jis + b"\r\n", b"Content-Type: text/plain; charset=iso-2022-jp\r\n"))
    assert parsed.body_text.strip() == "個人情報を削除してください"
    binary = bytes(range(256)) * 8
    attached = parse_email(
        b"From: a@example.com\r\nTo: privacy@mstis.example\r\nSubject: id\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        b"Please delete my personal information.\r\n--b\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Transfer-Encoding: binary\r\n\r\n" + binary + b"\r\n--b--\r\n"
    )
    assert "delete my personal information" in attached.body_text


def test_binary_headers_are_refused_with_the_true_reason() -> None:
    with pytest.raises(ValidationError, match="its headers contain binary data"):
        parse_email(b"From: a@example.com\r\nSubject: \x00\x01\x02\x03\r\n\r\nbody")


@pytest.mark.parametrize("charset", ["zlib", "idna", "punycode", "undefined", "base64", "x-no-such"])
def test_a_charset_that_is_no_text_encoding_costs_nothing(charset: str) -> None:
    head = f"Content-Type: text/plain; charset={charset}\r\n".encode()
    parsed = parse_email(_eml("Please delete my data. Müller".encode(), head))
    assert parsed.body_text == "Please delete my data. Müller"
    assert any("not recognised" in w for w in parsed.warnings)
