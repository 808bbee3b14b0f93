"""Data that leaves the intake package: limits, parsed emails, attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MB = 1024 * 1024


@dataclass(frozen=True)
class IntakeLimits:
    """Sizes beyond which a file or an attachment is refused (bytes)."""

    max_file_bytes: int = 50 * MB
    max_attachment_bytes: int = 25 * MB
    max_attachments: int = 50


DEFAULT_LIMITS = IntakeLimits()


@dataclass(frozen=True)
class Attachment:
    """A file carried by an email: ``filename`` is safe on disk, ``original_filename`` is for display."""

    filename: str
    original_filename: str
    content_type: str
    data: bytes = field(repr=False)
    size: int
    sha256: str
    sniffed_type: str | None = None  # "pdf", "png", "jpeg", "tiff" or None when the content is none of them


@dataclass(frozen=True)
class ForwardedMessage:
    """A message carried inside another: an attached message/rfc822 part or an inline forwarded block."""

    source: str  # "attached" or "inline"
    from_name: str
    from_address: str
    subject: str
    date_text: str
    sent_at: datetime | None
    to: tuple[str, ...] = ()
    body_text: str = ""


@dataclass(frozen=True)
class Link:
    """A hyperlink found in an HTML body: the text a reader sees and where it really points."""

    text: str
    href: str


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    from_name: str
    from_address: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    subject: str
    sent_at: datetime | None
    body_text: str
    attachments: list[Attachment]
    forwarded: list[ForwardedMessage]
    warnings: list[str]
    headers: dict[str, str] = field(
        default_factory=dict
    )  # selected headers detection needs (lower-case names)
    delivered_to: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    source_format: str = "eml"  # "eml" or "msg"
