"""Showing text that came from outside (names, subjects, file names) without letting it deceive.

A name may carry control characters (a terminal escape, a NUL) or bidirectional overrides such as
U+202E, which make ``invoice_exe.pdf`` look like ``invoice_fdp.exe`` or reorder a reference. The
stored text stays exactly as received (it is evidence); only its display form is neutralised: each
such character is shown as a visible ``⟨U+XXXX⟩`` marker, so an officer sees that something was there.
"""

from __future__ import annotations

import unicodedata

# Bidirectional embedding, override and isolate controls, and the implicit direction marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u200e\u200f\u061c"  # LRM RLM ALM
)
MAX_DISPLAY_LENGTH = 10_000


def _marker(char: str) -> str:
    return f"⟨U+{ord(char):04X}⟩"


def is_unsafe(char: str) -> bool:
    """Control (Cc), format (Cf: bidi controls, zero-width characters), surrogate, private or unassigned."""
    return char in BIDI_CONTROLS or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def display_safe(text: str, *, keep_newlines: bool = False, limit: int = MAX_DISPLAY_LENGTH) -> str:
    """The text as it may be shown in a list, a title or a terminal line."""
    out: list[str] = []
    for char in text[:limit]:
        if keep_newlines and char == "\n":
            out.append(char)
        elif char in "\t\r\n":
            out.append(" ")
        elif is_unsafe(char):
            out.append(_marker(char))
        else:
            out.append(char)
    if len(text) > limit:
        out.append("…")
    return "".join(out)


def has_unsafe_characters(text: str) -> bool:
    return any(is_unsafe(c) for c in text if c not in "\t\r\n")
