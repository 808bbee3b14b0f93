"""RFC 5322 / MIME email to a ParsedEmail: faithful, bounded and safe.

Every header and part is read defensively: a malformed message yields warnings, never a crash;
only input that is not an email at all raises ValidationError.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import email.utils
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path, PurePath
from typing import TypeVar

from privdesk.domain.errors import ValidationError
from privdesk.intake.filenames import clean_display_name, sanitize_filename
from privdesk.intake.html_text import html_to_text
from privdesk.intake.model import (
    DEFAULT_LIMITS,
    MB,
    Attachment,
    ForwardedMessage,
    IntakeLimits,
    Link,
    ParsedEmail,
)
from privdesk.intake.sniff import CLAIMED_DOCUMENT_KIND, sniff_document
from privdesk.intake.text_decoding import decode_text

_T = TypeVar("_T")
_D = TypeVar("_D")
_MAX_PARTS = 2000
_MAX_DEPTH = 8
_KEY_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "delivered-to",
    "sender",
}
# Headers kept for detection (newsletters, auto-replies) and display.
_KEPT_HEADERS = (
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
)
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")


def parse_email(data: bytes, filename: str = "", limits: IntakeLimits = DEFAULT_LIMITS) -> ParsedEmail:
    """Parse one email file. Raises ValidationError only when ``data`` is not an email at all."""
    label = f"'{PurePath(filename).name}'" if filename else "the file"
    if len(data) > limits.max_file_bytes:
        raise ValidationError(f"{label} is {_size(len(data))}, over the {_size(limits.max_file_bytes)} limit")
    warnings = _check_looks_like_email(data, label)
    try:
        # compat32 with our own header decoding: several times faster than the header registry, and lenient.
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as exc:
        raise ValidationError(f"{label} could not be read as an email ({type(exc).__name__})") from exc
    if not any(name.lower() in _KEY_HEADERS for name in msg):
        raise ValidationError(f"{label} is not an email: it has no From, To, Subject or Date header")
    return _build(msg, limits, warnings, depth=0)


def parse_intake_file(path: Path, limits: IntakeLimits = DEFAULT_LIMITS) -> ParsedEmail:
    """Read an .eml or .msg file, recognised by its content rather than its extension."""
    from privdesk.intake.msg_parser import parse_msg
    from privdesk.intake.sniff import is_msg

    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ValidationError(
                f"'{path.name}' is {_size(size)}, over the {_size(limits.max_file_bytes)} limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"'{path.name}' cannot be read: {exc.strerror or type(exc).__name__}") from exc
    if is_msg(data):
        return parse_msg(data, path.name, limits)
    document = sniff_document(data)
    if document is not None:
        raise ValidationError(
            f"'{path.name}' is a {document.upper()} file, not an email; add it to a case as a document"
        )
    parsed = parse_email(data, path.name, limits)
    if path.suffix.lower() == ".msg":
        parsed.warnings.append(f"'{path.name}' is named .msg but contains a plain email; read as .eml")
    return parsed


def _check_looks_like_email(data: bytes, label: str) -> list[str]:
    if not data.strip():
        raise ValidationError(f"{label} is empty")
    head = data[:4096]
    if b"\x00" in head or sum(1 for b in head if b < 9 or 13 < b < 32) > len(head) // 20:
        raise ValidationError(f"{label} is not an email: it contains binary data where headers should be")
    lines = data.lstrip(b"\r\n").split(b"\n", 200)
    first = lines[0]
    if first.startswith(b"From "):  # mbox separator line
        lines = lines[1:]
        first = lines[0] if lines else b""
    if not _HEADER_LINE.match(first):
        raise ValidationError(f"{label} is not an email: it does not start with email headers")
    if re.search(rb"\r?\n\r?\n", data) is None:
        if not data.endswith(b"\n"):
            raise ValidationError(f"{label} ends inside the email headers; the file looks truncated")
        return ["the email has headers but no body"]
    return []


@dataclass
class _Parts:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list[ForwardedMessage] = field(default_factory=list)
    count: int = 0


def _build(msg: Message, limits: IntakeLimits, warnings: list[str], depth: int) -> ParsedEmail:
    from_name, from_address = _first_address(msg, "from", warnings)
    if not from_address:
        from_name, from_address = _first_address(msg, "sender", warnings)
    parts = _Parts()
    _walk(msg, parts, limits, warnings, depth)
    links: list[Link] = []
    if parts.plain:
        body = "\n\n".join(p.strip("\n") for p in parts.plain)
    else:
        texts = []
        for html in parts.html:
            text, found = html_to_text(html)
            texts.append(text)
            links.extend(found)
        body = "\n\n".join(texts)
    for html in parts.html if parts.plain else ():
        links.extend(html_to_text(html)[1])  # links for phishing checks even when plain text is shown
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    forwarded = parts.forwarded + inline_forwards(body)
    _note_defects(msg, warnings)
    headers = {}
    for name in _KEPT_HEADERS:
        value = _header(msg, name)
        if value:
            headers[name] = value
    return ParsedEmail(
        message_id=_header(msg, "message-id").strip(),
        from_name=from_name,
        from_address=from_address,
        to=_addresses(msg, "to", warnings),
        cc=_addresses(msg, "cc", warnings),
        reply_to=_addresses(msg, "reply-to", warnings),
        subject=_header(msg, "subject"),
        sent_at=_date(msg, warnings),
        body_text=body,
        attachments=parts.attachments,
        forwarded=forwarded,
        warnings=_dedupe(warnings),
        headers=headers,
        delivered_to=_addresses(msg, "delivered-to", warnings) + _addresses(msg, "x-original-to", warnings),
        links=links,
    )


def _walk(part: Message, parts: _Parts, limits: IntakeLimits, warnings: list[str], depth: int) -> None:
    parts.count += 1
    if parts.count > _MAX_PARTS:
        if parts.count == _MAX_PARTS + 1:
            warnings.append(f"the email has more than {_MAX_PARTS} MIME parts; the rest were ignored")
        return
    ctype = _safe(part.get_content_type, "text/plain")
    if ctype == "message/rfc822":
        _forwarded_part(part, parts, limits, warnings, depth)
        return
    if part.is_multipart():
        if depth >= _MAX_DEPTH:
            warnings.append("MIME parts nested too deeply; the innermost were ignored")
            return
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else ():
            if isinstance(sub, Message):
                _walk(sub, parts, limits, warnings, depth + 1)
        return
    disposition = _safe(part.get_content_disposition, None)
    raw_name = decode_header_value(_safe(part.get_filename, None) or "")
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not raw_name:
        payload = _payload_bytes(part, warnings)
        text = decode_text(payload, _safe(part.get_content_charset, None), f"the {ctype} body", warnings)
        (parts.plain if ctype == "text/plain" else parts.html).append(text)
        return
    _attachment(part, ctype, raw_name, parts, limits, warnings)


def _forwarded_part(
    part: Message, parts: _Parts, limits: IntakeLimits, warnings: list[str], depth: int
) -> None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message) or depth >= _MAX_DEPTH:
        warnings.append("an attached message could not be read")
        return
    inner_warnings: list[str] = []
    parsed = _build(inner, limits, inner_warnings, depth + 1)
    warnings.extend(f"attached message: {w}" for w in inner_warnings)
    parts.forwarded.append(
        ForwardedMessage(
            source="attached",
            from_name=parsed.from_name,
            from_address=parsed.from_address,
            subject=parsed.subject,
            date_text=_header(inner, "date"),
            sent_at=parsed.sent_at,
            to=tuple(parsed.to),
            body_text=parsed.body_text,
        )
    )
    for attachment in parsed.attachments:
        if len(parts.attachments) < limits.max_attachments:
            parts.attachments.append(attachment)


def _attachment(
    part: Message, ctype: str, raw_name: str, parts: _Parts, limits: IntakeLimits, warnings: list[str]
) -> None:
    add_attachment(raw_name, ctype, _payload_bytes(part, warnings), parts.attachments, limits, warnings)


def add_attachment(
    raw_name: str, ctype: str, data: bytes, kept: list[Attachment], limits: IntakeLimits, warnings: list[str]
) -> None:
    """Append an attachment to ``kept`` unless a limit refuses it; note renames, refusals and fake types."""
    display = clean_display_name(raw_name) or f"unnamed {ctype} part"
    safe = sanitize_filename(raw_name, fallback=f"attachment-{len(kept) + 1}")
    if raw_name and safe != raw_name:
        if re.search(r"[/\\]|\.\.", raw_name):
            warnings.append(f"attachment name '{display}' contained a path; stored as '{safe}'")
        else:
            warnings.append(f"attachment name '{display}' contained unsafe characters; stored as '{safe}'")
    if len(data) > limits.max_attachment_bytes:
        warnings.append(
            f"attachment '{safe}' ({_size(len(data))}) exceeds the "
            f"{_size(limits.max_attachment_bytes)} limit and was not kept"
        )
        return
    if len(kept) >= limits.max_attachments:
        warnings.append(f"attachment '{safe}' was not kept: more than {limits.max_attachments} attachments")
        return
    sniffed = sniff_document(data)
    claimed = CLAIMED_DOCUMENT_KIND.get(ctype) or CLAIMED_DOCUMENT_KIND.get(PurePath(safe).suffix.lower())
    if claimed and sniffed != claimed:
        actual = f"a {sniffed.upper()}" if sniffed else "not a recognised document or image"
        warnings.append(f"attachment '{safe}' claims to be {claimed.upper()} but its content is {actual}")
    kept.append(
        Attachment(
            filename=safe,
            original_filename=display,
            content_type=ctype,
            data=data,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            sniffed_type=sniffed,
        )
    )


def _payload_bytes(part: Message, warnings: list[str]) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        warnings.append("a MIME part could not be decoded and was read as is")
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""


# --- headers -----------------------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    return "" if value is None else _one_line(decode_header_value(value))


def decode_header_value(value: object) -> str:
    """Decode RFC 2047 encoded words; undecodable bytes become replacement characters, never errors."""
    if isinstance(value, email.header.Header):
        text = _safe(lambda: str(value), "")
    else:
        raw = str(value)
        text = raw
        if "=?" in raw:
            text = _safe(lambda: str(email.header.make_header(email.header.decode_header(raw))), raw)
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # raw 8-bit bytes carried as surrogates
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text


def _header_values(msg: Message, name: str) -> list[str]:
    try:
        found = msg.get_all(name) or []
    except Exception:
        return []
    return [" ".join(str(v).split()) for v in found]


def _one_line(text: str) -> str:
    return clean_display_name(" ".join(text.split()))


def _parse_addresses(values: list[str], name: str, warnings: list[str]) -> list[tuple[str, str]]:
    try:
        pairs = email.utils.getaddresses(values)
    except Exception:
        warnings.append(f"the {name} header could not be read as addresses")
        return []
    return [
        (_one_line(decode_header_value(n)), decode_header_value(a).strip())
        for n, a in pairs
        if a and "@" in a
    ]


def _addresses(msg: Message, name: str, warnings: list[str]) -> list[str]:
    return [address for _, address in _parse_addresses(_header_values(msg, name), name, warnings)]


def _first_address(msg: Message, name: str, warnings: list[str]) -> tuple[str, str]:
    values = _header_values(msg, name)
    pairs = _parse_addresses(values, name, warnings)
    if pairs:
        return pairs[0]
    if values and values[0]:
        warnings.append(f"the {name} header has no valid address")
        return _one_line(decode_header_value(values[0])), ""
    return "", ""


def _date(msg: Message, warnings: list[str]) -> datetime | None:
    raw = _header(msg, "date")
    if not raw:
        warnings.append("the email has no Date header")
        return None
    parsed = parse_date(raw)
    if parsed is None:
        warnings.append(f"the Date header '{raw[:60]}' could not be read")
    return parsed


def parse_date(raw: str) -> datetime | None:
    """An aware datetime from an RFC 5322 date; an unknown zone ("-0000") is taken as UTC."""
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_DEFECT_WARNINGS = {
    "CloseBoundaryNotFoundDefect": "the email seems truncated: a MIME part is not closed",
    "StartBoundaryNotFoundDefect": "a multipart section has no start boundary; the email may be truncated",
    "MultipartInvariantViolationDefect": "a multipart section has no parts",
    "InvalidBase64PaddingDefect": "base64 data is truncated or badly padded",
    "InvalidBase64CharactersDefect": "base64 data contains invalid characters",
    "InvalidBase64LengthDefect": "base64 data has an invalid length; the email may be truncated",
    "MissingHeaderBodySeparatorDefect": "a line in the headers is not a header; it was read as body text",
    "NoBoundaryInMultipartDefect": "a multipart section declares no boundary",
}


def _note_defects(msg: Message, warnings: list[str]) -> None:
    for part in _safe(msg.walk, iter(())) or ():
        for defect in getattr(part, "defects", ()):
            text = _DEFECT_WARNINGS.get(type(defect).__name__)
            if text:
                warnings.append(text)


# --- inline forwards ----------------------------------------------------------------------------------

_FORWARD_MARKER = re.compile(
    r"^[ >]*(?:-{2,}\s*(?:forwarded message|original message|mensaje reenviado|mensaje original)"
    r"\s*-{2,}|begin forwarded message:|inicio del mensaje reenviado:)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_FIELD = re.compile(
    r"^[ >]*(from|de|date|sent|fecha|enviado|subject|asunto|to|para|cc)\s*:\s*(.*)$", re.I
)
_FIELD_KEYS = {
    "from": "from",
    "de": "from",
    "date": "date",
    "sent": "date",
    "fecha": "date",
    "enviado": "date",
    "subject": "subject",
    "asunto": "subject",
    "to": "to",
    "para": "to",
    "cc": "cc",
}


def inline_forwards(body: str) -> list[ForwardedMessage]:
    """Forwarded blocks written into a body ("---------- Forwarded message ---------" and the like)."""
    found = []
    markers = list(_FORWARD_MARKER.finditer(body))
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(body)
        lines = body[marker.end() : end].lstrip("\n").split("\n")
        fields: dict[str, str] = {}
        consumed = 0
        for line in lines:
            match = _FORWARD_FIELD.match(line)
            if match:
                fields.setdefault(_FIELD_KEYS[match.group(1).lower()], match.group(2).strip())
                consumed += 1
            elif line.strip(" >") == "" and not fields:
                consumed += 1
            else:
                break
        if not fields:
            continue
        pairs = email.utils.getaddresses([fields.get("from", "")])
        name, address = pairs[0] if pairs else ("", "")
        date_text = fields.get("date", "")
        found.append(
            ForwardedMessage(
                source="inline",
                from_name=name,
                from_address=address if "@" in address else "",
                subject=fields.get("subject", ""),
                date_text=date_text,
                sent_at=parse_date(date_text) if date_text else None,
                to=tuple(a for _, a in email.utils.getaddresses([fields.get("to", "")]) if "@" in a),
                body_text="\n".join(lines[consumed:]).strip(),
            )
        )
    return found


# --- small helpers ------------------------------------------------------------------------------------


def _safe(call: Callable[[], _T], default: _D) -> _T | _D:
    try:
        return call()
    except Exception:
        return default


def _size(count: int) -> str:
    megabytes = count / MB
    return f"{megabytes:.0f} MB" if megabytes >= 10 else f"{megabytes:.1f} MB"


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
