"""Header text to Unicode, shared by the .eml and .msg readers.

Decodes what real mail carries, at least as well as Python's ``email`` package with
``policy=email.policy.default`` and better where mail is broken:

- raw UTF-8 in headers (RFC 6532) is read as UTF-8, and other raw 8-bit bytes as Windows-1252,
  never as one replacement character per byte;
- RFC 2047 encoded words are joined before decoding when they share a charset, so a multibyte
  character split across two words survives; a raw 8-bit byte inside a word is kept as a byte;
- charset labels Python does not know (``iso-8859-8-i``, ``unknown-8bit``, ``none``, Outlook code
  page numbers) are mapped to a codec or decoded as UTF-8 and then Windows-1252;
- nothing here raises on bad input.
"""

from __future__ import annotations

import binascii
import codecs
import email.utils
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import Message

from privdesk.intake.filenames import clean_display_name

# Headers kept for detection (newsletters, auto-replies) and display.
KEPT_HEADERS = (
    "list-unsubscribe",
    "list-id",
    "precedence",
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "x-original-to",
    "delivered-to",
    "x-mailer",
    "content-language",
    "in-reply-to",
    "references",
)

# Labels seen in real mail that Python's codec registry does not know, or knows too narrowly.
_CHARSET_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "iso-8859-1": "cp1252",  # as every mail client reads it: 0x80-0x9f are Windows punctuation
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
# Outlook's PR_INTERNET_CPID and Windows code page numbers without a Python codec of that name.
_CODE_PAGES = {
    1200: "utf-16-le",
    1201: "utf-16-be",
    20127: "ascii",
    20866: "koi8-r",
    21866: "koi8-u",
    28591: "cp1252",
    28592: "iso-8859-2",
    28593: "iso-8859-3",
    28594: "iso-8859-4",
    28595: "iso-8859-5",
    28596: "iso-8859-6",
    28597: "iso-8859-7",
    28598: "iso-8859-8",
    28599: "iso-8859-9",
    28603: "iso-8859-13",
    28605: "iso-8859-15",
    38598: "iso-8859-8",
    50220: "iso2022_jp_ext",
    50221: "iso2022_jp_ext",
    50222: "iso2022_jp_ext",
    50225: "iso2022_kr",
    51932: "euc_jp",
    51936: "gb18030",
    51949: "euc_kr",
    52936: "hz",
    54936: "gb18030",
    65000: "utf-7",
    65001: "utf-8",
    10000: "mac_roman",
}
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?]*?)\?=")
_SPACE_ONLY = re.compile(r"[ \t\r\n]*")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def codec_for(label: str | int | None) -> str | None:
    """A Python text codec for a MIME charset label or Windows code page number; None when unknown."""
    if label is None or label == "":
        return None
    if isinstance(label, int):
        name = _CODE_PAGES.get(label, f"cp{label}")
    else:
        name = label.strip().strip("\"'").split("*", 1)[0].lower()
        name = _CHARSET_ALIASES.get(name, name)
        if name.startswith(("cp", "windows-")) and name.rpartition("-")[2].removeprefix("cp").isdigit():
            number = int(name.rpartition("-")[2].removeprefix("cp"))
            name = _CODE_PAGES.get(number, f"cp{number}")
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    # zlib, base64, rot13 and the like are codecs too, but not text encodings.
    if not getattr(info, "_is_text_encoding", True) or info.name in {"idna", "punycode", "undefined"}:
        return None
    return info.name


def decode_bytes(data: bytes, label: str | int | None) -> tuple[str, bool]:
    """(text, clean): ``data`` as ``label``, else UTF-8, else Windows-1252; ``clean`` is False when
    the declared charset did not fit. Never raises."""
    codec = codec_for(label)
    if codec is not None:
        try:
            return data.decode(codec), True
        except Exception:
            pass
        if codec.startswith("iso2022_jp"):
            return _iso2022jp_as_euc(data), False
    try:
        return data.decode("utf-8"), codec in (None, "ascii")
    except UnicodeDecodeError:
        pass
    if codec is not None and codec not in ("ascii", "utf-8"):
        try:
            return data.decode(codec, errors="replace"), False
        except Exception:
            pass
    return data.decode("cp1252", errors="replace"), False


_JIS_ESCAPE = re.compile(rb"\x1b(\$[@B]|\$\(D|\([BJ]|\(I)")


