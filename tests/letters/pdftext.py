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
