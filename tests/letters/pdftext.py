"""Reading rendered letters back for assertions."""

from __future__ import annotations

import io
import re

import pdfplumber
from pypdf import PdfReader


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat_text(pdf: bytes) -> str:
    """All pages' text with runs of whitespace collapsed (line wrapping does not matter)."""
    return re.sub(r"\s+", " ", " ".join(page_texts(pdf)))


def words(pdf: bytes, page: int = 0) -> list[dict[str, float | str]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return list(doc.pages[page].extract_words())


def tables(pdf: bytes) -> list[list[list[str | None]]]:
    found: list[list[list[str | None]]] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            found.extend(page.extract_tables())
    return found


def whole_tables(pdf: bytes) -> list[list[list[str]]]:
    """Tables with line breaks in cells flattened, a table split across pages joined again; a part
    that continues a table must start with the repeated header row (asserted)."""
    joined: list[list[list[str]]] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages):
            for index, table in enumerate(page.extract_tables()):
                rows = [[(c or "").replace("\n", " ") for c in row] for row in table]
                continues = number > 0 and index == 0 and joined and rows[0] == joined[-1][0]
                if continues:
                    joined[-1].extend(rows[1:])
                else:
                    joined.append(rows)
    return joined
