"""The identity check a phone call starts: when the officer noted details the caller gave to be
identified (the call note's "Given to verify"), those details, the caller's name and the number they
called from are prefilled as data points asked and received on the call, not yet compared with the
records (the officer ticks what matched when recording the check)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from privdesk.domain.matching import normalize_phone
from privdesk.domain.types import strictest_level
from privdesk.domain.verification import PREFILLED
from privdesk.services import audit
from privdesk.services.context import ServiceContext
from privdesk.store.models import Case, Verification


def call_data_points(name: str, number: str, given: Sequence[str]) -> list[str]:
    """The data points of a call as the check lists them: the name the caller gave, the number they
    called from, then each detail the officer typed, once each."""
    number = (normalize_phone(number) or number.strip()) if number.strip() else ""
    points = [
        f"Full name: {name.strip()}" if name.strip() else "",
        f"Phone: {number}" if number else "",
    ]
    points += [g.strip() for g in given]
    return list(dict.fromkeys(p for p in points if p))


def prefill_call_check(
    s: Session, ctx: ServiceContext, case: Case, points: Sequence[str], intake_item: int | None
) -> None:
    """Add the prefilled check to ``case`` (in the caller's transaction), audited without the details."""
    if not points:
        return
    s.add(
        Verification(
            case_id=case.id,
            level_required=strictest_level([i.verification_level for i in case.items]),
            method="data_points",
            checks=[
                {"name": p, "asked": True, "received": True, "matched": None, "being_corrected": False}
                for p in points
            ],
            result=PREFILLED,
        )
    )
    s.flush()
    audit.record(
        s,
        ctx,
        "case.verification_prefilled",
        "case",
        case.reference,
        case_reference=case.reference,
        after={
            "source": "call_note" if intake_item is not None else "phone_case",
            "intake_item": intake_item,
            "data_points": len(points),
        },
    )
