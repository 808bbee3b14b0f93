"""Bytes to text without ever raising on a bad or unknown charset."""

from __future__ import annotations

from privdesk.intake.headers import codec_for


def decode_text(
    payload: bytes | memoryview, charset: str | int | None, what: str, warnings: list[str]
) -> str:
    """Decode ``payload`` as ``charset``; fall back to UTF-8 then Windows-1252, noting each fallback.
    A memoryview (a large body in the file's bytes) is decoded where it lies, without a copy.

    ``charset`` is a MIME label or a Windows code page number. Labels that name no text encoding
    (``zlib``, ``idna``, ``undefined``...) are treated as unknown, never raised on."""
    label = charset if isinstance(charset, int) else (charset or "").strip().strip('"').lower()
    codec = codec_for(label) if label else "ascii"
    if codec is None:
        warnings.append(
            f"charset '{_printable(str(label))}' of {what} not recognised; decoded as UTF-8 with replacement"
        )
        try:
            return str(payload, "utf-8")
        except UnicodeDecodeError:
            return str(payload, "utf-8", errors="replace")
    try:
        return str(payload, codec)
    except Exception:
        pass
    # Declared ASCII or Latin text that is really UTF-8 is common; so is UTF-8 that is really Windows-1252.
    try:
        text = str(payload, "utf-8")
        if codec not in {"ascii", "utf-8"}:
            warnings.append(f"{what} was not valid {codec}; decoded as UTF-8")
        return text
    except UnicodeDecodeError:
        pass
    if codec in {"ascii", "utf-8"}:
        warnings.append(f"{what} was not valid {codec}; decoded as Windows-1252")
        return str(payload, "cp1252", errors="replace")
    warnings.append(f"{what} was not valid {codec}; decoded with replacement characters")
    try:
        return str(payload, codec, errors="replace")
    except Exception:
        return str(payload, "cp1252", errors="replace")


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:40]
