"""Make attachment names safe to store while keeping what the sender wrote for display."""

from __future__ import annotations

import unicodedata

_MAX_NAME_CHARS = 150
# Characters Windows refuses in names, besides the path separators handled separately.
_RESERVED = set('<>:"|?*')
_WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def _is_invisible(char: str) -> bool:
    # Cc: control characters; Cf: format characters, which include the bidi overrides (U+202E)
    # used to make "evil\u202efdp.exe" display as "evilexe.pdf".
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


def clean_display_name(name: str) -> str:
    """The sender's name with invisible and control characters removed (still may contain a path)."""
    return "".join(ch for ch in name if not _is_invisible(ch)).strip()


def sanitize_filename(name: str, fallback: str = "attachment") -> str:
    """Basename only, no separators, no ``..``, no control or bidi characters, bounded length."""
    cleaned = clean_display_name(name).replace("\\", "/")
    base = cleaned.rsplit("/", 1)[-1]
    base = "".join("_" if ch in _RESERVED else ch for ch in base)
    base = base.strip(" .")  # leading dots hide files; trailing dots and spaces vanish on Windows
    while ".." in base:
        base = base.replace("..", ".")
    if not base:
        return fallback
    stem, dot, ext = base.rpartition(".")
    if (stem if dot else base).upper() in _WINDOWS_DEVICES:
        base = "_" + base
    if len(base) > _MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        if dot and len(ext) <= 10:
            base = stem[: _MAX_NAME_CHARS - len(ext) - 1] + "." + ext
        else:
            base = base[:_MAX_NAME_CHARS]
    return base
