"""Deadlines as an iCalendar file (RFC 5545) that calendar programs import or subscribe to.

Each event carries the case reference and the step only ("PD-2026-000046: Respond: Deletion"): no name,
address or other personal data leaves privdesk in a calendar, which is often synced to a phone or a
cloud service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODUCT = "-//privdesk//deadlines//EN"


@dataclass(frozen=True)
class DeadlineEvent:
    reference: str
    due: dt.date
    what: str  # the step: "Respond: Deletion", "Acknowledge"; never personal data


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return [line]
    out: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def calendar_text(
    events: Iterable[DeadlineEvent], stamp: dt.datetime, name: str = "privdesk deadlines"
) -> str:
    """The whole file, CRLF line ends; all-day events on each due date."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    stamp_text = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for event in events:
        day = event.due.strftime("%Y%m%d")
        following = (event.due + dt.timedelta(days=1)).strftime("%Y%m%d")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.reference}-{day}@privdesk",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{day}",
            f"DTEND;VALUE=DATE:{following}",
            f"SUMMARY:{_escape(f'{event.reference}: {event.what}' if event.what else event.reference)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
