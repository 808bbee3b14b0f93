"""Scans are checked by decoding them in the service (not only in the desktop's loaders): the magic
number at offset 0, the page count or image size read by a real decoder, and a pixel limit."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from privdesk.domain.errors import ValidationError
from privdesk.intake.scans import inspect_scan
from privdesk.services.hub import Services
from privdesk.services.intake import ScannedLetter
from tests import scans

ON = dt.date(2026, 11, 16)
EXECUTABLE = b"\x7fELF\x02\x01\x01" + bytes(57) + b"%PDF-1.7\n" + bytes(2000)
HTML = b"<!DOCTYPE html><html><body><p>Quote: %PDF-1.4 is how a PDF starts</p></body></html>"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (EXECUTABLE, "is not a PDF, PNG, JPEG or TIFF file"),
        (HTML, "is not a PDF, PNG, JPEG or TIFF file"),
        (b"%PDF-1.7\n" + b"<html>not really</html>" * 20, "cannot be read as one"),
        (scans.png_header_only(60000, 60000), "over the limit"),
        (scans.png_header_only(12000, 12000), "12000×12000 PNG image, over the limit"),
        (scans.png()[:60], "cannot be decoded"),
    ],
    ids=[
        "exe-with-pdf-at-64",
        "html-mentioning-pdf",
        "pdf-header-only",
        "huge-png",
        "large-png",
        "truncated-png",
    ],
)
def test_the_service_refuses_what_does_not_decode(inbox: Services, data: bytes, reason: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ValidationError, match=f"page 1 .*{reason}"):
        inbox.intake.add_scanned_letter(ScannedLetter("mstis", ON, [data], sender_name="Ann Lee"))
    assert time.perf_counter() - start < 5  # the 60000×60000 PNG is refused from its header
    assert inbox.intake.pending() == []


def test_real_scans_are_kept_with_their_pages_counted() -> None:
    assert inspect_scan(scans.pdf(pages=3)).pages == 3
    info = inspect_scan(scans.png(40, 30))
    assert (info.kind, info.width, info.height) == ("png", 40, 30)


def test_real_scans_are_accepted_by_the_service(inbox: Services) -> None:
    letter = inbox.intake.add_scanned_letter(
        ScannedLetter("mstis", ON, [scans.pdf(pages=2), scans.png()], sender_name="Ann Lee")
    )
    assert letter.documents == 2
