"""The rule model: what a rule file says, as frozen values (``rules_loader`` reads the files into it).

Every value carries its ``Basis`` (citation and LEGAL.md confidence tag). Rules are effective-dated:
a jurisdiction, a version of a request type and a limit each apply from ``effective.start`` to
``effective.end`` (both inclusive, either open), and the engine (``rules.Rulebook``) applies the rules
in force on the day a request was received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from privdesk.domain.calendar import HolidaySpec
from privdesk.domain.types import Channel, RequestType, VerificationLevel

TAGS = ("C", "S", "U")
# "know" is how LEGAL.md and GDPR speak of access; it maps to the specific-pieces code (DESIGN.md §4).
TYPE_ALIASES = {"know": RequestType.KNOW_SPECIFIC, "access": RequestType.KNOW_SPECIFIC}


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    MONTHS = "months"


class NoticeRule(StrEnum):
    ORIGINAL_RESPOND_BY = "original_respond_by"  # notice no later than the original response date


class ClockStart(StrEnum):
    RECEIPT = "receipt"  # the day the request is received
    # UK GDPR art. 12A: the latest of receipt, receipt of identity information asked for, fee paid
    RELEVANT_TIME = "relevant_time"


class LimitWindow(StrEnum):
    ROLLING_12_MONTHS = "rolling_12_months"
    CALENDAR_YEAR = "calendar_year"


class LimitCounts(StrEnum):
    RECEIVED = "received"  # every earlier request received in the window
    ANSWERED = "answered"  # only earlier requests answered in the window


class LimitEffect(StrEnum):
    MAY_DECLINE = "may_decline"
    FEE_MAY_BE_CHARGED = "fee_may_be_charged"


@dataclass(frozen=True)
class Basis:
    """Where a value comes from: a citation and the LEGAL.md confidence tag (C, S or U)."""

    cite: str
    tag: str

    def __str__(self) -> str:
        return f"{self.cite} [{self.tag}]"


@dataclass(frozen=True)
class Effective:
    """The days a rule is in force: ``start`` to ``end``, both inclusive; None is open-ended."""

    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def overlaps(self, other: Effective) -> bool:
        low = max(self.start or date.min, other.start or date.min)
        high = min(self.end or date.max, other.end or date.max)
        return low <= high

    def describe(self) -> str:
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        if self.end:
            return f"until {self.end.isoformat()}"
        return "always"


ALWAYS = Effective()


@dataclass(frozen=True)
class Period:
    length: int
    unit: Unit

    def __str__(self) -> str:
        words = self.unit.value.replace("_", " ")
        return f"{self.length} {words.removesuffix('s') if self.length == 1 else words}"


@dataclass(frozen=True)
class Step:
    """A deadline step (acknowledge, respond); ``period`` is None where the law sets none."""

    period: Period | None
    basis: Basis


@dataclass(frozen=True)
class Extension:
    """``total`` counts from receipt (California: 90 days in all); None where the law allows none."""

    total: Period | None
    once: bool
    notice_by: NoticeRule | None
    basis: Basis


@dataclass(frozen=True)
class VerificationRule:
    level: VerificationLevel
    data_points: int
    signed_declaration: bool
    forbidden: bool  # verification must not be demanded (opt-out, limit)
    note: str
    basis: Basis


@dataclass(frozen=True)
class AgentRule:
    allowed: bool
    signed_permission: bool
    poa_accepted: bool
    consumer_confirmation: bool  # the consumer may be asked to confirm the agent's permission directly
    basis: Basis


@dataclass(frozen=True)
class AppealRule:
    available: bool
    basis: Basis
    decision: Step | None = None  # the appeal type's own response period, where the law has appeals


@dataclass(frozen=True)
class ChannelRule:
    accepted: frozenset[Channel]
    optional: frozenset[Channel]  # accepted only if the business chooses to
    basis: Basis


@dataclass(frozen=True)
class ResidencyRule:
    required: str  # e.g. "California"
    warning: str  # the code of the warning when residency is not shown
    basis: Basis


@dataclass(frozen=True)
class LimitRule:
    code: str
    types: frozenset[RequestType]
    max_requests: int
    window: LimitWindow
    counts: LimitCounts
    effect: LimitEffect
    basis: Basis
    effective: Effective = ALWAYS


@dataclass(frozen=True)
class PauseRule:
    """A reason the law lets the clock stop (e.g. waiting for clarification), with its basis."""

    code: str
    label: str
    basis: Basis


@dataclass(frozen=True)
class LookBack:
    """How far back a request to know may reach: ``default_months`` unless the consumer asks for more,
    never before ``earliest`` (California from 2026-01-01: 12 months, or back to 2022-01-01)."""

    default_months: int
    earliest: date
    basis: Basis


@dataclass(frozen=True)
class TypeRule:
    """Everything a rule file says about one request type in one jurisdiction, for one period of time."""

    jurisdiction: str
    request_type: RequestType
    law: str
    clock_start: Basis
    acknowledge: Step
    respond: Step
    respond_elsewhere: Step | None  # Shine the Light: request not sent to the designated address
    extension: Extension
    verification: VerificationRule
    agent: AgentRule
    appeal: AppealRule
    channels: ChannelRule | None
    residency: ResidencyRule | None
    limits: tuple[LimitRule, ...]
    effective: Effective = ALWAYS
    clock: ClockStart = ClockStart.RECEIPT
    pauses: tuple[PauseRule, ...] = ()
    note: str = ""  # what the officer should know about this type (e.g. a know request's period)
    look_back: LookBack | None = None

    def limits_on(self, day: date) -> tuple[LimitRule, ...]:
        return tuple(limit for limit in self.limits if limit.effective.covers(day))


@dataclass(frozen=True)
class RollForward:
    """Where the last day may not fall (besides holidays); None weekdays means no roll-forward rule."""

    weekdays: frozenset[int] | None
    basis: Basis


@dataclass(frozen=True)
class Source:
    law: str
    title: str
    basis: Basis
    read_at: str = ""  # where the statute text was read (LEGAL.md sources)


@dataclass(frozen=True)
class ComplaintRoute:
    """Where a consumer can complain after an appeal or refusal (an Attorney General, a regulator)."""

    authority: str
    url: str
    basis: Basis


@dataclass(frozen=True)
class AppealProcess:
    """A jurisdiction's appeal process: how long the consumer has, and where to complain afterwards.

    The decision period and its extension are the ``appeal`` request type's ``respond`` and
    ``extension`` (so an appeal can be logged as a request item with its own dates).
    """

    available: bool
    filing: Step  # the consumer's window to appeal; period None where the law says "a reasonable period"
    complaint: ComplaintRoute | None
    basis: Basis


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    version: str
    sources: tuple[Source, ...]
    holidays: HolidaySpec
    calendar_basis: Basis
    saturday_basis: Basis | None  # where a reading counts Saturdays as business days
    roll_forward: RollForward
    types: dict[RequestType, TypeRule]  # the current (latest-starting) version of each type
    limits: tuple[LimitRule, ...]
    effective: Effective = ALWAYS
    effective_basis: Basis | None = None
    versions: dict[RequestType, tuple[TypeRule, ...]] | None = None  # every version, oldest first
    appeal: AppealProcess | None = None

    def type_versions(self, request_type: RequestType) -> tuple[TypeRule, ...]:
        if self.versions is not None and request_type in self.versions:
            return self.versions[request_type]
        found = self.types.get(request_type)
        return (found,) if found is not None else ()

    def unconfirmed(self) -> list[str]:
        """Every value tagged [U] in this jurisdiction, as "where: citation" lines (README, case view)."""
        found: list[str] = []
        for rule in (r for versions in (self.versions or {}).values() for r in versions):
            for label, basis in _type_bases(rule):
                if basis.tag == "U":
                    found.append(f"{rule.request_type.value} {label}: {basis.cite}")
        for limit in self.limits:
            if limit.basis.tag == "U":
                found.append(f"limit {limit.code}: {limit.basis.cite}")
        if self.appeal is not None:
            for label, basis in (("appeal filing", self.appeal.filing.basis), ("appeal", self.appeal.basis)):
                if basis.tag == "U":
                    found.append(f"{label}: {basis.cite}")
        return list(dict.fromkeys(found))


def _type_bases(rule: TypeRule) -> list[tuple[str, Basis]]:
    bases = [
        ("clock start", rule.clock_start),
        ("acknowledgement", rule.acknowledge.basis),
        ("response", rule.respond.basis),
        ("extension", rule.extension.basis),
        ("verification", rule.verification.basis),
        ("agent", rule.agent.basis),
        ("appeal", rule.appeal.basis),
    ]
    if rule.respond_elsewhere is not None:
        bases.append(("response elsewhere", rule.respond_elsewhere.basis))
    bases.extend(("pause " + pause.code, pause.basis) for pause in rule.pauses)
    if rule.look_back is not None:
        bases.append(("look-back", rule.look_back.basis))
    return bases


@dataclass(frozen=True)
class RuleWarning:
    """A coded finding for the officer: never a silent rejection, always with its legal basis."""

    code: str
    message: str
    basis: str
    earlier_reference: str | None = None
    earlier_date: date | None = None


@dataclass(frozen=True)
class ClockPause:
    """A span the clock stood still: ``start`` is the first paused day, ``end`` the day it restarted
    (None while still paused). The days from ``start`` up to, not including, ``end`` are added."""

    start: date
    end: date | None
    reason: str = "clarification"


@dataclass(frozen=True)
class Deadlines:
    jurisdiction: str
    request_type: RequestType
    received: date
    acknowledge_by: date | None
    respond_by: date | None
    extension_notice_by: date | None
    extended_respond_by: date | None
    respond_outside_by: date | None
    extended_outside_by: date | None
    basis: dict[str, str]
    rule_version: str
    saturday_warning: str | None = None
    in_force: bool = True
    note: str | None = None  # e.g. why no statutory dates apply
    projection: bool = False  # received lies in the future: a planning figure, not a case's dates
    clock_started: date | None = None  # where the clock starts later than receipt (UK relevant time)
    paused_days: int = 0
    paused_since: date | None = None  # the clock is stopped now (open pause)
    unconfirmed: tuple[str, ...] = ()  # which of the values behind these dates are tagged [U]

    def to_json(self) -> dict[str, Any]:
        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        payload: dict[str, Any] = {
            "acknowledge_by": iso(self.acknowledge_by),
            "respond_by": iso(self.respond_by),
            "extension_notice_by": iso(self.extension_notice_by),
            "extended_respond_by": iso(self.extended_respond_by),
            "respond_outside_by": iso(self.respond_outside_by),
            "extended_outside_by": iso(self.extended_outside_by),
            "basis": dict(self.basis),
            "in_force": self.in_force,
            "note": self.note,
            "projection": self.projection,
            "unconfirmed": list(self.unconfirmed),
        }
        if self.clock_started is not None and self.clock_started != self.received:
            payload["clock_started"] = iso(self.clock_started)
        if self.paused_days or self.paused_since:
            payload["paused_days"] = self.paused_days
            payload["paused_since"] = iso(self.paused_since)
        return payload


@dataclass(frozen=True)
class AppealInfo:
    """What a refusal letter and an appeal decision need: the windows, dates and complaint route."""

    jurisdiction: str
    available: bool
    filing_window: Period | None  # how long the consumer has to appeal; None: "a reasonable period"
    decision_period: Period | None
    extension_total: Period | None  # counted from the appeal's receipt, like every extension
    received: date | None  # the day the appeal was received, where given
    decide_by: date | None
    extension_notice_by: date | None
    extended_decide_by: date | None
    complaint_authority: str | None
    complaint_url: str | None
    basis: dict[str, str]
    rule_version: str
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "jurisdiction": self.jurisdiction,
            "available": self.available,
            "filing_window": str(self.filing_window) if self.filing_window else None,
            "decision_period": str(self.decision_period) if self.decision_period else None,
            "extension_total": str(self.extension_total) if self.extension_total else None,
            "received": iso(self.received),
            "decide_by": iso(self.decide_by),
            "extension_notice_by": iso(self.extension_notice_by),
            "extended_decide_by": iso(self.extended_decide_by),
            "complaint_authority": self.complaint_authority,
            "complaint_url": self.complaint_url,
            "basis": dict(self.basis),
            "note": self.note,
        }
