"""Any intake file to a ParsedEmail: .eml or .msg recognised by content, and email files attached
inside it (an agent forwarding the consumer's own message as an attachment) read as forwarded messages
whose text takes part in detection."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from privdesk.domain.errors import ValidationError
from privdesk.intake.attachments import size_text
from privdesk.intake.email_parser import parse_email
from privdesk.intake.model import DEFAULT_LIMITS, Attachment, ForwardedMessage, IntakeLimits, ParsedEmail
from privdesk.intake.msg_parser import parse_msg
from privdesk.intake.sniff import is_msg, sniff_document

_MAX_NESTED = 3
_MESSAGE_TYPES = {"message/rfc822", "application/vnd.ms-outlook", "application/x-outlook-msg"}


def parse_bytes(
    data: bytes, filename: str = "", limits: IntakeLimits = DEFAULT_LIMITS, depth: int = 0
) -> ParsedEmail:
    """An .eml or .msg by content; ValidationError with a one-line reason when it is neither."""
    label = f"'{filename}'" if filename else "the file"
    if is_msg(data):
        parsed = parse_msg(data, filename, limits)
    else:
        document = sniff_document(data)
        if document is not None:
            raise ValidationError(
                f"{label} is a {document.upper()} file, not an email; add it to a case as a document"
            )
        parsed = parse_email(data, filename, limits)
        if filename.lower().endswith(".msg"):
            parsed.warnings.append(f"{label} is named .msg but contains a plain email; read as .eml")
    return _with_attached_messages(parsed, limits, depth)


def parse_intake_file(path: Path, limits: IntakeLimits = DEFAULT_LIMITS) -> ParsedEmail:
    """Read an .eml or .msg file, recognised by its content rather than its extension."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ValidationError(
                f"'{path.name}' is {size_text(size)}, over the {size_text(limits.max_file_bytes)} limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"'{path.name}' cannot be read: {exc.strerror or type(exc).__name__}") from exc
    return parse_bytes(data, path.name, limits)


def _is_message_file(attachment: Attachment) -> bool:
    name = attachment.filename.lower()
    return (
        attachment.content_type in _MESSAGE_TYPES
        or name.endswith((".eml", ".msg"))
        or (is_msg(attachment.data) and not name.endswith((".doc", ".xls", ".ppt")))
    )


def _with_attached_messages(parsed: ParsedEmail, limits: IntakeLimits, depth: int) -> ParsedEmail:
    found: list[ForwardedMessage] = []
    warnings = list(parsed.warnings)
    for attachment in parsed.attachments:
        if depth >= _MAX_NESTED or not _is_message_file(attachment):
            continue
        try:
            inner = parse_bytes(attachment.data, attachment.filename, limits, depth + 1)
        except ValidationError:
            warnings.append(f"attached message '{attachment.original_filename}' could not be read")
            continue
        found.append(
            ForwardedMessage(
                source="attached",
                from_name=inner.from_name,
                from_address=inner.from_address,
                subject=inner.subject,
                date_text=inner.sent_at.isoformat() if inner.sent_at else "",
                sent_at=inner.sent_at,
                to=tuple(inner.to),
                body_text=inner.body_text,
            )
        )
        found.extend(inner.forwarded)
    if not found:
        return parsed
    return dataclasses.replace(parsed, forwarded=[*parsed.forwarded, *found], warnings=warnings)
