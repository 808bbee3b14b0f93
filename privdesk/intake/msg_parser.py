"""Outlook .msg (MS-OXMSG, a Compound File Binary) to a ParsedEmail, read with olefile.

olefile (BSD) is used rather than extract-msg: the few properties intake needs are simple to read
directly, and on the corpus of real .msg files (tests/intake/test_corpus.py) this reader keeps every
accented character of the Internet code pages (28591, 20866, 50220, 54936, ...) and reads Outlook
items attached inside a message (an agent forwarding the consumer's own email).
"""

from __future__ import annotations

import email
import email.policy
import io
import struct
from datetime import UTC, datetime, timedelta

import olefile

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

# MAPI property ids (MS-OXPROPS).
_SUBJECT = 0x0037
_CLIENT_SUBMIT_TIME = 0x0039
_TRANSPORT_HEADERS = 0x007D
_SENDER_NAME = 0x0C1A
_SENDER_EMAIL = 0x0C1F
_SENDER_SMTP = 0x5D01
_RECIPIENT_TYPE = 0x0C15
_DELIVERY_TIME = 0x0E06
_BODY = 0x1000
_HTML = 0x1013
_MESSAGE_ID = 0x1035
_RECIP_NAME = 0x3001
_RECIP_EMAIL = 0x3003
_RECIP_SMTP = 0x39FE
_ATTACH_DATA = 0x3701
_ATTACH_FILENAME = 0x3704
_ATTACH_LONG_FILENAME = 0x3707
_ATTACH_MIME = 0x370E
_INTERNET_CPID = 0x3FDE
_MESSAGE_CODEPAGE = 0x3FFD

_PT_LONG = 0x0003
_PT_SYSTIME = 0x0040
_PT_STRING8 = 0x001E
_PT_UNICODE = 0x001F
_PT_BINARY = 0x0102
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


class _Storage:
    """Properties of one storage (the message, a recipient or an attachment)."""

    def __init__(self, ole: olefile.OleFileIO, prefix: list[str], header_size: int) -> None:
        self._ole = ole
        self._prefix = prefix
        self.prefix = tuple(prefix)
        self.fixed: dict[int, tuple[int, bytes]] = {}
        stream = [*prefix, "__properties_version1.0"]
        if ole.exists("/".join(stream)):
            raw = ole.openstream(stream).read()
            for offset in range(header_size, len(raw) - 15, 16):
                ptype, pid, _flags, value = struct.unpack_from("<HHI8s", raw, offset)
                self.fixed[pid] = (ptype, value)

    def _stream(self, pid: int, ptype: int) -> bytes | None:
        path = [*self._prefix, f"__substg1.0_{pid:04X}{ptype:04X}"]
        if not self._ole.exists("/".join(path)):
            return None
        return bytes(self._ole.openstream(path).read())

    def text(self, pid: int, codepage: str | int = 1252) -> str:
        unicode = self._stream(pid, _PT_UNICODE)
        if unicode is not None:
            return unicode.decode("utf-16-le", errors="replace").rstrip("\x00")
        narrow = self._stream(pid, _PT_STRING8)
        if narrow is not None:
            return decode_text(narrow.rstrip(b"\x00"), codepage, "a text property", [])
        return ""

    def binary(self, pid: int) -> bytes | None:
        return self._stream(pid, _PT_BINARY)

    def long(self, pid: int) -> int | None:
        found = self.fixed.get(pid)
        if found is None or found[0] != _PT_LONG:
            return None
        return int(struct.unpack_from("<i", found[1])[0])

    def time(self, pid: int) -> datetime | None:
        found = self.fixed.get(pid)
        if found is None or found[0] != _PT_SYSTIME:
            return None
        ticks = struct.unpack_from("<Q", found[1])[0]
        try:
            return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
        except OverflowError:
            return None


def parse_msg(data: bytes, filename: str = "", limits: IntakeLimits = DEFAULT_LIMITS) -> ParsedEmail:
    """Parse an Outlook .msg file; ValidationError when it is not a readable Outlook message."""
    label = f"'{filename}'" if filename else "the file"
    if len(data) > limits.max_file_bytes:
        raise ValidationError(f"{label} is over the {size_text(limits.max_file_bytes)} limit")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        raise ValidationError(f"{label} is not a readable Outlook message ({type(exc).__name__})") from exc
    try:
        if not ole.exists("__properties_version1.0") and not ole.exists("__substg1.0_0037001F"):
            raise ValidationError(f"{label} is a compound file but not an Outlook message")
        return _read(ole, limits)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(f"{label} is a damaged Outlook message ({type(exc).__name__})") from exc
    finally:
        ole.close()


