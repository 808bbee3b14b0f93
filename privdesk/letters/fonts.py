"""Embedded fonts: registered once per process, and a check that every character has a glyph.

ReportLab prints a missing glyph as an empty box without complaint, so letters are checked before
rendering and refused (``UnprintableTextError``) rather than mailed with holes in a name.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from privdesk.domain.errors import DomainError
from privdesk.letters.resources import fonts_dir

REGULAR = "PrivdeskSans"
BOLD = "PrivdeskSans-Bold"
ITALIC = "PrivdeskSans-Oblique"
BOLD_ITALIC = "PrivdeskSans-BoldOblique"

_FACES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

# Characters that never need a glyph: line breaks and tabs are layout, not ink.
_LAYOUT_CHARACTERS = frozenset("\n\r\t")

_lock = threading.Lock()


class UnprintableTextError(DomainError):
    """Text with characters the letter fonts cannot print; ``problems`` maps field -> characters."""

    def __init__(self, problems: dict[str, set[str]]) -> None:
        self.problems = problems
        parts = []
        for field_name, chars in problems.items():
            shown = ", ".join(
                f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in sorted(chars)
            )
            parts.append(f"{field_name}: {shown}")
        super().__init__("the letter fonts cannot print these characters; " + "; ".join(parts))


def register_fonts() -> None:
    """Register the DejaVu faces and their family (so <b> and <i> work). Safe to call many times."""
    with _lock:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        folder = fonts_dir()
        for name, filename in _FACES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )


@cache
def printable_codepoints() -> frozenset[int]:
    """Code points every face has a glyph for (data may be printed in any of them)."""
    register_fonts()
    covered: frozenset[int] | None = None
    for name in _FACES:
        font = pdfmetrics.getFont(name)
        codes = frozenset(font.face.charToGlyph)
        covered = codes if covered is None else covered & codes
    assert covered is not None
    return covered


def unsupported_characters(text: str) -> set[str]:
    """Characters of ``text`` (after NFC normalization) that the letter fonts have no glyph for."""
    covered = printable_codepoints()
    normalized = unicodedata.normalize("NFC", text)
    return {c for c in set(normalized) if ord(c) not in covered and c not in _LAYOUT_CHARACTERS}


def check_printable(named_texts: list[tuple[str, str]]) -> None:
    """Raise ``UnprintableTextError`` naming each field whose text cannot be printed."""
    problems: dict[str, set[str]] = {}
    for name, text in named_texts:
        if text.isascii() and text.isprintable():
            continue  # DejaVu covers all printable ASCII; skips the set work for most fields
        missing = unsupported_characters(text)
        if missing:
            problems.setdefault(name, set()).update(missing)
    if problems:
        raise UnprintableTextError(problems)
