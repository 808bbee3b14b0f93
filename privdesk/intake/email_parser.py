"""RFC 5322 / MIME email to a ParsedEmail: faithful, bounded and safe.

The message structure is read by Python's ``email`` parser with a policy that unfolds header values
as ``policy=email.policy.default`` does (so a boundary folded inside its quotes still splits the
parts) but skips its header registry, which costs half a millisecond per header and nothing here
needs; header text is decoded by ``headers.py``, which reads raw UTF-8 and broken encoded words
that the package leaves damaged.
A malformed message yields warnings, never a crash; only input that is not an email at all raises
ValidationError, with the true reason.
"""

from __future__ import annotations

import binascii
import email
import email.errors
import email.parser
import email.policy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import PurePath
from typing import TypeVar

from privdesk.domain.errors import ValidationError
from privdesk.intake import headers as hd
from privdesk.intake.attachments import add_attachment, size_text
from privdesk.intake.forwards import inline_forwards
from privdesk.intake.html_text import html_to_text
from privdesk.intake.model import (
    DEFAULT_LIMITS,
    Attachment,
    ForwardedMessage,
    IntakeLimits,
    Link,
    ParsedEmail,
)
from privdesk.intake.text_decoding import decode_text

_T = TypeVar("_T")
_D = TypeVar("_D")
_MAX_PARTS = 2000
_MAX_DEPTH = 8
_FEED_CHUNK = 1024 * 1024
# Inline forwards are looked for near the top of a body; a 40 MB log pasted below is not searched.
_FORWARD_SCAN = 256 * 1024
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
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_LEADING_JUNK = re.compile(rb"^(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*")
_HEADER_END = re.compile(rb"\r?\n[ \t]*\r?\n")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # ESC (0x1b) is ISO-2022 text, not binary


def parse_email(data: bytes, filename: str = "", limits: IntakeLimits = DEFAULT_LIMITS) -> ParsedEmail:
    """Parse one email file. Raises ValidationError only when ``data`` is not an email at all."""
    label = f"'{PurePath(filename).name}'" if filename else "the file"
    if len(data) > limits.max_file_bytes:
        raise ValidationError(
            f"{label} is {size_text(len(data))}, over the {size_text(limits.max_file_bytes)} limit"
        )
    start, warnings = _check_looks_like_email(data, label)
    large = _large_single_part(data, start, label)
    msg = large[0] if large else _read_message(data, start, label)
    if not any(name.lower() in _KEY_HEADERS for name in _safe(msg.keys, [])):
        raise ValidationError(f"{label} is not an email: it has no From, To, Subject or Date header")
    return _build(msg, limits, warnings, depth=0, raw_body=large[1] if large else None)


# A body beyond this, in a message of one text part, is decoded straight from the file's bytes.
STREAM_BODY = 1024 * 1024
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def _large_single_part(data: bytes, start: int, label: str) -> tuple[Message, memoryview | bytes] | None:
    """For a large message of one text part (a request with a log or a long thread pasted below):
    its headers, read by the parser, and its body's bytes decoded from their transfer encoding
    straight from ``data``. The parser would hold the body three times over (its lines, the joined
    payload, the decoded bytes); this holds it once, and 7-bit or 8-bit text not even that (a view
    into ``data``). None when the message is anything else: the parser reads it whole."""
    end = _BLANK_LINE.search(data, start, start + 1024 * 1024)
    if end is None or len(data) - end.end() < STREAM_BODY:
        return None
    first_blank = _HEADER_END.search(data, start, end.end())
    if first_blank is None or first_blank.start() != end.start():
        return None  # a whitespace-only line first: the parser decides where the headers end
    msg = _read_message(data[: end.end()], start, label)
    ctype = _safe(msg.get_content_type, "")
    has_payload: bool = _safe(lambda: bool(msg.get_payload()), True)
    if (
        bool(msg.defects)
        or has_payload
        or ctype not in ("text/plain", "text/html")
        or _safe(msg.get_content_disposition, None) == "attachment"
    ):
        return None
    body = memoryview(data)[end.end() :]
    encoding = str(msg.get("content-transfer-encoding", "7bit")).strip().lower()
    try:
        if encoding == "base64":
            return msg, binascii.a2b_base64(body)
        if encoding == "quoted-printable":
            return msg, binascii.a2b_qp(body)
    except (binascii.Error, ValueError):
        return None  # damaged: the parser's own decoding and its warnings
    return msg, body


