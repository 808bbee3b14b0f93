"""Frequency and free-request limits, driven by the ``[[limits]]`` tables of the rule files.

Given a new request and the same consumer's earlier requests (identity already matched), say which
limits the new one reaches: Shine the Light once per calendar year per organization, California's
two know requests per 12 months, each state's free-request allowance. The result is advice with its
basis; nothing is refused here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from privdesk.domain.calendar import add_months
from privdesk.domain.rules import (
    LimitCounts,
    LimitEffect,
    LimitRule,
    LimitWindow,
    Rulebook,
    RuleWarning,
    parse_request_type,
)
from privdesk.domain.types import Outcome, RequestType

# Requests that were not answered with information do not use up an allowance.
NOT_COUNTED_OUTCOMES = frozenset({Outcome.DENIED, Outcome.NOT_APPLICABLE, Outcome.REDIRECTED})


@dataclass(frozen=True)
class NewRequest:
    organization: str  # organization slug
    request_type: RequestType | str
    received: date
    jurisdiction: str


@dataclass(frozen=True)
class EarlierRequest:
    reference: str
    organization: str
    request_type: RequestType | str
    received: date
    responded: date | None = None
    outcome: Outcome | str | None = None


def check_limits(rulebook: Rulebook, new: NewRequest, earlier: Sequence[EarlierRequest]) -> list[RuleWarning]:
    """Coded warnings for every limit of ``new.jurisdiction`` that ``new`` reaches."""
    request_type = parse_request_type(new.request_type)
    rule = rulebook.rule(new.jurisdiction, request_type, on=new.received)
    same_org = [e for e in earlier if e.organization == new.organization and _type_of(e) is not None]
    warnings = []
    for limit in rule.limits_on(new.received):
        matches = sorted(
            (e for e in same_org if _type_of(e) in limit.types and _counts(limit, e, new.received)),
            key=lambda e: e.responded or e.received if limit.counts is LimitCounts.ANSWERED else e.received,
        )
        if len(matches) >= limit.max_requests:
            warnings.append(_warning(limit, request_type, new, matches))
    return warnings


def _type_of(request: EarlierRequest) -> RequestType | None:
    try:
        return RequestType(request.request_type)
    except ValueError:
        return None  # a code this version does not know counts towards nothing


def _outcome_of(request: EarlierRequest) -> Outcome | None:
    try:
        return Outcome(request.outcome) if request.outcome else None
    except ValueError:
        return None


def _counts(limit: LimitRule, earlier: EarlierRequest, received: date) -> bool:
    if limit.counts is LimitCounts.ANSWERED:
        if earlier.responded is None:
            return False
        day = earlier.responded
    else:
        if _outcome_of(earlier) in NOT_COUNTED_OUTCOMES:
            return False
        day = earlier.received
    if day > received:
        return False
    if limit.window is LimitWindow.CALENDAR_YEAR:
        return day.year == received.year
    # "within 12 months": later than the same date twelve months before the new request.
    return day > add_months(received, -12)


def _warning(
    limit: LimitRule, request_type: RequestType, new: NewRequest, matches: list[EarlierRequest]
) -> RuleWarning:
    first = matches[0]
    refs = ", ".join(e.reference for e in matches)
    if limit.counts is LimitCounts.ANSWERED:
        answered = first.responded or first.received
        message = (
            f"{request_type.label}: already answered for this consumer in {new.received.year} "
            f"(case {first.reference}, answered {answered.isoformat()}); the law requires only one "
            "response per calendar year, so this request may be answered by pointing to that response."
        )
        return RuleWarning(limit.code, message, str(limit.basis), first.reference, answered)
    window = "this calendar year" if limit.window is LimitWindow.CALENDAR_YEAR else "the last 12 months"
    if limit.effect is LimitEffect.FEE_MAY_BE_CHARGED:
        consequence = (
            f"the free allowance is {limit.max_requests} per period, so a reasonable fee may be charged "
            "(or the request declined if manifestly unfounded or excessive, with reasons)"
        )
    else:
        consequence = (
            f"the law requires answering at most {limit.max_requests} per period, so this one need not be "
            "answered; "
            "tell the consumer why"
        )
    message = (
        f"{request_type.label}: {len(matches)} earlier request(s) to {new.organization} in {window} "
        f"({refs}); {consequence}."
    )
    return RuleWarning(limit.code, message, str(limit.basis), first.reference, first.received)
