"""Message-IDs: how a reply names the messages it answers (RFC 5322 In-Reply-To and References)."""

from __future__ import annotations

import re

_ID = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_BARE = re.compile(r"[^<>\s]+@[^<>\s]+")
MAX_LENGTH = 500
# A long thread's References header lists every message before; the newest are at its end.
MAX_REFERENCES = 20


def normalize_message_id(text: str) -> str | None:
    """``<left@right>`` from a Message-ID typed with or without its angle brackets, else None."""
    value = text.strip()
    bracketed = _ID.fullmatch(value)
    if bracketed is not None:
        found = f"<{bracketed.group(1)}>"
    elif _BARE.fullmatch(value):
        found = f"<{value}>"
    else:
        return None
    return found if len(found) <= MAX_LENGTH else None


def _ids(text: str) -> list[str]:
    return [f"<{m.group(1)}>" for m in _ID.finditer(text or "")]


def thread_ids(in_reply_to: str, references: str) -> list[str]:
    """The Message-IDs a reply answers, nearest first: In-Reply-To, then References from its end."""
    found: list[str] = []
    for message_id in [*_ids(in_reply_to)[:3], *reversed(_ids(references)[-MAX_REFERENCES:])]:
        if message_id not in found and len(message_id) <= MAX_LENGTH:
            found.append(message_id)
    return found
