"""A large message of one text part is decoded straight from the file's bytes, not through the
parser's lines: the result must be exactly what the parser gives, for every transfer encoding, and
anything unusual must go the parser's way."""

from __future__ import annotations

import base64
import quopri
import tracemalloc
from pathlib import Path

import pytest

import privdesk.intake.email_parser as email_parser
from privdesk.intake import parse_bytes
from tests.intake.support import DATA, EXTRA

SAMPLES = sorted(DATA.glob("*.eml")) + sorted(EXTRA.glob("*.eml")) + sorted((DATA / "real").glob("*.eml"))


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, bool]:
    """(through the parser, through the direct path, whether the direct path was taken)."""
    monkeypatch.setattr(email_parser, "STREAM_BODY", 10**12)
    whole = parse_bytes(data, "m.eml")
    taken: list[bool] = []
    direct = email_parser._large_single_part

    def spy(*args: object) -> object:
        found = direct(*args)  # type: ignore[arg-type]
        taken.append(found is not None)
        return found

    monkeypatch.setattr(email_parser, "STREAM_BODY", 0)
    monkeypatch.setattr(email_parser, "_large_single_part", spy)
    return whole, parse_bytes(data, "m.eml"), any(taken)


def test_every_sample_reads_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    direct = 0
    for path in SAMPLES:
        whole, streamed, taken = _both(path.read_bytes(), monkeypatch)
        assert streamed == whole, path.name
        direct += taken
    assert direct > 20  # most samples are one text part: the direct path was really exercised


def _large(encoding: str, body: bytes, charset: str = "utf-8", ctype: str = "text/plain") -> bytes:
    head = (
        "From: Ana Ruiz <ana@example.com>\r\nTo: privacy@mstis.example\r\nSubject: Borrar mis datos\r\n"
        "Date: Mon, 2 Mar 2026 09:00:00 -0800\r\nMessage-ID: <big@example.com>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: {ctype}; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode()
    if encoding == "base64":
        encoded = base64.encodebytes(body).replace(b"\n", b"\r\n")
    elif encoding == "quoted-printable":
        encoded = quopri.encodestring(body).replace(b"\n", b"\r\n")
    else:
        encoded = body
    return head + encoded


TEXT = ("Quiero que borren mis datos personales. Señor Müller, año 2026.\r\n" * 30_000).encode()


@pytest.mark.parametrize(
    ("encoding", "charset", "body"),
    [
        ("8bit", "utf-8", TEXT),
        ("7bit", "us-ascii", b"plain ascii line\r\n" * 100_000),
        ("base64", "utf-8", TEXT),
        ("quoted-printable", "utf-8", TEXT),
        ("8bit", "iso-8859-1", TEXT.decode().encode("latin-1")),
        ("8bit", "zlib", TEXT),  # no text encoding: UTF-8 with a warning, as the parser's way
        ("8bit", "us-ascii", TEXT),  # declared ASCII, really UTF-8
    ],
)
def test_large_bodies_read_as_the_parser_reads_them(
    monkeypatch: pytest.MonkeyPatch, encoding: str, charset: str, body: bytes
) -> None:
    whole, streamed, taken = _both(_large(encoding, body, charset), monkeypatch)
    assert taken and streamed == whole
    assert "Quiero" in streamed.body_text or "plain ascii" in streamed.body_text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "data",
    [
        _large("base64", TEXT)[:-7] + b"!!*",  # damaged base64: the parser decodes it and warns
        _large("8bit", TEXT, ctype="application/octet-stream"),  # not text: an attachment
        _large("8bit", TEXT).replace(b"Subject:", b"  \r\nSubject:", 1),  # a blank-looking header line
        _large("8bit", TEXT).replace(b"MIME-Version", b"this is no header\r\nMIME-Version", 1),
    ],
)
def test_unusual_messages_go_the_parsers_way(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    whole, streamed, _ = _both(data, monkeypatch)
    assert streamed == whole


def test_a_large_body_is_held_about_twice_not_four_times(tmp_path: Path) -> None:
    """The file's bytes aside, reading a 20 MB pasted log needs about two copies of its text at the
    worst moment (decoding, then line ends); the parser's way needed four."""
    data = _large("8bit", b"2026-03-02 09:00:00 INFO worker-7 request served in 12 ms\r\n" * 350_000)
    tracemalloc.start()
    try:
        parsed = parse_bytes(data, "large.eml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(parsed.body_text) > 19_000_000
    assert peak < 2.3 * len(data)
