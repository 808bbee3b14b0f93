"""500 letters into one PDF, against bare ReportLab printing the same text with the same fonts.

Run as a script (``python tests/benchmarks/bench_letters.py [count]``) or with
``pytest -m benchmark tests/benchmarks/bench_letters.py``. Target: privdesk at most 1.5 x bare ReportLab.
"""

from __future__ import annotations

import io
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

if __name__ == "__main__":  # make the repository importable when run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reportlab.lib.pagesizes import LETTER
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from privdesk.domain.letterdata import LetterData, LetterKind, PostalAddress
from privdesk.letters import fonts
from privdesk.letters.layout import _TABLE_STYLE, build_pdf, styles
from privdesk.letters.renderer import prepare
from privdesk.letters.templating import BulletBlock, HeadingBlock, ParagraphBlock, TableBlock
from tests.letters.sample_letters import COVERYS, LOSSEXPRESS, MSTIS, sample

TARGET_RATIO = 1.5


def make_letters(count: int) -> list[LetterData]:
    kinds = list(LetterKind)
    heads = (MSTIS, COVERYS, LOSSEXPRESS)
    letters = []
    for i in range(count):
        data = sample(kinds[i % len(kinds)])
        letters.append(
            replace(
                data,
                reference=f"PD-2026-{i:06d}",
                letterhead=heads[i % 3] if data.kind != "deletion_denied" else data.letterhead,
                return_address=None,
                recipient=PostalAddress(f"Consumer {i}", (f"{100 + i} Market Street", "San Diego, CA 92101")),
            )
        )
    return letters


def privdesk_run(letters: list[LetterData]) -> bytes:
    return build_pdf([prepare(d) for d in letters])


def bare_reportlab_run(letters: list[LetterData]) -> float:
    """What a hand-written script does: the same text, fonts, styles and table style, with the page head
    (letterhead, return and recipient address, date block) and a footer drawn on the canvas.
    Returns the seconds spent in ReportLab (the text is produced beforehand, outside the timing)."""
    prepared = [prepare(d) for d in letters]
    start = time.perf_counter()
    st = styles()
    story: list[Flowable] = []
    heads: list[list[str]] = []
    state = {"letter": 0, "first": True}

    class StartLetter(Flowable):  # type: ignore[misc]
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

        def wrap(self, w: float, h: float) -> tuple[float, float]:
            state["letter"], state["first"] = self.index, True
            return 0, 0

        def draw(self) -> None:
            pass

    for index, letter in enumerate(prepared):
        data = letter.data
        head = data.letterhead
        heads.append(
            [
                head.org_name,
                *head.address_lines,
                head.phone,
                head.email,
                *data.sender_address.all_lines(),
                *data.recipient.all_lines(),
                "Date",
                str(data.letter_date),
                "Reference",
                data.reference,
                "Received",
                str(data.received_date),
            ]
        )
        if index:
            story.append(StartLetter(index))
            story.append(PageBreak())
        story.append(Spacer(1, 175))
        for block in letter.blocks:
            if isinstance(block, ParagraphBlock):
                story.append(Paragraph(block.text, st.body))
            elif isinstance(block, HeadingBlock):
                story.append(Paragraph(block.text, st.heading))
            elif isinstance(block, BulletBlock):
                story.append(Paragraph(block.text, st.bullet, bulletText="•"))
            elif isinstance(block, TableBlock):
                rows = [[Paragraph(c, st.cell) for c in row] for row in (block.header, *block.rows)]
                story.append(
                    Table(
                        rows,
                        colWidths=[468 / len(block.header)] * len(block.header),
                        repeatRows=1,
                        style=_TABLE_STYLE,
                    )
                )
        story.append(
            Paragraph(f"{data.letterhead.signatory_name}<br/>{data.letterhead.signatory_title}", st.body)
        )

    def on_page(canvas, doc):  # type: ignore[no-untyped-def]
        canvas.setFont(fonts.REGULAR, 9)
        lines = heads[state["letter"]] if state["first"] else [heads[state["letter"]][0], "Reference"]
        state["first"] = False
        y = 740
        for line in lines:
            canvas.drawString(72, y, line)
            y -= 11
        canvas.drawString(72, 30, f"Reference {letters[state['letter']].reference} Page {doc.page}")

    stream = io.BytesIO()
    SimpleDocTemplate(stream, pagesize=LETTER, invariant=1).build(
        story, onFirstPage=on_page, onLaterPages=on_page
    )
    return time.perf_counter() - start


def measure(count: int = 500, repeats: int = 2) -> tuple[float, float, int]:
    """Best of ``repeats`` runs each, alternating, so machine noise hits both sides alike."""
    fonts.register_fonts()
    letters = make_letters(count)
    privdesk_run(letters[:20])  # warm caches (template compilation, font subsetting code paths)
    bare_reportlab_run(letters[:20])
    ours, bare, size = float("inf"), float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(privdesk_run(letters))
        ours = min(ours, time.perf_counter() - start)
        bare = min(bare, bare_reportlab_run(letters))
    return ours, bare, size


def report(count: int = 500) -> float:
    ours, bare, size = measure(count)
    ratio = ours / bare
    print(
        f"privdesk:      {count} letters in {ours:.2f} s ({count / ours:.0f} letters/s, {size / 1e6:.1f} MB)"
    )
    print(f"bare ReportLab: {count} letters in {bare:.2f} s")
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    return ratio


@pytest.mark.benchmark
def test_500_letters_within_target_of_bare_reportlab() -> None:
    assert report(500) <= TARGET_RATIO


if __name__ == "__main__":
    sys.exit(0 if report(int(sys.argv[1]) if len(sys.argv) > 1 else 500) <= TARGET_RATIO else 1)
