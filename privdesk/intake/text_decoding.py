"""Bytes to text without ever raising on a bad or unknown charset."""

from __future__ import annotations

import codecs


def decode_text(payload: bytes, charset: str | None, what: str, warnings: list[str]) -> str:
    """Decode ``payload`` as ``charset``; fall back to UTF-8 then Windows-1252, noting each fallback."""
    label = (charset or "").strip().strip('"').lower()
    if label:
        try:
            codec = codecs.lookup(label).name
        except (LookupError, ValueError):
            warnings.append(
                f"charset '{_printable(label)}' of {what} not recognised; decoded as UTF-8 with replacement"
            )
            return payload.decode("utf-8", errors="replace")
    else:
        codec = "ascii"
    try:
        return payload.decode(codec)
    except (UnicodeDecodeError, LookupError):
        pass
    # Declared ASCII or Latin text that is really UTF-8 is common; so is UTF-8 that is really Windows-1252.
    try:
        text = payload.decode("utf-8")
        if codec not in {"ascii", "utf-8"}:
            warnings.append(f"{what} was not valid {codec}; decoded as UTF-8")
        return text
    except UnicodeDecodeError:
        pass
    if codec in {"ascii", "utf-8"}:
        warnings.append(f"{what} was not valid {codec}; decoded as Windows-1252")
        return payload.decode("cp1252", errors="replace")
    warnings.append(f"{what} was not valid {codec}; decoded with replacement characters")
    return payload.decode(codec, errors="replace")


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:40]
