"""Attachments kept from an email: safe names, size limits and content sniffing."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath

from privdesk.intake.filenames import clean_display_name, sanitize_filename
from privdesk.intake.model import MB, Attachment, IntakeLimits
from privdesk.intake.sniff import CLAIMED_DOCUMENT_KIND, sniff_document


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
            f"attachment '{safe}' ({size_text(len(data))}) exceeds the "
            f"{size_text(limits.max_attachment_bytes)} limit and was not kept"
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


def size_text(count: int) -> str:
    megabytes = count / MB
    return f"{megabytes:.0f} MB" if megabytes >= 10 else f"{megabytes:.1f} MB"
