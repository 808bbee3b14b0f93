"""What a letter says, as plain data: the service layer fills these, ``privdesk.letters`` prints them.

Everything here is immutable. Sequences are stored as tuples (lists passed in are converted), so a
``LetterData`` can be handed to a worker thread and rendered without anyone changing it underneath.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from privdesk.domain.errors import ValidationError
from privdesk.domain.types import DenialReason, Outcome, RequestType, VerificationLevel

PageSize = Literal["letter", "a4"]


class LetterKind(StrEnum):
    """The purposes a letter can serve; each has a bundled template ``resources/letters/<kind>.j2``."""

    ACKNOWLEDGEMENT = "acknowledgement"
    VERIFICATION_REQUEST = "verification_request"
    AGENT_AUTHORIZATION_REQUEST = "agent_authorization_request"
    EXTENSION_NOTICE = "extension_notice"
    KNOW_CATEGORIES_RESPONSE = "know_categories_response"
    KNOW_SPECIFIC_RESPONSE = "know_specific_response"
    DELETION_DONE = "deletion_done"
    DELETION_DENIED = "deletion_denied"
    CORRECTION_DONE = "correction_done"
    CORRECTION_DENIED = "correction_denied"
    OPT_OUT_CONFIRMED = "opt_out_confirmed"
    LIMIT_CONFIRMED = "limit_confirmed"
    UNVERIFIABLE = "unverifiable"
    FREQUENCY_LIMIT = "frequency_limit"
    STL_RESPONSE = "stl_response"
    STL_ALREADY_ANSWERED = "stl_already_answered"
    SERVICE_PROVIDER_REDIRECT = "service_provider_redirect"
    SERVICE_PROVIDER_NOTICE = "service_provider_notice"
    MINOR_REMOVAL_DONE = "minor_removal_done"
    KNOW_DENIED = "know_denied"  # §7024(e): a request to know denied in whole or in part
    OPT_OUT_DENIED = "opt_out_denied"  # §§7026-7027: an opt-out or limit request denied as fraudulent
    APPEAL_DECISION = "appeal_decision"  # a state appeal decided, with reasons and the complaint route
    STL_ALTERNATIVE = "stl_alternative"  # Civ. Code 1798.83(c)(2): notice of the free opt-out instead
    DELETION_NOTHING_HELD = "deletion_nothing_held"  # delete answered "not applicable"
    REQUEST_DENIED = "request_denied"  # a refusal of a type with no refusal letter of its own
    ADMT_ACCESS_RESPONSE = "admt_access_response"  # §7222: purpose, logic and outcome of ADMT use
    ADMT_OPT_OUT_CONFIRMED = "admt_opt_out_confirmed"  # §7221: the ADMT opt-out honored
    COMPLAINT_ACKNOWLEDGEMENT = "complaint_acknowledgement"  # UK DPA 2018 s.164A(3): within 30 days
    COMPLAINT_OUTCOME = "complaint_outcome"  # UK DPA 2018 s.164A(4)(b): the outcome, in the officer's words


class JurisdictionFamily(StrEnum):
    """Groups of jurisdictions whose letters share wording (appeal and complaint rights differ)."""

    CCPA = "ccpa"  # California CCPA/CPRA: no statutory appeal, none may be invented
    US_STATE_WITH_APPEAL = "us_state_with_appeal"  # VA, CO, CT, TX, OR, FL ...: appeal with days
    US_STATE = "us_state"  # a US state law without an appeal process (e.g. Utah)
    GDPR = "gdpr"  # EU: complaint to a supervisory authority, judicial remedy
    UK_GDPR = "uk_gdpr"  # UK: complaint to the ICO
    STL = "stl"  # California Shine the Light (Civ. Code 1798.83)


def _tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, str):  # a bare string would otherwise become a tuple of characters
        return (value,)
    return tuple(value)


class _Frozen:
    """Converts list-valued fields to tuples after construction so frozen instances stay immutable."""

    _TUPLE_FIELDS: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in self._TUPLE_FIELDS:
            object.__setattr__(self, name, _tuple(getattr(self, name)))


@dataclass(frozen=True)
class PostalAddress(_Frozen):
    """A name and the lines under it, as printed in the envelope window (no blank lines)."""

    name: str
    lines: tuple[str, ...] = ()

    _TUPLE_FIELDS = ("lines",)

    def all_lines(self) -> tuple[str, ...]:
        return tuple(line for line in (self.name, *self.lines) if line.strip())


@dataclass(frozen=True)
class Letterhead(_Frozen):
    """The organization that sends the letter, and who signs it."""

    org_name: str
    legal_name: str = ""
    address_lines: tuple[str, ...] = ()
    email: str = ""
    phone: str = ""
    logo_path: str | None = None
    signatory_name: str = ""
    signatory_title: str = ""
    page_size: PageSize = "letter"
    website: str = ""

    _TUPLE_FIELDS = ("address_lines",)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.page_size not in ("letter", "a4"):
            raise ValidationError(f"page size must be 'letter' or 'a4', not {self.page_size!r}")


@dataclass(frozen=True)
class DisclosureRow(_Frozen):
    """One category of personal information: where it came from, why it is used, who received it."""

    category: str
    sources: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()

    _TUPLE_FIELDS = ("sources", "purposes", "recipients")


@dataclass(frozen=True)
class StlRecipient(_Frozen):
    """A third party that received personal information for its own direct marketing (Shine the Light)."""

    name: str
    address: str
    nature_of_business: str = ""
    categories: tuple[str, ...] = ()

    _TUPLE_FIELDS = ("categories",)


@dataclass(frozen=True)
class KeptData:
    """Information not deleted or corrected, and the reason it was kept."""

    what: str
    why: str


@dataclass(frozen=True)
class LetterItem(_Frozen):
    """One right exercised in the case, as the letter reports it."""

    request_type: RequestType
    label: str = ""  # defaults to the request type's label
    acknowledge_by: date | None = None
    respond_by: date | None = None
    extension_notice_by: date | None = None
    extended_respond_by: date | None = None  # set only when the item was extended
    outcome: Outcome | None = None
    reasons: tuple[DenialReason, ...] = ()  # coded reasons, printed in plain words
    reason_text: str = ""  # the officer's own explanation, printed after the coded reasons
    kept: tuple[KeptData, ...] = ()
    details: str = ""  # e.g. what was corrected, what was removed
    processed_on: date | None = None  # an opt-out or limit request: the day it was carried out

    _TUPLE_FIELDS = ("reasons", "kept")

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "request_type", RequestType(self.request_type))
        object.__setattr__(self, "reasons", tuple(DenialReason(r) for r in self.reasons))
        if self.outcome is not None:
            object.__setattr__(self, "outcome", Outcome(self.outcome))
        if not self.label:
            object.__setattr__(self, "label", self.request_type.label)


@dataclass(frozen=True)
class LetterData(_Frozen):
    """Everything one letter needs. Only ``kind`` to ``letterhead`` are required; the rest depends on kind.

    ``LETTER_KINDS[kind].needs`` (in ``privdesk.letters``) names the optional fields a kind uses.
    """

    kind: str  # a LetterKind value
    jurisdiction: str  # e.g. "US-CA", "EU", "GB"
    jurisdiction_family: str  # a JurisdictionFamily value
    reference: str  # the case reference, e.g. PD-2026-000123
    letter_date: date
    recipient: PostalAddress
    letterhead: Letterhead
    return_address: PostalAddress | None = None  # defaults to the letterhead's name and address
    consumer_name: str = ""  # defaults to the recipient's name
    salutation: str = ""  # defaults to "Dear <recipient name>,"
    received_date: date | None = None
    items: tuple[LetterItem, ...] = ()
    # verification and agents
    verification_level: VerificationLevel | None = None
    data_points_requested: tuple[str, ...] = ()
    verify_by: date | None = None
    # every request that needed an identity check has its result (verified or unverifiable): a request
    # for verification would no longer be true
    identity_decided: bool = False
    agent_name: str = ""
    # extension
    extension_reason: str = ""
    new_due_date: date | None = None
    # right to know
    disclosures: tuple[DisclosureRow, ...] = ()
    sold_shared: tuple[DisclosureRow, ...] = ()
    sells_or_shares: bool = False
    opt_out_how: str = ""  # how to opt out (link or instructions); shown where the org sells/shares
    # Shine the Light
    stl_year: int | None = None
    stl_recipients: tuple[StlRecipient, ...] = ()
    stl_categories: tuple[str, ...] = ()
    stl_alternative_policy: bool = (
        False  # the organization honours a Shine-the-Light opt-out (§1798.83(c)(2))
    )
    earlier_answer_date: date | None = None
    earlier_reference: str = ""
    # enclosures listed under the signature
    enclosures: tuple[str, ...] = ()
    # service provider redirect: the business the request belongs to
    business_name: str = ""
    business_address: PostalAddress | None = None
    # appeal (US states) and complaint (GDPR) rights
    appeal_days: int | None = None
    appeal_contact: str = ""
    complaint_authority: str = ""  # defaults by family (ICO, an EU supervisory authority)
    complaint_route: str = ""  # a state appeal denied: how to complain to the Attorney General
    appeal_decision_days: int | None = None  # how long the business has to decide an appeal
    appeal_outcome: str = ""  # appeal decision: "granted", "partly_granted" or "denied"
    appealed_reference: str = ""  # appeal decision: the case whose answer was appealed
    # facts about the organization and the consumer the wording depends on
    sells: bool = False  # sells personal information
    shares: bool = False  # shares it for cross-context behavioral advertising
    opted_out: bool = False  # this consumer's opt-out of sale/sharing is on record
    health_data: bool = False  # a correction denial about health data (§7023(i) statement)
    look_back_from: date | None = None  # right to know: the earliest date the answer covers
    look_back_asked: bool = False  # the consumer asked for that period (past the usual 12 months)
    email_only: bool = False  # no postal address: the letter goes by email
    extra: Mapping[str, str] = field(default_factory=dict)  # free fields for edited templates

    _TUPLE_FIELDS = (
        "items",
        "data_points_requested",
        "disclosures",
        "sold_shared",
        "stl_recipients",
        "stl_categories",
        "enclosures",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))
        if self.verification_level is not None:
            object.__setattr__(self, "verification_level", VerificationLevel(self.verification_level))
        try:
            LetterKind(self.kind)
        except ValueError:
            raise ValidationError(f"unknown letter kind {self.kind!r}") from None
        try:
            JurisdictionFamily(self.jurisdiction_family)
        except ValueError:
            raise ValidationError(f"unknown jurisdiction family {self.jurisdiction_family!r}") from None
        if not self.reference.strip():
            raise ValidationError("a letter needs the case reference")

    @property
    def sender_address(self) -> PostalAddress:
        """The return address printed in the envelope's upper window."""
        if self.return_address is not None:
            return self.return_address
        return PostalAddress(self.letterhead.org_name, self.letterhead.address_lines)

    @property
    def addressee_name(self) -> str:
        return self.consumer_name or self.recipient.name

    def __hash__(self) -> int:  # ``extra`` is a mapping; identity is the reference and kind
        return hash((self.reference, self.kind, self.letter_date))


def text_fields(value: object, path: str = "") -> list[tuple[str, str]]:
    """Every string inside a letter's data with a readable path (``recipient.lines[1]``), for checks."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        found.append((path, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found.extend(text_fields(item, f"{path}[{key!r}]"))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            found.extend(text_fields(item, f"{path}[{index}]"))
    elif hasattr(value, "__dataclass_fields__"):
        for f in fields(value):  # type: ignore[arg-type]
            if f.name == "logo_path":
                continue  # a file path, never printed
            prefix = f"{path}." if path else ""
            found.extend(text_fields(getattr(value, f.name), prefix + f.name))
    return found
