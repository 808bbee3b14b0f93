"""Fold text for matching while remembering where each folded character came from."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_STRAIGHTEN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u00a0": " ",
}


@dataclass(frozen=True)
class FoldedText:
    original: str
    folded: str
    origin: tuple[int, ...]  # origin[i] = index in ``original`` of folded[i]

    def excerpt(self, start: int, end: int) -> str:
        """The original words behind folded[start:end], on one line."""
        if start >= end:
            return ""
        text = self.original[self.origin[start] : self.origin[end - 1] + 1]
        return " ".join(text.split())


def _fold_char(char: str) -> str:
    char = _STRAIGHTEN.get(char, char)
    if char.isascii():
        return char.lower()
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    lowered = base.lower()
    return lowered if len(lowered) == 1 else char.lower()[:1] or char


def fold(text: str) -> FoldedText:
    chars: list[str] = []
    origin: list[int] = []
    in_space = True  # also trims leading space
    for index, char in enumerate(text):
        if char.isspace():
            if not in_space:
                chars.append(" ")
                origin.append(index)
            in_space = True
            continue
        in_space = False
        chars.append(_fold_char(char))
        origin.append(index)
    return FoldedText(text, "".join(chars), tuple(origin))
