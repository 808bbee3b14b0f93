"""Identity verification (Cal. Code Regs. tit. 11 §§7060-7062): is the requestor who they say?

The thresholds (how many data points, whether a signed declaration is needed) come from the rule
files and are passed in; this module only applies them to what was asked, received and matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.domain.types import RequestType, VerificationLevel
from privdesk.domain.workflow import NO_VERIFICATION_TYPES

VerificationStatus = Literal["verified", "unverifiable", "pending"]
# The result stored on a check that holds what a caller gave to be identified (a case made from a call),
# before the officer compares it with the records.
PREFILLED = "prefilled"
VERIFICATION_METHODS: frozenset[str] = frozenset(
    {"data_points", "account", "declaration", "verification_service", "in_person"}
)
_DENY_WITH_NOTICE_TYPES = frozenset({RequestType.DELETE, RequestType.CORRECT, RequestType.KNOW_CATEGORIES})


@dataclass(frozen=True)
class DataPointCheck:
    """One piece of information compared with what the organization already holds."""

    name: str
    asked: bool
    received: bool
    matched: bool | None  # None: received but not yet compared
    # A correction is verified with data that is not being corrected (§7060(h)).
    being_corrected: bool = False


@dataclass(frozen=True)
class VerificationRecord:
    level_required: VerificationLevel
    method: str = "data_points"
    checks: Sequence[DataPointCheck] = field(default_factory=tuple)
    declaration_received: bool = False  # signed under penalty of perjury
    account_reauthenticated: bool = False

    def __post_init__(self) -> None:
        if self.method not in VERIFICATION_METHODS:
            raise ValidationError(f"unknown verification method {self.method!r}")
        object.__setattr__(self, "checks", tuple(self.checks))


@dataclass(frozen=True)
class VerificationOutcome:
    result: VerificationStatus
    reasons: tuple[str, ...]
    effective_type: RequestType | None  # the type to answer as; differs after re-evaluation
    # May be denied, telling the requestor that the identity could not be verified.
    deny_with_notice: bool = False
    # The denial letter asks whether the consumer wants to opt out of sale/sharing (LEGAL decision 7).
    offer_opt_out: bool = False


def verification_required(request_type: RequestType, level: VerificationLevel | None = None) -> bool:
    """False for opt-out and limit requests (never), and wherever the rule's level is NONE."""
    if request_type in NO_VERIFICATION_TYPES:
        return False
    return level is not VerificationLevel.NONE


def ensure_verification_allowed(request_type: RequestType, level: VerificationLevel | None = None) -> None:
    """Raise :class:`TransitionRefused` where asking for identity proof is not allowed."""
    if not verification_required(request_type, level):
        raise TransitionRefused(
            f"{request_type.label}: identity verification may not be required for this request "
            "(Cal. Code Regs. tit. 11 §§7026, 7027, 7060)"
        )


def evaluate(
    record: VerificationRecord,
    min_data_points: int,
    declaration_required: bool,
    *,
    request_type: RequestType | None = None,
    sells_or_shares: bool = False,
    final: bool = False,
) -> VerificationOutcome:
    """Judge the verification so far.

    ``final`` says that nothing more will come (the requestor stopped answering or the response is
    due): what is still pending is then unverifiable.
    """
    if min_data_points < 0:
        raise ValidationError("the minimum number of data points cannot be negative")
    if record.level_required is VerificationLevel.NONE or (
        request_type is not None and request_type in NO_VERIFICATION_TYPES
    ):
        label = request_type.label if request_type else "This request"
        raise TransitionRefused(f"{label}: identity verification may not be required for this request")

    result, reasons = _judge(record, min_data_points, declaration_required)
    if result == "pending" and final:
        result = "unverifiable"
        reasons.append("no further proof is expected")
    return _consequences(result, reasons, request_type, sells_or_shares)


def _judge(
    record: VerificationRecord, min_data_points: int, declaration_required: bool
) -> tuple[VerificationStatus, list[str]]:
    reasons: list[str] = []
    if record.level_required is VerificationLevel.ACCOUNT or record.method == "account":
        # A logged-in requestor must re-authenticate before disclosure, deletion or correction (§7061).
        if record.account_reauthenticated:
            return "verified", ["re-authenticated through the existing account"]
        return "pending", ["the account holder has not re-authenticated yet"]

    usable = [check for check in record.checks if not check.being_corrected]
    ignored = [check.name for check in record.checks if check.being_corrected and check.received]
    if ignored:
        reasons.append("not counted because they are being corrected: " + ", ".join(ignored))
    mismatched = [check.name for check in usable if check.received and check.matched is False]
    matched = [check.name for check in usable if check.received and check.matched]
    unchecked = [check.name for check in usable if check.received and check.matched is None]
    outstanding = [check.name for check in usable if check.asked and not check.received]

    if mismatched:
        reasons.append("did not match our records: " + ", ".join(mismatched))
        return "unverifiable", reasons
    reasons.append(f"{len(matched)} data points matched ({min_data_points} required)")
    declaration_missing = declaration_required and not record.declaration_received
    if declaration_missing:
        reasons.append("the signed declaration under penalty of perjury has not been received")
    if len(matched) >= min_data_points and not declaration_missing:
        return "verified", reasons
    if unchecked:
        reasons.append("still to be compared: " + ", ".join(unchecked))
    if outstanding:
        reasons.append("asked for and not yet received: " + ", ".join(outstanding))
    could_still_pass = len(matched) + len(unchecked) + len(outstanding) >= min_data_points
    if could_still_pass:
        return "pending", reasons
    reasons.append("too few data points to verify the identity")
    return "unverifiable", reasons


def _consequences(
    result: VerificationStatus,
    reasons: list[str],
    request_type: RequestType | None,
    sells_or_shares: bool,
) -> VerificationOutcome:
    if result != "unverifiable" or request_type is None:
        return VerificationOutcome(result, tuple(reasons), request_type)
    if request_type is RequestType.KNOW_SPECIFIC:
        reasons.append(
            "specific pieces will not be disclosed; answered as a request to know categories (§7024(a))"
        )
        return VerificationOutcome(result, tuple(reasons), RequestType.KNOW_CATEGORIES)
    deny = request_type in _DENY_WITH_NOTICE_TYPES
    offer = request_type is RequestType.DELETE and sells_or_shares
    if deny:
        reasons.append("may be denied, telling the requestor that the identity cannot be verified")
    if offer:
        reasons.append(
            "ask whether the consumer wants to opt out of the sale or sharing of their information"
        )
    return VerificationOutcome(
        result, tuple(reasons), request_type, deny_with_notice=deny, offer_opt_out=offer
    )
