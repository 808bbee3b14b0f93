"""What goes into and comes out of the intake service: call notes, letters, confirmed cases,
import results, inbox rows, mailboxes; and the command line's JSON for them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from privdesk.domain.types import RequestType
from privdesk.intake import (
    Detection,
    ParsedEmail,
)
from privdesk.intake.detection import NO_ORGANIZATION

Progress = Callable[[int, int | None], None]  # (done, total or None when unknown)
Cancelled = Callable[[], bool]

PENDING, CASE_CREATED, ATTACHED, SET_ASIDE = "pending", "case_created", "attached", "set_aside"
SCAN_TYPES = ("pdf", "png", "jpeg", "tiff")
_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "tiff": "image/tiff"}
_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "tiff": "tif"}
_LEGACY_CODES = {"know": RequestType.KNOW_SPECIFIC.value}  # internal detection codes -> contract codes
_DEFAULT_ZONE = "UTC"
_CLAIM_MINUTES = 2  # how long an unfinished make_case blocks a second one (see make_case)
_FUTURE_SLACK = dt.timedelta(days=1)
FETCH_ATTEMPTS = 3  # fetches that may fail on one IMAP message before it is set aside
BATCH_CHUNK = 25  # emails stored per transaction in a batch import: fewer commits, short write locks
BATCH_BYTES = 64 * 1024 * 1024  # or fewer, once the emails read hold this much (their bytes and text)
# A stated residency (not merely a California postal address) counts as the consumer's attestation.
_RESIDENCY = re.compile(r"\b(?:resident|reside|live in|residente|vivo en)\b", re.IGNORECASE)


# -- data in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallNote:
    organization: str
    received_at: dt.datetime  # naive = the organization's local time
    caller_number: str
    caller_name: str
    what_they_asked: str
    data_points_given: Sequence[str] = ()
    line_called: str = ""


@dataclass(frozen=True)
class ScannedLetter:
    organization: str
    received_on: dt.date  # the day the post arrived: the clock starts here
    pages: Sequence[bytes]  # one image per page, or a single multi-page PDF/TIFF
    sender_name: str = ""
    sender_address: str = ""
    postmark_on: dt.date | None = None
    envelope: bytes | None = None
    transcript: str = ""  # the officer's reading of the letter, used for detection when given


@dataclass(frozen=True)
class NewCaseFromIntake:
    """What the officer confirmed: ``suggest_case`` fills it from detection, the officer corrects it."""

    types: Sequence[str]
    jurisdiction: str
    organization: str
    name: str
    email: str | None = None
    phone: str | None = None
    address: str = ""
    agent_name: str | None = None
    received: dt.date | None = None  # None: the intake item's received date
    subject: str = ""
    summary: str = ""
    ca_residency_attested: bool = False
    requester_relation: str = "self"
    designated_channel: bool = True
    consumer_id: int | None = None
    # What a caller gave to identify themselves (from the call note), for the verification step.
    data_points_given: Sequence[str] = ()


# -- data out -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeResultDTO:
    """One imported message or note. For a duplicate, ``intake_id`` and ``duplicate_of`` both name the
    item already in the inbox, and nothing new was stored."""

    intake_id: int
    file: str
    channel: str
    sender_name: str
    sender_address: str
    subject: str
    received: dt.date
    received_at: dt.datetime
    is_request: bool | None
    types: list[str]
    jurisdiction: str | None
    agent: bool
    organization: str | None
    detected_organization: str | None
    not_request_reason: str | None
    warnings: list[str]
    evidence: dict[str, list[str]]
    sha256: str
    documents: int
    duplicate_of: int | None = None
    # Not a suggestion, but request wording was found: shown as "possible request — check".
    possible: bool = False
    possible_types: list[str] = field(default_factory=list)

    @property
    def sender(self) -> str:
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"
        return self.sender_name or self.sender_address


@dataclass(frozen=True)
class ImportFailureDTO:
    file: str
    error: str


ImportOutcome = IntakeResultDTO | ImportFailureDTO


@dataclass(frozen=True)
class IntakeDocumentDTO:
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class IntakeRowDTO:
    id: int
    channel: str
    status: str
    organization: str | None
    received_on: dt.date
    sender_name: str
    sender_address: str
    subject: str
    is_request: bool | None
    types: list[str]
    warnings: int
    # What the inbox list shows, so the list needs no second query per row.
    jurisdiction: str | None = None
    agent: bool = False
    warning_messages: list[str] = field(default_factory=list)
    documents: int = 0
    possible: bool = False


@dataclass(frozen=True)
class IntakeItemDTO:
    id: int
    channel: str
    status: str
    organization: str | None
    received_on: dt.date
    received_at: dt.datetime
    received_corrected: bool
    sender_name: str
    sender_address: str
    subject: str
    body_text: str
    message_id: str | None
    detection: dict[str, Any]
    details: dict[str, Any]
    warnings: list[str]
    set_aside_reason: str | None
    case_reference: str | None
    documents: list[IntakeDocumentDTO]
    version: int


@dataclass(frozen=True)
class MailboxDTO:
    id: int
    organization: str
    host: str
    port: int
    tls: str
    username: str
    folder: str
    after_import: str
    move_to: str | None
    interval_minutes: int
    password_kept: bool


@dataclass(frozen=True)
class FetchReportDTO:
    account_id: int
    imported: list[IntakeResultDTO] = field(default_factory=list)
    failed: list[ImportFailureDTO] = field(default_factory=list)
    cancelled: bool = False


@dataclass(frozen=True)
class _PreparedEmail:
    """A parsed and analysed email waiting to be stored."""

    data: bytes
    name: str
    parsed: ParsedEmail
    digest: str
    found: Detection
    detection: dict[str, Any]
    # For a message quoting an earlier one: detection of its new text alone, used once it turns out
    # to be a reply about a case (the quote is then our own letter or the case's earlier mail).
    fresh: Detection | None = None


def _contract_codes(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        mapped = _LEGACY_CODES.get(code, code)
        if mapped not in out:
            out.append(mapped)
    return out


def for_organization(detection: dict[str, Any], slug: str) -> dict[str, Any]:
    """Detection for an item whose organization the officer chose (a call, a letter, a web form): that
    organization, and no warning that none was recognised (it read as a fault after MSTIS was chosen)."""
    detection["organization"] = slug
    detection["warnings"] = [w for w in detection.get("warnings", []) if w != NO_ORGANIZATION]
    return detection


def detection_json(found: Detection) -> dict[str, Any]:
    evidence: dict[str, list[str]] = {}
    for key, phrases in found.evidence.items():
        evidence.setdefault(_LEGACY_CODES.get(key, key), []).extend(phrases)
    return {
        "is_request": found.is_request,
        "types": _contract_codes(found.types),
        "jurisdiction": found.jurisdiction,
        "agent": found.agent,
        "organization": found.organization,
        "evidence": evidence,
        "warnings": list(found.warnings),
        "not_request_reason": found.not_request_reason,
        "possible": found.possible,
        "possible_types": _contract_codes(found.possible_types),
    }


def _no_detection(reason: str) -> dict[str, Any]:
    return {
        "is_request": None,
        "types": [],
        "jurisdiction": None,
        "agent": False,
        "organization": None,
        "evidence": {},
        "warnings": [reason],
        "not_request_reason": None,
    }


def result_json(outcome: ImportOutcome) -> dict[str, Any]:
    """The command line's per-file JSON (contract): a result, or ``file`` and ``error``."""
    if isinstance(outcome, ImportFailureDTO):
        return {"file": outcome.file, "error": outcome.error}
    return {
        "intake_id": outcome.intake_id,
        "file": outcome.file,
        "sender": outcome.sender,
        "sender_name": outcome.sender_name,
        "sender_address": outcome.sender_address,
        "subject": outcome.subject,
        "received": outcome.received.isoformat(),
        "types": list(outcome.types),
        "jurisdiction": outcome.jurisdiction,
        "agent": outcome.agent,
        "is_request": outcome.is_request,
        "possible_request": outcome.possible,
        "organization": outcome.organization,
        "warnings": list(outcome.warnings),
        "duplicate_of": outcome.duplicate_of,
        "evidence": outcome.evidence,
        "sha256": outcome.sha256,
    }
