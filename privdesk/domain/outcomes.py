"""Which outcomes each request type can have, and which letters each outcome sends.

One table decides it, so the workflow, the letters and the screens agree. The rule behind it:
**every outcome that sends a refusal letter is a denial** — it carries coded reasons and, under the
firm's rules, a reviewer's approval — and no outcome that is not a denial sends one. "Not applicable"
exists only where it has a true meaning of its own: a deletion request about someone of whom the
business holds nothing ("nothing to delete"), answered with a letter that says exactly that.

Refusals: ``deletion_denied``, ``correction_denied``, ``unverifiable``, ``frequency_limit``,
``stl_already_answered`` and ``request_denied`` (the general refusal with the reasons, for types
that have no refusal letter of their own). A partly fulfilled request to know sends its answer and
a refusal for the part withheld.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from privdesk.domain.types import DenialReason, Outcome, RequestType

__all__ = [
    "DENIAL_OUTCOMES",
    "OUTCOME_LABELS",
    "REFUSAL_LETTERS",
    "allowed_outcomes",
    "check_outcome",
    "is_denial",
    "response_letters",
]

DELETION_NOTHING_HELD = "deletion_nothing_held"
REQUEST_DENIED = "request_denied"
KNOW_DENIED = "know_denied"  # §7024(e): the basis, and what is disclosed despite the denial
OPT_OUT_DENIED = "opt_out_denied"  # §§7026-7027: only a documented fraud belief denies these
# The decision, its reasons and the complaint route; granted or denied, so not itself a refusal.
APPEAL_DECISION = "appeal_decision"

REFUSAL_LETTERS = frozenset(
    {
        "deletion_denied",
        "correction_denied",
        "unverifiable",
        "frequency_limit",
        "stl_already_answered",
        REQUEST_DENIED,
        KNOW_DENIED,
        OPT_OUT_DENIED,
    }
)
DENIAL_OUTCOMES = frozenset({Outcome.DENIED, Outcome.PARTLY_FULFILLED})

OUTCOME_LABELS = {
    Outcome.FULFILLED: "fulfilled",
    Outcome.PARTLY_FULFILLED: "partly fulfilled",
    Outcome.DENIED: "denied",
    Outcome.NOT_APPLICABLE: "not applicable (nothing held to delete)",
}

_F, _P, _D, _N = Outcome.FULFILLED, Outcome.PARTLY_FULFILLED, Outcome.DENIED, Outcome.NOT_APPLICABLE


@dataclass(frozen=True)
class _TypeRule:
    done: str | None  # the letter of a fulfilled request (None: the type sends none)
    refusal: str  # the letter of a denial that has no more specific one
    outcomes: tuple[Outcome, ...]


_RULES: dict[RequestType, _TypeRule] = {
    RequestType.KNOW_CATEGORIES: _TypeRule("know_categories_response", KNOW_DENIED, (_F, _P, _D)),
    RequestType.KNOW_SPECIFIC: _TypeRule("know_specific_response", KNOW_DENIED, (_F, _P, _D)),
    RequestType.PORTABILITY: _TypeRule("know_specific_response", KNOW_DENIED, (_F, _P, _D)),
    RequestType.DELETE: _TypeRule("deletion_done", "deletion_denied", (_F, _P, _D, _N)),
    RequestType.CORRECT: _TypeRule("correction_done", "correction_denied", (_F, _D)),
    RequestType.OPT_OUT_SALE_SHARE: _TypeRule("opt_out_confirmed", REQUEST_DENIED, (_F, _D)),
    RequestType.LIMIT_SENSITIVE: _TypeRule("limit_confirmed", REQUEST_DENIED, (_F, _D)),
    RequestType.SHINE_THE_LIGHT: _TypeRule("stl_response", REQUEST_DENIED, (_F, _D)),
    RequestType.MINOR_REMOVAL: _TypeRule("minor_removal_done", REQUEST_DENIED, (_F, _D)),
    RequestType.APPEAL: _TypeRule(APPEAL_DECISION, APPEAL_DECISION, (_F, _D)),
    RequestType.ADMT_ACCESS: _TypeRule("admt_access_response", REQUEST_DENIED, (_F, _P, _D)),
    RequestType.ADMT_OPT_OUT: _TypeRule("admt_opt_out_confirmed", REQUEST_DENIED, (_F, _D)),
    # A UK complaint is acknowledged by its own letter (``complaint_acknowledgement``); its outcome,
    # in the officer's words, goes in ``complaint_outcome`` (s.164A(4)(b)), whole or partial.
    RequestType.COMPLAINT: _TypeRule("complaint_outcome", REQUEST_DENIED, (_F, _P, _D)),
}


def allowed_outcomes(request_type: RequestType) -> tuple[Outcome, ...]:
    """The outcomes a response to this type may record (a redirect is a separate step)."""
    return _RULES[request_type].outcomes


def is_denial(outcome: Outcome) -> bool:
    return outcome in DENIAL_OUTCOMES


def check_outcome(request_type: RequestType, outcome: Outcome) -> str | None:
    """Why ``outcome`` cannot answer this type, or None when it can."""
    if outcome is Outcome.REDIRECTED:
        return None  # the service-provider redirect has its own step and letter
    allowed = allowed_outcomes(request_type)
    if outcome in allowed:
        return None
    words = ", ".join(o.value for o in allowed)
    if outcome is Outcome.NOT_APPLICABLE:
        return (
            f"'not applicable' means there was nothing to delete; a {request_type.label} request is "
            f"answered {words} (a refusal is 'denied' with its coded reasons)"
        )
    return f"a {request_type.label} request is answered {words}, not {outcome.value}"


def response_letters(
    request_type: RequestType, outcome: Outcome | None, reasons: Iterable[DenialReason] = ()
) -> tuple[str, ...]:
    """The letters a recorded response sends, in order. ``request_type`` is the type the item is
    handled as (an unverifiable specific-pieces request is answered as one for categories)."""
    if outcome is None:
        return ()
    if outcome is Outcome.REDIRECTED:
        return ("service_provider_redirect",)
    rule = _RULES[request_type]
    codes = set(reasons)
    if outcome is Outcome.FULFILLED:
        return (rule.done,) if rule.done else ()
    if outcome is Outcome.NOT_APPLICABLE:
        return (DELETION_NOTHING_HELD,) if request_type is RequestType.DELETE else ()
    if outcome is Outcome.PARTLY_FULFILLED:
        if request_type is RequestType.COMPLAINT:
            return (rule.done,) if rule.done else ()  # the outcome letter says what was and was not upheld
        if request_type in (RequestType.DELETE, RequestType.CORRECT):
            return (rule.refusal,)  # its letter says what was done and why the rest was not
        refusal = "unverifiable" if DenialReason.UNVERIFIABLE in codes else rule.refusal
        return tuple(k for k in (rule.done, refusal) if k)
    # denied
    if DenialReason.FREQUENCY_LIMIT in codes:
        return ("stl_already_answered" if request_type is RequestType.SHINE_THE_LIGHT else "frequency_limit",)
    if DenialReason.UNVERIFIABLE in codes and request_type is not RequestType.DELETE:
        return ("unverifiable",)
    if request_type in (
        RequestType.OPT_OUT_SALE_SHARE,
        RequestType.LIMIT_SENSITIVE,
        RequestType.ADMT_OPT_OUT,
    ) and codes == {DenialReason.FRAUD}:
        return (OPT_OUT_DENIED,)
    return (rule.refusal,)