def _read(
    ole: olefile.OleFileIO, limits: IntakeLimits, prefix: list[str] | None = None, depth: int = 0
) -> ParsedEmail:
    """The message at ``prefix`` (the root, or an Outlook item embedded in an attachment)."""
    warnings: list[str] = []
    root = _Storage(ole, prefix or [], 32 if not prefix else 24)
    cpid = root.long(_INTERNET_CPID)
    # 8-bit strings are in the message's code page; older writers give only the Internet code page.
    message_cp = root.long(_MESSAGE_CODEPAGE)
    codepage: int = next((c for c in (message_cp, cpid) if c and hd.codec_for(c)), 1252)
    headers_text = root.text(_TRANSPORT_HEADERS, codepage)
    head = email.message_from_string(headers_text.strip() + "\n\n", policy=email.policy.default)

    from_name, from_address = hd.first_address(head, "from", []) if headers_text else ("", "")
    if not from_address:
        from_name = root.text(_SENDER_NAME, codepage)
        from_address = root.text(_SENDER_SMTP, codepage) or root.text(_SENDER_EMAIL, codepage)
        if "@" not in from_address:
            from_address = ""
    to, cc = _recipients(ole, prefix or [], codepage)
    if headers_text:
        to = hd.addresses(head, "to", warnings) or to
        cc = hd.addresses(head, "cc", warnings) or cc
    sent_at = root.time(_CLIENT_SUBMIT_TIME) or root.time(_DELIVERY_TIME)
    if sent_at is None and headers_text:
        sent_at = hd.parse_date(hd.header(head, "date"))

    body = root.text(_BODY, codepage)
    links: list[Link] = []
    html = root.binary(_HTML)
    if html is None:
        html_text = root.text(_HTML, codepage)
        html = html_text.encode("utf-8") if html_text else None
    if html:
        text, links = html_to_text(
            decode_text(html, 65001 if cpid in (None, 65001) else codepage, "the HTML body", [])
        )
        body = body or text
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")

    attachments: list[Attachment] = []
    forwarded: list[ForwardedMessage] = []
    for index in range(limits.max_attachments * 4):
        prefix = [*root.prefix, f"__attach_version1.0_#{index:08X}"]
        if not ole.exists("/".join(prefix)):
            break
        storage = _Storage(ole, prefix, 8)
        name = storage.text(_ATTACH_LONG_FILENAME, codepage) or storage.text(_ATTACH_FILENAME, codepage)
        content = storage.binary(_ATTACH_DATA)
        if content is None:
            embedded = [*prefix, f"__substg1.0_{_ATTACH_DATA:04X}000D"]
            if ole.exists("/".join(embedded)) and depth < 4:
                inner = _read(ole, limits, embedded, depth + 1)
                warnings.extend(f"attached message: {w}" for w in inner.warnings)
                forwarded.append(_as_forwarded(inner))
                for attachment in inner.attachments:
                    if len(attachments) < limits.max_attachments:
                        attachments.append(attachment)
            else:
                warnings.append(f"attachment '{name or index + 1}' is an embedded item that was not imported")
            continue
        mime = storage.text(_ATTACH_MIME, codepage) or "application/octet-stream"
        add_attachment(name, mime.lower(), content, attachments, limits, warnings)

    kept = hd.kept_headers(head) if headers_text else {}
    return ParsedEmail(
        message_id=(hd.header(head, "message-id") if headers_text else "")
        or root.text(_MESSAGE_ID, codepage).strip(),
        from_name=from_name,
        from_address=from_address,
        to=to,
        cc=cc,
        reply_to=hd.addresses(head, "reply-to", warnings) if headers_text else [],
        subject=root.text(_SUBJECT, codepage) or (hd.header(head, "subject") if headers_text else ""),
        sent_at=sent_at,
        body_text=body,
        attachments=attachments,
        forwarded=forwarded + inline_forwards(body[:262144]),
        warnings=list(dict.fromkeys(warnings)),
        headers=kept,
        delivered_to=(hd.addresses(head, "delivered-to", []) + hd.addresses(head, "x-original-to", []))
        if headers_text
        else [],
        links=links,
        source_format="msg",
    )


def _recipients(ole: olefile.OleFileIO, base: list[str], codepage: int) -> tuple[list[str], list[str]]:
    to: list[str] = []
    cc: list[str] = []
    for index in range(5000):
        prefix = [*base, f"__recip_version1.0_#{index:08X}"]
        if not ole.exists("/".join(prefix)):
            break
        storage = _Storage(ole, prefix, 8)
        address = storage.text(_RECIP_SMTP, codepage) or storage.text(_RECIP_EMAIL, codepage)
        if "@" not in address:
            continue
        (cc if storage.long(_RECIPIENT_TYPE) == 2 else to).append(address.strip())
    return to, cc


def _as_forwarded(inner: ParsedEmail) -> ForwardedMessage:
    return ForwardedMessage(
        source="attached",
        from_name=inner.from_name,
        from_address=inner.from_address,
        subject=inner.subject,
        date_text=inner.sent_at.isoformat() if inner.sent_at else "",
        sent_at=inner.sent_at,
        to=tuple(inner.to),
        body_text=inner.body_text,
    )
