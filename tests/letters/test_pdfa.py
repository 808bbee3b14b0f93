"""Stored letters are PDF/A-2b: XMP claiming part 2, conformance B; an sRGB output intent; every font
embedded. Read back with pikepdf from what the service stores and what the print run writes."""

from __future__ import annotations

import io

import pikepdf
import pytest

from privdesk.domain.letterdata import LetterKind
from privdesk.letters import LetterRenderer, pdfa
from privdesk.letters.batch import split_pdf
from privdesk.letters.layout import build_pdf
from privdesk.letters.renderer import prepare
from tests.letters.pdftext import flat_text
from tests.letters.sample_letters import sample


def assert_pdfa_2b(pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        assert meta.pdfa_status == "2B"
        intents = doc.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == pikepdf.Name.GTS_PDFA1
        profile = intents[0].DestOutputProfile
        icc = profile.read_bytes()
        assert profile.N == 3 and icc[16:20] == b"RGB " and icc[8] <= 4  # an RGB profile, version <= 4
        assert "/ID" in doc.trailer and "/Encrypt" not in doc.trailer
    assert pdfa.unembedded_fonts(pdf) == []


def test_the_unembedded_font_check_can_fail() -> None:
    from reportlab.pdfgen.canvas import Canvas

    stream = io.BytesIO()
    canvas = Canvas(stream)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 72, "Helvetica is named, never carried")
    canvas.save()
    assert pdfa.unembedded_fonts(stream.getvalue()) == ["/Helvetica"]


@pytest.mark.parametrize("kind", [LetterKind.KNOW_CATEGORIES_RESPONSE, LetterKind.ACKNOWLEDGEMENT])
def test_one_letter_made_archival_keeps_its_text(kind: LetterKind) -> None:
    data = sample(kind)
    plain = LetterRenderer().render(data)
    archived = pdfa.archival(plain, f"{data.reference} {kind}")
    assert_pdfa_2b(archived)
    assert flat_text(archived) == flat_text(plain)
    assert pdfa.archival(plain, "same") == pdfa.archival(plain, "same")  # deterministic bytes


def test_the_print_run_cuts_the_combined_file_into_pdfa_letters() -> None:
    letters = [prepare(sample(k)) for k in (LetterKind.ACKNOWLEDGEMENT, LetterKind.STL_RESPONSE)]
    pages: list[int] = []
    combined = build_pdf(letters, page_counts=pages)
    singles = split_pdf(combined, pages, ["first", "second"])
    assert [len(pikepdf.open(io.BytesIO(s)).pages) for s in singles] == pages
    for single, prepared in zip(singles, letters, strict=True):
        assert_pdfa_2b(single)
        assert prepared.data.reference in flat_text(single)
    with pikepdf.open(io.BytesIO(singles[1])) as doc:
        assert doc.open_metadata().get("dc:title") == "second"
