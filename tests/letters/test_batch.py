"""The print run: combined PDF, one file per letter, address sheet, labels, progress and cancel."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from privdesk.domain.letterdata import LetterKind, PostalAddress
from privdesk.letters.batch import Cancelled, letter_filename, render_batch
from tests.letters.pdftext import flat_text, page_texts
from tests.letters.sample_letters import COVERYS, LOSSEXPRESS, MSTIS, sample


def _letters() -> list:  # type: ignore[type-arg]
    return [
        replace(
            sample(LetterKind.DELETION_DONE),
            reference="PD-2026-000300",
            letterhead=MSTIS,
            recipient=PostalAddress("Ana Pérez", ("9 Elm St", "Oakland, CA 94601")),
        ),
        replace(
            sample(LetterKind.ACKNOWLEDGEMENT),
            reference="PD-2026-000200",
            letterhead=COVERYS,
            recipient=PostalAddress("Γιώργος Παπαδόπουλος", ("3 Oak Ave", "Sacramento, CA 95814")),
        ),
        replace(sample(LetterKind.KNOW_CATEGORIES_RESPONSE), reference="PD-2026-000100", letterhead=COVERYS),
        replace(
            sample(LetterKind.STL_RESPONSE),
            reference="PD-2026-000050",
            letterhead=LOSSEXPRESS,
            recipient=PostalAddress("Nguyễn Thị Hương", ("77 Pine Rd", "San Jose, CA 95112")),
        ),
    ]


def test_batch_produces_all_outputs_in_print_order() -> None:
    calls: list[tuple[int, int]] = []
    result = render_batch(_letters(), progress=lambda done, total: calls.append((done, total)))
    names = [name for name, _ in result.per_letter]
    # by organization, then reference
    assert names == [
        "PD-2026-000100-know_categories_response.pdf",
        "PD-2026-000200-acknowledgement.pdf",
        "PD-2026-000050-stl_response.pdf",
        "PD-2026-000300-deletion_done.pdf",
    ]
    combined_pages = page_texts(result.combined_pdf)
    assert len(combined_pages) == sum(len(PdfReader(io.BytesIO(pdf)).pages) for _, pdf in result.per_letter)
    # each letter is numbered on its own within the combined file
    assert "Page 1 of 2" in combined_pages[0] and "Page 2 of 2" in combined_pages[1]
    assert "Page 1 of 1" in combined_pages[2] and "PD-2026-000200" in combined_pages[2]
    assert "Γιώργος Παπαδόπουλος" in combined_pages[2]
    assert "Nguyễn Thị Hương" in combined_pages[3]
    assert calls[-1][0] == calls[-1][1] and len(calls) == calls[-1][1]
    labels = flat_text(result.labels_pdf)
    for expected in (
        "Maria Delgado",
        "Γιώργος Παπαδόπουλος",
        "Nguyễn Thị Hương",
        "Ana Pérez",
        "Oakland, CA 94601",
    ):
        assert expected in labels
    sheet = flat_text(result.address_sheet_pdf)
    assert "Addresses (4 letters)" in sheet and "PD-2026-000300" in sheet and "9 Elm St" in sheet


def test_labels_follow_the_avery_5160_grid() -> None:
    import pdfplumber

    letters = [
        replace(
            sample(LetterKind.OPT_OUT_CONFIRMED),
            reference=f"PD-2026-{i:06d}",
            recipient=PostalAddress(f"Person{i:02d}", ("1 Main St",)),
        )
        for i in range(31)
    ]
    result = render_batch(letters)
    with pdfplumber.open(io.BytesIO(result.labels_pdf)) as doc:
        assert len(doc.pages) == 2
        first = {w["text"]: w for w in doc.pages[0].extract_words() if w["text"].startswith("Person")}
        assert len(first) == 30
        # label 0 top-left, label 2 in the third column, label 3 on the second row (1 in lower)
        assert abs(first["Person02"]["x0"] - first["Person00"]["x0"] - 2 * 2.75 * 72) < 0.5
        assert abs(first["Person03"]["top"] - first["Person00"]["top"] - 72) < 0.5


def test_cancel_stops_the_batch_promptly() -> None:
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)

    with pytest.raises(Cancelled):
        render_batch(_letters() * 5, progress=progress, cancelled=lambda: len(seen) >= 2)
    assert len(seen) == 2


def test_cancel_during_layout_of_the_combined_file() -> None:
    seen: list[int] = []
    letters = _letters()
    with pytest.raises(Cancelled):
        render_batch(
            letters, progress=lambda d, t: seen.append(d), cancelled=lambda: len(seen) >= len(letters) + 1
        )
    assert len(seen) == len(letters) + 1


def test_filename_is_safe() -> None:
    data = replace(sample(LetterKind.ACKNOWLEDGEMENT), reference="PD/2026 000123")
    assert letter_filename(data) == "PD_2026_000123-acknowledgement.pdf"
