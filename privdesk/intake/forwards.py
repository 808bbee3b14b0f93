"""Forwarded messages written into a body ("---------- Forwarded message ---------" and the like)."""

from __future__ import annotations

import email.utils
import re

from privdesk.intake.headers import parse_date
from privdesk.intake.model import ForwardedMessage

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
