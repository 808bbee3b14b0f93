"""Codes shared by every layer. The string values are part of the contract (DESIGN.md §4, §7)."""

from __future__ import annotations

from enum import StrEnum


class RequestType(StrEnum):
    KNOW_CATEGORIES = "know_categories"
    KNOW_SPECIFIC = "know_specific"
    DELETE = "delete"
    CORRECT = "correct"
    OPT_OUT_SALE_SHARE = "opt_out_sale_share"
    LIMIT_SENSITIVE = "limit_sensitive"
    PORTABILITY = "portability"
    APPEAL = "appeal"
    SHINE_THE_LIGHT = "shine_the_light"
    MINOR_REMOVAL = "minor_removal"
    # California automated decision-making technology (Cal. Code Regs. tit. 11 §§7220-7222, from 2027)
    ADMT_ACCESS = "admt_access"
    ADMT_OPT_OUT = "admt_opt_out"
    # A complaint to the controller about its handling of personal data (UK DPA 2018 s.164A)
    COMPLAINT = "complaint"

    @property
    def label(self) -> str:
        return _REQUEST_LABELS[self]


_REQUEST_LABELS = {
    RequestType.KNOW_CATEGORIES: "Right to know (categories)",
    RequestType.KNOW_SPECIFIC: "Right to know (specific pieces)",
    RequestType.DELETE: "Deletion",
    RequestType.CORRECT: "Correction",
    RequestType.OPT_OUT_SALE_SHARE: "Opt-out of sale/sharing",
    RequestType.LIMIT_SENSITIVE: "Limit sensitive data",
    RequestType.PORTABILITY: "Portability",
    RequestType.APPEAL: "Appeal",
    RequestType.SHINE_THE_LIGHT: "Shine the Light",
    RequestType.MINOR_REMOVAL: "Minor's content removal",
    RequestType.ADMT_ACCESS: "Automated decisions: access",
    RequestType.ADMT_OPT_OUT: "Automated decisions: opt-out",
    RequestType.COMPLAINT: "Complaint",
}


class Channel(StrEnum):
    MAIL = "mail"
    EMAIL = "email"
    PHONE = "phone"
    WEB = "web"
    FAX = "fax"
    IN_PERSON = "in_person"


class ItemStatus(StrEnum):
    """Status of a request item; a case's status is derived from its items."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_VERIFICATION = "awaiting_verification"
    AWAITING_AUTHORIZATION = "awaiting_authorization"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    RESPONDED = "responded"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


OPEN_STATUSES = frozenset(
    {
        ItemStatus.RECEIVED,
        ItemStatus.ACKNOWLEDGED,
        ItemStatus.AWAITING_VERIFICATION,
        ItemStatus.AWAITING_AUTHORIZATION,
        ItemStatus.IN_PROGRESS,
        ItemStatus.EXTENDED,
    }
)


class Outcome(StrEnum):
    FULFILLED = "fulfilled"
    PARTLY_FULFILLED = "partly_fulfilled"
    DENIED = "denied"
    NOT_APPLICABLE = "not_applicable"
    REDIRECTED = "redirected"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.FULFILLED: "Fulfilled",
    Outcome.PARTLY_FULFILLED: "Partly fulfilled",
    Outcome.DENIED: "Denied",
    Outcome.NOT_APPLICABLE: "Not applicable (nothing held)",
    Outcome.REDIRECTED: "Redirected to the business",
}


class DenialReason(StrEnum):
    UNVERIFIABLE = "unverifiable"
    NOT_A_CONSUMER = "not_a_consumer"
    EXEMPTION_GLBA = "exemption_glba"
    EXEMPTION_HIPAA_CMIA = "exemption_hipaa_cmia"
    EXEMPTION_FCRA = "exemption_fcra"
    LEGAL_OBLIGATION = "legal_obligation"
    FREQUENCY_LIMIT = "frequency_limit"
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    FRAUD = "fraud"
    AGENT_NOT_AUTHORIZED = "agent_not_authorized"  # agent without signed permission (§§7026(j), 7063(a))
    OTHER = "other"


class VerificationLevel(StrEnum):
    NONE = "none"  # opt-out and limit: verification must not be demanded
    REASONABLE = "reasonable"  # e.g. two data points matched
    REASONABLY_HIGH = "reasonably_high"  # e.g. three data points and a signed declaration
    ACCOUNT = "account"  # re-authentication through an existing account

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        """Higher asks more of the consumer: none < reasonable < account < reasonably high."""
        return LEVEL_ORDER.index(self)


LEVEL_ORDER = (
    VerificationLevel.NONE,
    VerificationLevel.REASONABLE,
    VerificationLevel.ACCOUNT,
    VerificationLevel.REASONABLY_HIGH,
)
_LEVEL_LABELS = {
    VerificationLevel.NONE: "None needed",
    VerificationLevel.REASONABLE: "Reasonable degree of certainty",
    VerificationLevel.REASONABLY_HIGH: "Reasonably high degree of certainty",
    VerificationLevel.ACCOUNT: "Through the consumer's account",
}


def label_of(code: str | None, kind: type[ItemStatus] | type[Outcome] | type[VerificationLevel]) -> str:
    """The words for a stored code ("fulfilled" -> "Fulfilled"); an unknown code is shown as it is."""
    if not code:
        return ""
    try:
        return kind(code).label
    except ValueError:
        return code


def strictest_level(codes: list[str | None]) -> str:
    """The verification level that satisfies every request of a case (the highest rank)."""
    known = [VerificationLevel(c) for c in codes if c in {v.value for v in VerificationLevel}]
    return max(known, key=lambda lv: lv.rank).value if known else VerificationLevel.REASONABLE.value


class Role(StrEnum):
    OFFICER = "officer"
    REVIEWER = "reviewer"
    ADMINISTRATOR = "administrator"


class LetterStatus(StrEnum):
    QUEUED = "queued"  # the workflow asked for it; not rendered yet
    GENERATED = "generated"
    PRINTED = "printed"
    SENT = "sent"
    RETURNED = "returned"
    VOID = "void"