class _UnfoldingPolicy(email.policy.Compat32):
    """compat32, but header values come back unfolded and as plain text (raw 8-bit bytes stay
    surrogate escapes for ``headers.py``), never as ``Header`` objects that replace them."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return _FOLD.sub("", value) if "\n" in value else value


_UNFOLDING = _UnfoldingPolicy()
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n$")


def _read_message(data: bytes, start: int, label: str) -> Message:
    """Feed the parser in chunks (it keeps lines, not one more copy of the file); should the parser
    fail, try again with the default policy before refusing."""
    for policy in (_UNFOLDING, email.policy.default):
        try:
            parser = email.parser.BytesFeedParser(policy=policy)
            view = memoryview(data)
            for offset in range(start, len(data), _FEED_CHUNK):
                parser.feed(bytes(view[offset : offset + _FEED_CHUNK]))
            msg = parser.close()
            # Reading the structure once here makes a later failure in it show now, not mid-build.
            for part in msg.walk():
                part.get_content_type()
            return msg
        except Exception as exc:
            error = exc
    raise ValidationError(f"{label} could not be read as an email ({type(error).__name__})") from error


def _check_looks_like_email(data: bytes, label: str) -> tuple[int, list[str]]:
    """Where the headers start, and warnings; ValidationError with the true reason otherwise."""
    if not data or data.isspace():  # (``strip`` would copy a large file to find out)
        raise ValidationError(f"{label} is empty" if not data else f"{label} is empty (blank lines only)")
    warnings: list[str] = []
    start = _LEADING_JUNK.match(data)
    offset = start.end() if start else 0
    if offset:
        warnings.append(
            "the file starts with a byte-order mark or blank lines before the headers; they were skipped"
        )
    if data.startswith(b"From ", offset):  # mbox separator line
        newline = data.find(b"\n", offset)
        offset = len(data) if newline < 0 else newline + 1
    # Only the header block is checked for binary bytes: a binary attachment or ISO-2022 text
    # further down belongs to a valid email.
    end = _HEADER_END.search(data, offset, offset + 1024 * 1024)
    head = data[offset : end.start() if end else offset + 65536][:65536]
    if b"\x00" in head or len(_CONTROL.findall(head)) > max(8, len(head) // 20):
        raise ValidationError(f"{label} is not an email: its headers contain binary data")
    newline = data.find(b"\n", offset, offset + 4096)
    if not _HEADER_LINE.match(data[offset : newline if newline >= 0 else offset + 4096]):
        raise ValidationError(f"{label} is not an email: it does not start with email headers")
    if end is None:
        last = data[data.rfind(b"\n") + 1 :]
        if last.strip() and not _HEADER_LINE.match(last):
            raise ValidationError(f"{label} ends inside the email headers; the file looks truncated")
        warnings.append("the email has headers but no body")
    return offset, warnings


@dataclass
class _Parts:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list[ForwardedMessage] = field(default_factory=list)
    count: int = 0


def _build(
    msg: Message,
    limits: IntakeLimits,
    warnings: list[str],
    depth: int,
    raw_body: memoryview | bytes | None = None,
) -> ParsedEmail:
    """``raw_body``: the decoded bytes of a single-part message's body, read outside the parser."""
    from_name, from_address = hd.first_address(msg, "from", warnings)
    if not from_address:
        sender_name, sender_address = hd.first_address(msg, "sender", warnings)
        if sender_address:
            from_name, from_address = sender_name or from_name, sender_address
    parts = _Parts()
    body: str | None = None
    if raw_body is None:
        _walk(msg, parts, limits, warnings, depth)
    else:
        ctype = msg.get_content_type()
        text = decode_text(raw_body, _safe(msg.get_content_charset, None), f"the {ctype} body", warnings)
        del raw_body
        if ctype == "text/plain":
            # What the join and the line-end replacement below do, one copy alive at a time.
            body = text.strip("\n")
            del text
            if "\r" in body:
                body = body.replace("\r\n", "\n")
                body = body.replace("\r", "\n") if "\r" in body else body
        else:
            parts.html.append(text)
    links: list[Link] = []
    if body is not None:
        pass
    elif parts.plain:
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
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    forwarded = parts.forwarded + inline_forwards(body[:_FORWARD_SCAN])
    _note_defects(msg, warnings)
    return ParsedEmail(
        message_id=hd.header(msg, "message-id").strip(),
        from_name=from_name,
        from_address=from_address,
        to=hd.addresses(msg, "to", warnings),
        cc=hd.addresses(msg, "cc", warnings),
        reply_to=hd.addresses(msg, "reply-to", warnings),
        subject=hd.header(msg, "subject"),
        sent_at=hd.date(msg, warnings),
        body_text=body,
        attachments=parts.attachments,
        forwarded=forwarded,
        warnings=_dedupe(warnings),
        headers=hd.kept_headers(msg),
        delivered_to=hd.addresses(msg, "delivered-to", warnings)
        + hd.addresses(msg, "x-original-to", warnings),
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
    raw_name = hd.decode_header_value(_safe(part.get_filename, None) or "")
    # A text part shown inline is read even when the sender's client gave it a file name.
    if ctype in ("text/plain", "text/html") and disposition != "attachment":
        payload = _payload_bytes(part, warnings)
        charset = _safe(part.get_content_charset, None)
        text = decode_text(payload, charset, f"the {ctype} body", warnings)
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
            date_text=hd.header(inner, "date"),
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


def _payload_bytes(part: Message, warnings: list[str]) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        warnings.append("a MIME part could not be decoded and was read as is")
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = _safe(part.get_payload, None)
    return raw.encode("utf-8", errors="surrogateescape") if isinstance(raw, str) else b""


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


# --- small helpers ------------------------------------------------------------------------------------


def _safe(call: Callable[[], _T], default: _D) -> _T | _D:
    try:
        return call()
    except Exception:
        return default


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