def _iso2022jp_as_euc(data: bytes) -> str:
    """ISO-2022-JP carrying vendor characters (NEC row 13: "№", circled numbers) that Python's
    strict codecs refuse: the JIS segments are shifted to EUC and read as EUC-JIS-2004."""
    out = bytearray()
    mode = b"(B"
    position = 0
    for match in [*_JIS_ESCAPE.finditer(data), None]:
        end = match.start() if match else len(data)
        segment = data[position:end]
        if mode.startswith(b"$"):
            out += bytes(byte | 0x80 if 0x21 <= byte <= 0x7E else byte for byte in segment)
        elif mode == b"(I":
            for byte in segment:
                out += bytes([0x8E, byte | 0x80]) if 0x21 <= byte <= 0x5F else bytes([byte])
        else:
            out += segment
        if match:
            mode = match.group(1)
            position = match.end()
    return bytes(out).decode("euc_jis_2004", errors="replace")


def repair_raw(text: str) -> str:
    """Raw 8-bit header bytes (carried by the parser as surrogate escapes) as UTF-8 or Windows-1252."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    raw = payload.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw.replace(b"_", b" "))
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned)
    except (binascii.Error, ValueError):
        return None


def decode_header_value(value: object) -> str:
    """Decode one header's text (encoded words, raw 8-bit bytes); never raises."""
    text = value if isinstance(value, str) else str(value)
    if "=?" not in text:
        return repair_raw(text)
    pieces: list[str] = []
    pending_label = ""
    pending = b""
    position = 0

    def flush() -> None:
        nonlocal pending, pending_label
        if pending_label:
            pieces.append(decode_bytes(pending, pending_label)[0])
        pending, pending_label = b"", ""

    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        decoded = _word_bytes(match.group(2), match.group(3))
        if decoded is None:
            continue  # left as written: the literal text is kept below
        if between and not (pending_label and _SPACE_ONLY.fullmatch(between)):
            flush()
            pieces.append(repair_raw(between))
        label = match.group(1).split("*", 1)[0].lower()
        if pending_label and label != pending_label:
            flush()
        pending_label = label
        pending += decoded
        position = match.end()
    flush()
    pieces.append(repair_raw(text[position:]))
    return "".join(pieces)


def one_line(text: str) -> str:
    return clean_display_name(" ".join(text.split()))


def raw_values(msg: Message, name: str) -> list[str]:
    """Every value of header ``name`` as stored by the parser (unfolded, not yet decoded)."""
    lowered = name.lower()
    try:
        items = msg.raw_items()
        return ["".join(str(v).splitlines()) for k, v in items if k.lower() == lowered]
    except Exception:
        return []


def header(msg: Message, name: str) -> str:
    """The first value of a header, decoded to one clean line ("" when absent)."""
    values = raw_values(msg, name)
    return one_line(decode_header_value(values[0])) if values else ""


def _address_pairs(values: Iterable[str], name: str, warnings: list[str]) -> list[tuple[str, str]]:
    # Decode encoded words in display names only after splitting, so a decoded comma cannot split one.
    try:
        pairs = email.utils.getaddresses([repair_raw(v) for v in values])
    except Exception:
        warnings.append(f"the {name} header could not be read as addresses")
        return []
    return [
        (one_line(decode_header_value(n)), decode_header_value(a).strip()) for n, a in pairs if a and "@" in a
    ]


def addresses(msg: Message, name: str, warnings: list[str]) -> list[str]:
    return [address for _, address in _address_pairs(raw_values(msg, name), name, warnings)]


def first_address(msg: Message, name: str, warnings: list[str]) -> tuple[str, str]:
    values = raw_values(msg, name)
    pairs = _address_pairs(values, name, warnings)
    if pairs:
        return pairs[0]
    if values and values[0].strip():
        warnings.append(f"the {name} header has no valid address")
        return one_line(decode_header_value(values[0])), ""
    return "", ""


def kept_headers(msg: Message) -> dict[str, str]:
    found = {}
    for name in KEPT_HEADERS:
        value = header(msg, name)
        if value:
            found[name] = value
    return found


def parse_date(raw: str) -> datetime | None:
    """An aware datetime from an RFC 5322 date; an unknown zone ("-0000") is taken as UTC."""
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def date(msg: Message, warnings: list[str]) -> datetime | None:
    raw = header(msg, "date")
    if not raw:
        warnings.append("the email has no Date header")
        return None
    parsed = parse_date(raw)
    if parsed is None:
        warnings.append(f"the Date header '{raw[:60]}' could not be read")
    return parsed
