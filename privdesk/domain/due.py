"""What a case's next deadline is for, and how far away it is, in words for the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from privdesk.domain.types import OPEN_STATUSES, RequestType

OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class ItemClock:
    """The dates of one request that can make the case's next deadline."""

    request_type: str
    status: str
    acknowledge_by: dt.date | None
    acknowledged_on: dt.date | None
    respond_by: dt.date | None
    extended_respond_by: dt.date | None
    extended_on: dt.date | None


def _type_name(code: str) -> str:
    try:
        return RequestType(code).label
    except ValueError:
        return code


def due_next(items: list[ItemClock], due: dt.date | None, case_status: str) -> str:
    """The step the date ``due`` belongs to: "Acknowledge", "Respond: Deletion", "Verify identity, then
    respond", or "" when nothing is due."""
    if due is None:
        return ""
    acknowledge = [
        i for i in items if i.status in OPEN_VALUES and i.acknowledged_on is None and i.acknowledge_by == due
    ]
    if acknowledge:
        return "Acknowledge"
    responding = [
        i
        for i in items
        if i.status in OPEN_VALUES
        and (i.extended_respond_by if i.extended_on is not None else i.respond_by) == due
    ]
    if not responding:
        return "Next step"
    names = ", ".join(dict.fromkeys(_type_name(i.request_type) for i in responding))
    if case_status == "awaiting_verification":
        return f"Verify, then respond: {names}"
    return f"Respond: {names}"


def age_words(received: dt.date, today: dt.date) -> str:
    """How long something has waited: "today", "3 days", "5 weeks", "22 months"."""
    days = (today - received).days
    if days <= 0:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"{days // 7} weeks"
    months = round(days / 30.44)
    return f"{months} months"
