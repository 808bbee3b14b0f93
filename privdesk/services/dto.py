"""Plain data objects that services return: never ORM objects, safe to hand to another thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_iso(v) for v in value]
    return value


def to_json(obj: Any) -> Any:
    """JSON-ready form of a DTO (dates as ISO 8601 strings)."""
    return _iso(asdict(obj))


@dataclass(frozen=True)
class WarningDTO:
    code: str
    message: str
    basis: str = ""
    earlier_reference: str | None = None
    earlier_date: dt.date | None = None


@dataclass(frozen=True)
class DisclosureDTO:
    kind: str
    category: str
    sources: str
    purposes: str
    recipients: str
    sensitive: bool = False


@dataclass(frozen=True)
class StlDisclosureDTO:
    year: int
    recipient_name: str
    recipient_address: str
    nature_of_business: str
    categories: str


@dataclass(frozen=True)
class OrganizationDTO:
    id: int
    slug: str
    legal_name: str
    display_name: str
    role: str
    postal_address: str
    privacy_email: str | None
    toll_free_phone: str | None
    stl_email: str | None
    stl_address: str | None
    signatory_name: str
    signatory_title: str
    timezone: str
    page_size: str
    jurisdictions: list[str]
    sells_or_shares: bool
    retention_months: int
    profile: dict[str, Any]
    version: int
    disclosures: list[DisclosureDTO] = field(default_factory=list)
    stl_disclosures: list[StlDisclosureDTO] = field(default_factory=list)


@dataclass(frozen=True)
class ConsumerDTO:
    id: int
    full_name: str
    email: str | None
    phone: str | None
    phone_e164: str | None
    postal_address: str
    ca_residency_attested: bool
    is_minor: bool
    version: int
    case_count: int = 0


@dataclass(frozen=True)
class ItemDTO:
    id: int
    type: str
    status: str
    outcome: str | None
    acknowledge_by: dt.date | None
    respond_by: dt.date | None
    extension_notice_by: dt.date | None
    extended_respond_by: dt.date | None
    respond_outside_by: dt.date | None
    extended_outside_by: dt.date | None
    basis: dict[str, Any]
    rule_version: str | None
    acknowledged_on: dt.date | None
    extended_on: dt.date | None
    extension_reason: str | None
    responded_on: dt.date | None
    denial_reasons: list[str]
    denial_text: str | None
    redirected_to: str | None
    effective_type: str | None
    verification_level: str | None
    version: int
    verification_result: str | None = None  # verified, unverifiable or pending once a check is recorded
    clock_started_on: dt.date | None = None  # UK relevant time, where later than receipt
    clock_pauses: tuple[ClockPauseDTO, ...] = ()
    know_since: dt.date | None = None  # a know request reaching back past the usual 12 months
    processed_on: dt.date | None = None  # an opt-out or limit request carried out (meets its deadline)

    @property
    def paused_since(self) -> dt.date | None:
        """The day the clock stopped, while it is stopped (an open pause)."""
        return next((p.start for p in self.clock_pauses if p.end is None), None)


@dataclass(frozen=True)
class ClockPauseDTO:
    start: dt.date
    end: dt.date | None  # None while the clock is still stopped
    reason: str
    days_left: int | None = None  # of the response period when the clock stopped


@dataclass(frozen=True)
class NextActionDTO:
    code: str
    label: str
    due: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class CaseDTO:
    id: int
    reference: str
    status: str
    organization: str
    organization_name: str
    consumer_id: int
    consumer_name: str
    consumer_email: str | None
    consumer_phone: str | None
    consumer_address: str
    agent_name: str | None
    jurisdiction: str
    channel: str
    received_on: dt.date
    received_at: dt.datetime
    logged_by: str
    subject: str
    summary: str
    legal_hold: bool
    closed_on: dt.date | None
    next_due_on: dt.date | None
    version: int
    items: list[ItemDTO] = field(default_factory=list)
    warnings: list[WarningDTO] = field(default_factory=list)
    next_action: NextActionDTO | None = None


@dataclass(frozen=True)
class CaseRow:
    """One line of the case queue."""

    id: int
    reference: str
    organization: str
    consumer_name: str
    jurisdiction: str
    channel: str
    received_on: dt.date
    types: list[str]
    status: str
    next_due_on: dt.date | None
    overdue: bool
    due_soon: bool
    due_next: str = ""  # what the next deadline is for: "Acknowledge", "Respond: Deletion"
    days_left: int | None = None  # to the next deadline; negative when late


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    organization: str | None = None
    request_type: str | None = None
    due_before: dt.date | None = None
    due_from: dt.date | None = None  # with due_before: a window of due dates (the dashboard's tiles)
    overdue: bool = False
    open_only: bool = False
    search: str | None = None
    limit: int | None = None
    offset: int = 0
