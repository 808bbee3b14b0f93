"""The inbox: emails, scanned letters and call notes waiting for the officer's decision.

Every intake item keeps its original (the email file, the scanned pages, the call note) byte for byte,
with its SHA-256, in the database. Detection only suggests; an item becomes a case only when the officer
confirms through ``make_case`` (or ``attach_to_case``), or leaves the inbox through ``set_aside`` with a
reason. Each call is one transaction; batches (files, a mailbox) commit one message at a time so a bad
message never costs the good ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from privdesk.domain.errors import ConflictError, DomainError, NotFound, ValidationError
from privdesk.domain.matching import normalize_phone
from privdesk.domain.types import Channel, RequestType
from privdesk.intake import (
    Detection,
    IntakeLimits,
    OrgAddressing,
    ParsedEmail,
    detect,
    parse_bytes,
    sniff_document,
)
from privdesk.intake.filenames import sanitize_filename
from privdesk.intake.imap import AfterImport, ImapAccount, ImapSession, TlsMode
from privdesk.intake.model import MB
from privdesk.services import audit
from privdesk.services.cases import CaseService, NewCase, load_case
from privdesk.services.context import ServiceContext
from privdesk.services.dto import CaseDTO, WarningDTO
from privdesk.services.organizations import get_organization
from privdesk.services.secrets import SecretStore, default_secret_store
from privdesk.services.stored_settings import read_setting, write_setting
from privdesk.store.models import (
    Case,
    Document,
    DocumentContent,
    ImportedMessage,
    IntakeItem,
    MailboxAccount,
    Organization,
)

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


# -- helpers --------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or _DEFAULT_ZONE)
    except Exception:  # an unknown zone name in a profile must not block intake
        return ZoneInfo(_DEFAULT_ZONE)


def _contract_codes(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        mapped = _LEGACY_CODES.get(code, code)
        if mapped not in out:
            out.append(mapped)
    return out


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


def _addressing(org: Organization) -> OrgAddressing:
    profile = org.profile or {}
    names = [org.display_name, org.legal_name, *profile.get("other_names", [])]
    addresses = [org.privacy_email, org.stl_email, *profile.get("intake_addresses", [])]
    return OrgAddressing(
        org.slug,
        tuple(dict.fromkeys(n for n in names if isinstance(n, str) and n.strip())),
        tuple(dict.fromkeys(a.lower() for a in addresses if isinstance(a, str) and a.strip())),
    )


def _slug(s: Session, organization_id: int | None) -> str | None:
    org = s.get(Organization, organization_id) if organization_id else None
    return org.slug if org else None


def _put_bytes(s: Session, data: bytes, digest: str | None = None) -> str:
    """Store the bytes once per content; ``digest`` when already known (the parser hashed attachments)."""
    digest = digest or _sha256(data)
    # Only the key is read, not the blob. The content is flushed at once: no mapped relationship tells the
    # unit of work to insert it before the documents that refer to it.
    if s.scalar(select(DocumentContent.sha256).where(DocumentContent.sha256 == digest)) is None:
        s.add(DocumentContent(sha256=digest, data=data))
        s.flush()
    return digest


def _add_document(
    s: Session,
    item: IntakeItem,
    kind: str,
    filename: str,
    content_type: str,
    data: bytes,
    digest: str | None = None,
) -> Document:
    doc = Document(
        intake_item_id=item.id,
        kind=kind,
        filename=filename[:255],
        content_type=content_type[:120],
        size=len(data),
        sha256=_put_bytes(s, data, digest),
    )
    s.add(doc)
    return doc


def _parse_any(data: bytes, filename: str, limits: IntakeLimits) -> ParsedEmail:
    """An .eml or .msg by content. Any failure while reading one file is that file's alone: it
    becomes a ValidationError with a one-line reason, never an exception that stops a batch."""
    try:
        return parse_bytes(data, filename, limits)
    except DomainError:
        raise
    except Exception as exc:
        label = f"'{filename}'" if filename else "the message"
        raise ValidationError(
            f"{label} could not be read ({type(exc).__name__}); its original is unchanged"
        ) from exc


def _reason(text: str, what: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ValidationError(f"{what} needs a reason")
    return reason


def _fingerprint(text: str) -> str:
    """The audit trail keeps a hash of free text (which may hold personal data), not the text itself."""
    return _sha256(text.encode("utf-8"))


# -- the service ----------------------------------------------------------------------------------


LIMITS_SETTING = "intake_limits"
# Beyond this a file is read into memory whole; nothing an officer receives by email is this large.
MAX_FILE_LIMIT = 1024 * MB
MIN_FILE_LIMIT = 100 * 1024
_LIMIT_FIELDS = {f.name for f in dataclasses.fields(IntakeLimits)}


class IntakeService:
    def __init__(
        self,
        ctx: ServiceContext,
        secrets: SecretStore | Callable[[], SecretStore] | None = None,
        limits: IntakeLimits | None = None,
    ) -> None:
        self.ctx = ctx
        self._secrets = secrets
        self._given_limits = limits

    @property
    def limits(self) -> IntakeLimits:
        """Limits given by the caller, else the firm's (Settings), else the defaults."""
        if self._given_limits is not None:
            return self._given_limits
        stored = read_setting(self.ctx, LIMITS_SETTING, None)
        if not isinstance(stored, dict):
            return IntakeLimits()
        try:
            return IntakeLimits(**{k: int(v) for k, v in stored.items() if k in _LIMIT_FIELDS})
        except (TypeError, ValueError):
            return IntakeLimits()

    def set_limits(self, limits: IntakeLimits) -> IntakeLimits:
        """Change the firm's limits (administrators; audited); every workstation uses them."""
        if not MIN_FILE_LIMIT <= limits.max_file_bytes <= MAX_FILE_LIMIT:
            raise ValidationError(
                f"the file size limit is between {MIN_FILE_LIMIT // 1024} KB and {MAX_FILE_LIMIT // MB} MB"
            )
        if not 1 <= limits.max_attachments <= 1000:
            raise ValidationError("the number of attachments allowed is between 1 and 1000")
        if not 0 < limits.max_attachment_bytes <= limits.max_file_bytes:
            raise ValidationError("an attachment's size limit cannot exceed the file size limit")
        write_setting(self.ctx, LIMITS_SETTING, dataclasses.asdict(limits))
        return limits

    @property
    def secrets(self) -> SecretStore:
        if self._secrets is None:
            self._secrets = default_secret_store()
        return self._secrets() if callable(self._secrets) else self._secrets

    # -- emails -------------------------------------------------------------------------------

    def import_email_bytes(
        self,
        data: bytes,
        filename: str = "",
        organization: str | None = None,
        limits: IntakeLimits | None = None,
    ) -> IntakeResultDTO:
        """Parse, detect, and store one email with its original and attachments (one transaction)."""
        return self._import_email(data, filename, organization, limits)

    def _import_email(
        self,
        data: bytes,
        filename: str,
        organization: str | None,
        limits: IntakeLimits | None,
        on_stored: Callable[[Session, IntakeItem], None] | None = None,
    ) -> IntakeResultDTO:
        email = self._prepare_email(data, filename, limits or self.limits, self._all_addressing())
        with self.ctx.db.write() as s:
            return self._store_email(s, email, organization, on_stored)

    def _all_addressing(self) -> list[OrgAddressing]:
        with self.ctx.db.read() as s:
            return [_addressing(o) for o in s.scalars(select(Organization).order_by(Organization.id))]

    @staticmethod
    def _prepare_email(
        data: bytes, filename: str, limits: IntakeLimits, addressing: Sequence[OrgAddressing]
    ) -> _PreparedEmail:
        """Parse and detect, outside any transaction."""
        name = PurePath(filename).name if filename else ""
        parsed = _parse_any(data, name, limits)
        try:
            found = detect(parsed, addressing)
        except Exception as exc:
            raise ValidationError(f"'{name}' could not be analysed ({type(exc).__name__})") from exc
        return _PreparedEmail(data, name, parsed, _sha256(data), found, detection_json(found))

    def _store_email(
        self,
        s: Session,
        email: _PreparedEmail,
        organization: str | None,
        on_stored: Callable[[Session, IntakeItem], None] | None = None,
    ) -> IntakeResultDTO:
        data, name, parsed, digest, found, detection = (
            email.data,
            email.name,
            email.parsed,
            email.digest,
            email.found,
            email.detection,
        )
        existing = self._existing_email(s, parsed.message_id, digest)
        if existing is not None:
            return self._result(
                existing,
                name,
                existing.detection,
                digest,
                documents=0,
                duplicate_of=existing.id,
                organization=_slug(s, existing.organization_id),
            )
        chosen = get_organization(s, organization) if organization else None
        org = chosen
        if org is None and found.organization:
            org = s.scalar(select(Organization).where(Organization.slug == found.organization))
        warnings = [*parsed.warnings, *detection["warnings"]]
        if chosen is not None and found.organization and found.organization != chosen.slug:
            warnings.append(
                f"the message looks addressed to '{found.organization}' but was imported for '{chosen.slug}'"
            )
        received_at, more = self._email_received_at(parsed, org)
        warnings += more
        item = IntakeItem(
            organization_id=org.id if org else None,
            channel=Channel.EMAIL.value,
            received_at=received_at,
            received_on=received_at.astimezone(_zone(org.timezone if org else None)).date(),
            sender_name=parsed.from_name[:300],
            sender_address=parsed.from_address[:300],
            subject=parsed.subject,
            body_text=parsed.body_text,
            message_id=parsed.message_id[:500] or None,
            detection=detection,
            details={
                "source_format": parsed.source_format,
                "file": name,
                "to": list(parsed.to),
                "cc": list(parsed.cc),
                "reply_to": list(parsed.reply_to),
                "sent_at": parsed.sent_at.isoformat() if parsed.sent_at else None,
                "forwarded": len(parsed.forwarded),
            },
            warnings=warnings,
            status=PENDING,
        )
        s.add(item)
        s.flush()
        suffix = "msg" if parsed.source_format == "msg" else "eml"
        original_type = "application/vnd.ms-outlook" if suffix == "msg" else "message/rfc822"
        stored_name = sanitize_filename(name, f"message.{suffix}") if name else f"message-{item.id}.{suffix}"
        _add_document(s, item, "original", stored_name, original_type, data, digest)
        for att in parsed.attachments:
            _add_document(s, item, "attachment", att.filename, att.content_type, att.data, att.sha256)
        if on_stored is not None:
            on_stored(s, item)
        audit.record(
            s,
            self.ctx,
            "intake.imported",
            "intake_item",
            item.id,
            after={
                "channel": item.channel,
                "organization": org.slug if org else None,
                "received_on": item.received_on,
                "sha256": digest,
                "attachments": len(parsed.attachments),
                "types": detection["types"],
            },
        )
        return self._result(
            item,
            name,
            detection,
            digest,
            documents=1 + len(parsed.attachments),
            organization=org.slug if org else None,
        )

    def _existing_email(self, s: Session, message_id: str, digest: str) -> IntakeItem | None:
        if message_id:
            return s.scalar(select(IntakeItem).where(IntakeItem.message_id == message_id[:500]))
        # Without a Message-ID, the same bytes imported twice are still the same message.
        return s.scalar(
            select(IntakeItem)
            .join(Document, Document.intake_item_id == IntakeItem.id)
            .where(Document.sha256 == digest, Document.kind == "original")
            .limit(1)
        )

    def _email_received_at(
        self, parsed: ParsedEmail, org: Organization | None
    ) -> tuple[dt.datetime, list[str]]:
        now = self.ctx.now()
        if parsed.sent_at is None:
            return now, ["the email has no readable Date: received date set to the day of import; check it"]
        sent = parsed.sent_at if parsed.sent_at.tzinfo else parsed.sent_at.replace(tzinfo=dt.UTC)
        if sent > now + _FUTURE_SLACK:
            return now, [
                f"the email's date {sent.date().isoformat()} is in the future: received date set to the "
                "day of import; check it"
            ]
        return sent, []

    def _result(
        self,
        item: IntakeItem,
        file: str,
        detection: dict[str, Any],
        digest: str,
        *,
        documents: int,
        duplicate_of: int | None = None,
        organization: str | None,
    ) -> IntakeResultDTO:
        return IntakeResultDTO(
            intake_id=item.id,
            file=file,
            channel=item.channel,
            sender_name=item.sender_name,
            sender_address=item.sender_address,
            subject=item.subject,
            received=item.received_on,
            received_at=item.received_at,
            is_request=detection.get("is_request"),
            types=list(detection.get("types", [])),
            jurisdiction=detection.get("jurisdiction"),
            agent=bool(detection.get("agent")),
            organization=organization,
            detected_organization=detection.get("organization"),
            not_request_reason=detection.get("not_request_reason"),
            warnings=list(item.warnings) if duplicate_of is None else [],
            evidence={k: list(v) for k, v in detection.get("evidence", {}).items()},
            sha256=digest,
            documents=documents,
            duplicate_of=duplicate_of,
            possible=bool(detection.get("possible")),
            possible_types=list(detection.get("possible_types", [])),
        )

    def import_files(
        self,
        paths: Sequence[str | Path],
        organization: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[ImportOutcome]:
        """Import a batch; a bad file gives an ImportFailureDTO and the batch goes on. Files are parsed
        and analysed outside any transaction, then stored ``BATCH_CHUNK`` at a time in one transaction,
        each inside its own savepoint so that a file refused while storing costs only itself.
        When cancelled, the files not yet started are left out of the list."""
        outcomes: list[ImportOutcome] = []
        total = len(paths)
        addressing = self._all_addressing()
        limits = self.limits
        stop = False
        for first in range(0, total, BATCH_CHUNK):
            prepared: list[ImportOutcome | _PreparedEmail] = []
            for raw_path in paths[first : first + BATCH_CHUNK]:
                if cancelled is not None and cancelled():
                    stop = True
                    break
                prepared.append(self._prepare_file(Path(raw_path), addressing, limits))
                if progress is not None:  # a file counts as done once read; the chunk's commit follows
                    progress(len(outcomes) + len(prepared), total)
            outcomes += self._store_chunk(prepared, organization)
            if stop:
                break
        return outcomes

    def _prepare_file(
        self, path: Path, addressing: Sequence[OrgAddressing], limits: IntakeLimits
    ) -> ImportFailureDTO | _PreparedEmail:
        name = path.name
        try:
            if not path.is_file():
                raise ValidationError(f"'{name}' is not a file that can be read")
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                raise ValidationError(
                    f"'{name}' is {size // MB} MB, over the {limits.max_file_bytes // MB} MB limit"
                )
            return self._prepare_email(path.read_bytes(), name, limits, addressing)
        except OSError as exc:
            return ImportFailureDTO(name, f"'{name}' cannot be read: {exc.strerror or type(exc).__name__}")
        except DomainError as exc:
            return ImportFailureDTO(name, str(exc))
        except Exception as exc:
            return ImportFailureDTO(name, f"'{name}' could not be imported ({type(exc).__name__})")

    def _store_chunk(
        self,
        prepared: Sequence[ImportOutcome | _PreparedEmail],
        organization: str | None,
    ) -> list[ImportOutcome]:
        stored: list[ImportOutcome] = []
        try:
            with self.ctx.db.write() as s:
                for entry in prepared:
                    if isinstance(entry, _PreparedEmail):
                        try:
                            with s.begin_nested():
                                stored.append(self._store_email(s, entry, organization))
                        except (DomainError, IntegrityError) as exc:
                            reason = (
                                str(exc) if isinstance(exc, DomainError) else "it conflicts with stored data"
                            )
                            stored.append(
                                ImportFailureDTO(entry.name, f"'{entry.name}' was not stored: {reason}")
                            )
                    else:
                        stored.append(entry)
        except DomainError as exc:  # the chunk's commit failed: none of its files is in the inbox
            names = [e.name if isinstance(e, _PreparedEmail) else e.file for e in prepared]
            return [ImportFailureDTO(name, f"'{name}' was not stored: {exc}") for name in names]
        return stored

    # -- phone ----------------------------------------------------------------------------------

    def add_call_note(self, note: CallNote) -> IntakeResultDTO:
        asked = note.what_they_asked.strip()
        if not asked:
            raise ValidationError("a call note needs what the caller asked, in their words")
        caller = normalize_phone(note.caller_number) if note.caller_number.strip() else None
        line = normalize_phone(note.line_called) if note.line_called.strip() else None
        warnings: list[str] = []
        if note.caller_number.strip() and caller is None:
            warnings.append("the caller's number is not a valid phone number; kept as typed")
        with self.ctx.db.write() as s:
            org = get_organization(s, note.organization)
            zone = _zone(org.timezone)
            received_at = (
                note.received_at if note.received_at.tzinfo else note.received_at.replace(tzinfo=zone)
            )
            if received_at > self.ctx.now() + _FUTURE_SLACK:
                raise ValidationError("the call's date is in the future")
            text = _call_note_text(note, received_at.astimezone(zone), caller, line, org.display_name)
            found = detect(asked, [_addressing(org)])
            detection = detection_json(found)
            detection["organization"] = org.slug
            item = IntakeItem(
                organization_id=org.id,
                channel=Channel.PHONE.value,
                received_at=received_at,
                received_on=received_at.astimezone(zone).date(),
                sender_name=note.caller_name.strip()[:300],
                sender_address="",
                subject=f"Phone call: {asked[:80]}",
                body_text=asked,
                detection=detection,
                details={
                    "caller_number": caller or note.caller_number.strip(),
                    "caller_number_typed": note.caller_number.strip(),
                    "line_called": line or note.line_called.strip(),
                    "data_points_given": [p.strip() for p in note.data_points_given if p.strip()],
                },
                warnings=warnings + detection["warnings"],
                status=PENDING,
            )
            s.add(item)
            s.flush()
            data = text.encode("utf-8")
            stamp = received_at.astimezone(zone).strftime("%Y%m%d-%H%M")
            _add_document(s, item, "call_note", f"call-note-{stamp}.txt", "text/plain; charset=utf-8", data)
            audit.record(
                s,
                self.ctx,
                "intake.call_note",
                "intake_item",
                item.id,
                after={"organization": org.slug, "received_on": item.received_on, "sha256": _sha256(data)},
            )
            return self._result(item, "", detection, _sha256(data), documents=1, organization=org.slug)

    # -- post -----------------------------------------------------------------------------------

    def add_scanned_letter(self, letter: ScannedLetter) -> IntakeResultDTO:
        if not letter.pages:
            raise ValidationError("a scanned letter needs at least one page")
        kinds = [self._scan_kind(page, f"page {n}") for n, page in enumerate(letter.pages, 1)]
        envelope_kind = self._scan_kind(letter.envelope, "the envelope") if letter.envelope else None
        if letter.received_on > self.ctx.today():
            raise ValidationError("the received date is in the future")
        warnings: list[str] = []
        if letter.postmark_on is not None and letter.postmark_on > letter.received_on:
            warnings.append("the postmark is later than the received date; check both dates")
        with self.ctx.db.write() as s:
            org = get_organization(s, letter.organization)
            zone = _zone(org.timezone)
            if letter.transcript.strip():
                detection = detection_json(detect(letter.transcript, [_addressing(org)]))
            else:
                detection = _no_detection(
                    "no text was given for the letter: read it and choose the request types"
                )
            detection["organization"] = org.slug
            item = IntakeItem(
                organization_id=org.id,
                channel=Channel.MAIL.value,
                received_at=dt.datetime.combine(letter.received_on, dt.time(9, 0), tzinfo=zone),
                received_on=letter.received_on,
                sender_name=letter.sender_name.strip()[:300],
                sender_address=letter.sender_address.strip()[:300],
                subject="Letter"
                + (f" from {letter.sender_name.strip()}" if letter.sender_name.strip() else ""),
                body_text=letter.transcript,
                detection=detection,
                details={
                    "postmark_on": letter.postmark_on.isoformat() if letter.postmark_on else None,
                    "sender_address": letter.sender_address.strip(),
                    "pages": len(letter.pages),
                },
                warnings=warnings + [w for w in detection["warnings"] if w not in warnings],
                status=PENDING,
            )
            s.add(item)
            s.flush()
            digests = []
            for number, (page, kind) in enumerate(zip(letter.pages, kinds, strict=True), 1):
                name = f"letter-{item.id}-page-{number:02d}.{_EXTENSIONS[kind]}"
                digests.append(_add_document(s, item, "original", name, _CONTENT_TYPES[kind], page).sha256)
            if letter.envelope and envelope_kind:
                name = f"letter-{item.id}-envelope.{_EXTENSIONS[envelope_kind]}"
                _add_document(s, item, "envelope", name, _CONTENT_TYPES[envelope_kind], letter.envelope)
            audit.record(
                s,
                self.ctx,
                "intake.letter",
                "intake_item",
                item.id,
                after={"organization": org.slug, "received_on": letter.received_on, "sha256": digests},
            )
            count = len(letter.pages) + (1 if letter.envelope else 0)
            return self._result(item, "", detection, digests[0], documents=count, organization=org.slug)

    def _scan_kind(self, data: bytes | None, what: str) -> str:
        problem = scan_problem(data or b"", what, self.limits.max_file_bytes)
        if problem is not None:
            raise ValidationError(problem)
        kind = sniff_document(data or b"")
        assert kind is not None
        return kind

    # -- the inbox ------------------------------------------------------------------------------

    def pending(self) -> list[IntakeRowDTO]:
        """The inbox list: every pending item with its suggestions, in two queries."""
        with self.ctx.db.read() as s:
            slugs = {oid: slug for oid, slug in s.execute(select(Organization.id, Organization.slug))}
            items = list(
                s.scalars(
                    select(IntakeItem)
                    .where(IntakeItem.status == PENDING)
                    .order_by(IntakeItem.received_at, IntakeItem.id)
                )
            )
            counts: dict[int, int] = {
                item_id: n
                for item_id, n in s.execute(
                    select(Document.intake_item_id, func.count())
                    .join(IntakeItem, IntakeItem.id == Document.intake_item_id)
                    .where(IntakeItem.status == PENDING)
                    .group_by(Document.intake_item_id)
                )
                if item_id is not None
            }
            return [
                IntakeRowDTO(
                    id=i.id,
                    channel=i.channel,
                    status=i.status,
                    organization=slugs.get(i.organization_id) if i.organization_id else None,
                    received_on=i.received_on,
                    sender_name=i.sender_name,
                    sender_address=i.sender_address,
                    subject=i.subject,
                    is_request=i.detection.get("is_request"),
                    types=list(i.detection.get("types", [])),
                    warnings=len(i.warnings),
                    jurisdiction=i.detection.get("jurisdiction"),
                    agent=bool(i.detection.get("agent")),
                    warning_messages=list(i.warnings),
                    documents=counts.get(i.id, 0),
                    possible=bool(i.detection.get("possible")),
                )
                for i in items
            ]

    def show(self, intake_id: int) -> IntakeItemDTO:
        with self.ctx.db.read() as s:
            return self._item_dto(s, self._load(s, intake_id))

    def original_bytes(self, document_id: int) -> bytes:
        """The stored bytes of one intake document, unchanged (for preview or export)."""
        with self.ctx.db.read() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise NotFound(f"no document with id {document_id}")
            content = s.get(DocumentContent, doc.sha256)
            if content is None:
                raise NotFound(f"the content of document {document_id} has been removed")
            return bytes(content.data)

    @staticmethod
    def _load(s: Session, intake_id: int) -> IntakeItem:
        item = s.get(IntakeItem, intake_id)
        if item is None:
            raise NotFound(f"no intake item with id {intake_id}")
        return item

    @staticmethod
    def _item_dto(s: Session, item: IntakeItem) -> IntakeItemDTO:
        org = s.get(Organization, item.organization_id) if item.organization_id else None
        case = s.get(Case, item.case_id) if item.case_id else None
        docs = s.scalars(select(Document).where(Document.intake_item_id == item.id).order_by(Document.id))
        return IntakeItemDTO(
            id=item.id,
            channel=item.channel,
            status=item.status,
            organization=org.slug if org else None,
            received_on=item.received_on,
            received_at=item.received_at,
            received_corrected=item.received_corrected,
            sender_name=item.sender_name,
            sender_address=item.sender_address,
            subject=item.subject,
            body_text=item.body_text,
            message_id=item.message_id,
            detection=dict(item.detection),
            details=dict(item.details),
            warnings=list(item.warnings),
            set_aside_reason=item.set_aside_reason,
            case_reference=case.reference if case else None,
            documents=[
                IntakeDocumentDTO(d.id, d.kind, d.filename, d.content_type, d.size, d.sha256) for d in docs
            ],
            version=item.version,
        )

    @staticmethod
    def _require_pending(item: IntakeItem) -> None:
        if item.status != PENDING:
            raise ConflictError(
                f"intake item {item.id} has already been dealt with ({item.status.replace('_', ' ')})"
            )

    def correct_received_date(self, intake_id: int, new_date: dt.date, reason: str) -> IntakeItemDTO:
        why = _reason(reason, "correcting the received date")
        if isinstance(new_date, dt.datetime):
            new_date = new_date.date()
        if new_date > self.ctx.today():
            raise ValidationError("the received date cannot be in the future")
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            self._require_pending(item)
            org = s.get(Organization, item.organization_id) if item.organization_id else None
            zone = _zone(org.timezone if org else None)
            before = item.received_on
            local_time = item.received_at.astimezone(zone).time()
            item.received_on = new_date
            item.received_at = dt.datetime.combine(new_date, local_time, tzinfo=zone)
            item.received_corrected = True
            corrections = list(item.details.get("received_corrections", []))
            corrections.append(
                {"from": before.isoformat(), "to": new_date.isoformat(), "reason": why, "by": self.ctx.actor}
            )
            item.details = {**item.details, "received_corrections": corrections}
            audit.record(
                s,
                self.ctx,
                "intake.received_corrected",
                "intake_item",
                item.id,
                before={"received_on": before},
                after={"received_on": new_date, "reason_sha256": _fingerprint(why)},
            )
            s.flush()
            return self._item_dto(s, item)

    def set_aside(self, intake_id: int, reason: str) -> IntakeItemDTO:
        why = _reason(reason, "setting an item aside")
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            self._require_pending(item)
            item.status = SET_ASIDE
            item.set_aside_reason = why
            audit.record(
                s,
                self.ctx,
                "intake.set_aside",
                "intake_item",
                item.id,
                before={"status": PENDING},
                after={"status": SET_ASIDE, "reason_sha256": _fingerprint(why)},
            )
            s.flush()
            return self._item_dto(s, item)

    # -- becoming a case --------------------------------------------------------------------------

    def suggest_case(self, intake_id: int) -> NewCaseFromIntake:
        """Defaults for the confirmation form, from detection and the sender; the officer corrects them."""
        with self.ctx.db.read() as s:
            item = self._load(s, intake_id)
            d = item.detection
            org = s.get(Organization, item.organization_id) if item.organization_id else None
            slug = org.slug if org else (d.get("organization") or "")
            jurisdiction = d.get("jurisdiction") or (
                org.jurisdictions[0] if org and org.jurisdictions else ""
            )
            ca_phrases = d.get("evidence", {}).get("jurisdiction:US-CA", [])
            return NewCaseFromIntake(
                types=list(d.get("types", [])),
                jurisdiction=jurisdiction,
                organization=slug,
                name="" if d.get("agent") and item.channel == Channel.EMAIL.value else item.sender_name,
                email=item.sender_address or None,
                phone=item.details.get("caller_number") or None,
                address=item.details.get("sender_address", ""),
                agent_name=item.sender_name or None if d.get("agent") else None,
                received=item.received_on,
                subject=item.subject,
                summary=item.body_text[:2000],
                ca_residency_attested=any(_RESIDENCY.search(p) for p in ca_phrases),
                requester_relation="agent" if d.get("agent") else "self",
            )

    def make_case(self, intake_id: int, confirmed: NewCaseFromIntake) -> CaseDTO:
        """Create the case the officer confirmed, then link the item and move its documents to it.

        CaseService.create is its own transaction, so this takes three short ones: claim the item
        (optimistic version check: two officers cannot both claim it), create the case with its
        ``intake_item_id`` link, link the item. A retry after a failure between the last two finds the
        case by that link and only links the item, so a retry never makes a second case.
        """
        claim = self._claim(intake_id)
        if claim.case_id is None:
            case = CaseService(self.ctx).create(self._new_case(intake_id, confirmed, claim))
            case_id = case.id
        else:
            case_id = claim.case_id
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            case_row = s.get(Case, case_id)
            assert case_row is not None
            self._link(s, item, case_row, CASE_CREATED)
            reference = case_row.reference
        return CaseService(self.ctx).show(reference)

    @dataclass(frozen=True)
    class _Claim:
        channel: str
        received_on: dt.date
        received_at: dt.datetime
        corrected: bool
        warnings: tuple[str, ...]
        case_id: int | None  # a case an earlier attempt created but did not link

    def _claim(self, intake_id: int) -> IntakeService._Claim:
        now = self.ctx.now()
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            self._require_pending(item)
            earlier = item.details.get("making_case")
            found: int | None = None
            if earlier:
                found = self._marked_case(s, intake_id, int(earlier.get("after_case_id", 0)))
                started = dt.datetime.fromisoformat(earlier["at"])
                if found is None and now - started < dt.timedelta(minutes=_CLAIM_MINUTES):
                    raise ConflictError(
                        f"a case is being made from intake item {intake_id} right now; try again in a minute"
                    )
            last_case = s.scalar(select(func.max(Case.id))) or 0
            item.details = {
                **item.details,
                "making_case": {"at": now.isoformat(), "after_case_id": last_case},
            }
            s.flush()
            return IntakeService._Claim(
                item.channel,
                item.received_on,
                item.received_at,
                item.received_corrected,
                tuple(item.warnings),
                found,
            )

    @staticmethod
    def _marked_case(s: Session, intake_id: int, after_case_id: int) -> int | None:
        """The case an interrupted attempt made from this item, found by its link to the item."""
        return s.scalar(
            select(Case.id).where(Case.intake_item_id == intake_id, Case.id > after_case_id).limit(1)
        )

    def _new_case(self, intake_id: int, c: NewCaseFromIntake, claim: IntakeService._Claim) -> NewCase:
        received = c.received or claim.received_on
        received_time: dt.time | None = None
        if c.received is None and not claim.corrected:
            # The received day in the confirmed organization's timezone (it may differ from the suggestion).
            with self.ctx.db.read() as s:
                zone = _zone(get_organization(s, c.organization).timezone)
            local = claim.received_at.astimezone(zone)
            received, received_time = local.date(), local.time().replace(microsecond=0)
        extra = [WarningDTO("intake", w) for w in claim.warnings]
        return NewCase(
            organization=c.organization,
            jurisdiction=c.jurisdiction,
            types=list(c.types),
            channel=claim.channel,
            received=received,
            received_time=received_time,
            name=c.name,
            email=c.email,
            phone=c.phone,
            address=c.address,
            agent_name=c.agent_name,
            subject=c.subject,
            summary=c.summary,
            ca_residency_attested=c.ca_residency_attested,
            requester_relation=c.requester_relation,
            designated_channel=c.designated_channel,
            consumer_id=c.consumer_id,
            extra_warnings=tuple(extra),
            intake_item_id=intake_id,
        )

    def _link(self, s: Session, item: IntakeItem, case: Case, status: str) -> None:
        self._require_pending(item)
        moved = 0
        for doc in s.scalars(select(Document).where(Document.intake_item_id == item.id)):
            doc.case_id = case.id
            moved += 1
        item.status = status
        item.case_id = case.id
        item.details = {k: v for k, v in item.details.items() if k != "making_case"}
        audit.record(
            s,
            self.ctx,
            "intake.case_created" if status == CASE_CREATED else "intake.attached",
            "intake_item",
            item.id,
            case_reference=case.reference,
            before={"status": PENDING},
            after={"status": status, "case_id": case.id, "documents": moved},
        )

    def attach_to_case(self, intake_id: int, reference: str) -> IntakeItemDTO:
        """The item belongs to a case already open (a follow-up, the ID proof arriving by post)."""
        with self.ctx.db.write() as s:
            item = self._load(s, intake_id)
            case = load_case(s, reference)
            self._link(s, item, case, ATTACHED)
            s.flush()
            return self._item_dto(s, item)

    # -- mailbox --------------------------------------------------------------------------------

    def configure_mailbox(
        self,
        organization: str,
        host: str,
        port: int,
        tls: str,
        username: str,
        password: str | None,
        folder: str = "INBOX",
        after_import: str = "mark_seen",
        move_to: str | None = None,
        interval_minutes: int = 0,
    ) -> MailboxDTO:
        """Create or update the organization's mailbox; the password goes to the SecretStore only
        (None keeps the one already stored)."""
        ImapAccount(
            host.strip(), port, cast(TlsMode, tls), username, folder, cast(AfterImport, after_import), move_to
        )
        if not host.strip() or not username.strip():
            raise ValidationError("a mailbox needs a host and a user name")
        if interval_minutes < 0:
            raise ValidationError("the fetch interval cannot be negative")
        with self.ctx.db.write() as s:
            org = get_organization(s, organization)
            account = s.scalar(select(MailboxAccount).where(MailboxAccount.organization_id == org.id))
            created = account is None
            if account is None:
                account = MailboxAccount(organization_id=org.id)
                s.add(account)
            account.host, account.port, account.tls = host.strip(), port, tls
            account.username, account.folder = username.strip(), folder
            account.after_import, account.move_to = after_import, move_to
            account.interval_minutes = interval_minutes
            s.flush()
            audit.record(
                s,
                self.ctx,
                "mailbox.configured" if created else "mailbox.updated",
                "mailbox_account",
                account.id,
                after={"organization": org.slug, "tls": tls, "after_import": after_import},
            )
            account_id = account.id
        if password is not None:
            self.secrets.set(_password_key(account_id), password)
        return self.mailbox(account_id)

    def mailbox(self, account_id: int) -> MailboxDTO:
        with self.ctx.db.read() as s:
            account = s.get(MailboxAccount, account_id)
            if account is None:
                raise NotFound(f"no mailbox with id {account_id}")
            return self._mailbox_dto(s, account)

    def mailboxes(self) -> list[MailboxDTO]:
        with self.ctx.db.read() as s:
            return [
                self._mailbox_dto(s, a) for a in s.scalars(select(MailboxAccount).order_by(MailboxAccount.id))
            ]

    def _mailbox_dto(self, s: Session, a: MailboxAccount) -> MailboxDTO:
        org = s.get(Organization, a.organization_id)
        return MailboxDTO(
            a.id,
            org.slug if org else "",
            a.host,
            a.port,
            a.tls,
            a.username,
            a.folder,
            a.after_import,
            a.move_to,
            a.interval_minutes,
            self.secrets.get(_password_key(a.id)) is not None,
        )

    def check_mailbox(
        self,
        organization: str,
        host: str,
        port: int,
        tls: str,
        username: str,
        password: str | None,
        folder: str = "INBOX",
    ) -> int:
        """Log in and open the folder without importing or marking anything; the number of messages
        in it. ``password`` None uses the one kept for the organization's mailbox."""
        account = ImapAccount(host.strip(), port, cast(TlsMode, tls), username.strip(), folder or "INBOX")
        if not account.host or not account.username:
            raise ValidationError("a mailbox needs a host and a user name")
        if password is None:
            with self.ctx.db.read() as s:
                org = get_organization(s, organization)
                row = s.scalar(select(MailboxAccount).where(MailboxAccount.organization_id == org.id))
                account_id = row.id if row else None
            password = self.secrets.get(_password_key(account_id)) if account_id else None
            if password is None:
                raise ValidationError("enter the mailbox password: none is kept for this organization yet")
        with ImapSession(account, password) as session:
            return session.message_count

    def fetch_mailbox(
        self,
        account_id: int,
        limit: int = 200,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> FetchReportDTO:
        """Import new messages, each once: a message whose Message-ID is in the inbox or whose
        UIDVALIDITY/UID is recorded is skipped. Each message is stored (with its UID) in its own
        transaction and only then marked or moved on the server. A message that cannot be read,
        whatever the reason, costs itself alone: it is reported, left untouched on the server, and
        its failure recorded; after ``FETCH_ATTEMPTS`` failures it is set aside (never fetched again)
        so it cannot hold back later mail."""
        with self.ctx.db.read() as s:
            row = s.get(MailboxAccount, account_id)
            if row is None:
                raise NotFound(f"no mailbox with id {account_id}")
            org = s.get(Organization, row.organization_id)
            assert org is not None
            slug = org.slug
            account = _imap_account(row)
            known: set[str] = set()
            failing: dict[str, int] = {}
            for v, u, was_imported, failures in s.execute(
                select(
                    ImportedMessage.uidvalidity,
                    ImportedMessage.uid,
                    ImportedMessage.imported,
                    ImportedMessage.failures,
                ).where(ImportedMessage.account_id == account_id)
            ):
                if was_imported or failures >= FETCH_ATTEMPTS:
                    known.add(f"uid:{v}:{u}")
                else:
                    failing[f"uid:{v}:{u}"] = failures
        password = self.secrets.get(_password_key(account_id))
        if password is None:
            raise ValidationError(
                "no password is kept for this mailbox: enter it again in the mailbox settings"
            )

        def already_imported(key: str) -> bool:
            if key.startswith("uid:"):
                return key in known
            with self.ctx.db.read() as s:
                return s.scalar(select(IntakeItem.id).where(IntakeItem.message_id == key[:500])) is not None

        imported: list[IntakeResultDTO] = []
        failed: list[ImportFailureDTO] = []
        was_cancelled = False
        with ImapSession(account, password) as session:
            for done, message in enumerate(session.fetch(already_imported, limit, cancelled), 1):
                name = f"imap-{message.uid_validity}-{message.uid}.eml"

                def remember(s: Session, item: IntakeItem, m: Any = message) -> None:
                    _record_uid(s, account_id, m.uid_validity, m.uid)

                try:
                    result = self._import_email(message.raw, name, slug, None, remember)
                except Exception as exc:
                    reason = str(exc) if isinstance(exc, DomainError) else f"'{name}' could not be imported"
                    attempts = failing.get(message.import_key, 0) + 1
                    self._record_failure(account_id, message.uid_validity, message.uid, reason, attempts)
                    if attempts >= FETCH_ATTEMPTS:
                        reason += f"; set aside after {attempts} attempts, it will not be fetched again"
                    failed.append(ImportFailureDTO(name, reason))
                else:
                    known.add(message.import_key)
                    if result.duplicate_of is None:
                        imported.append(result)
                    else:
                        self._remember_uid(account_id, message.uid_validity, message.uid)
                    session.mark_imported(message.uid)
                if progress is not None:
                    progress(done, None)
            if cancelled is not None and cancelled():
                was_cancelled = True
        return FetchReportDTO(account_id, imported, failed, was_cancelled)

    def _remember_uid(self, account_id: int, uidvalidity: int, uid: int) -> None:
        with self.ctx.db.write() as s:
            _record_uid(s, account_id, uidvalidity, uid)

    def _record_failure(
        self, account_id: int, uidvalidity: int, uid: int, reason: str, attempts: int
    ) -> None:
        with self.ctx.db.write() as s:
            row = _uid_row(s, account_id, uidvalidity, uid)
            if row is None:
                row = ImportedMessage(account_id=account_id, uidvalidity=uidvalidity, uid=uid, imported=False)
                s.add(row)
            row.imported = False
            row.failures = attempts
            row.last_error = reason[:500]

    def set_aside_messages(self, account_id: int) -> list[ImportFailureDTO]:
        """Messages of a mailbox set aside after repeated failures, with the last reason each gave."""
        with self.ctx.db.read() as s:
            rows = s.scalars(
                select(ImportedMessage)
                .where(
                    ImportedMessage.account_id == account_id,
                    ImportedMessage.imported.is_(False),
                    ImportedMessage.failures >= FETCH_ATTEMPTS,
                )
                .order_by(ImportedMessage.uid)
            )
            return [ImportFailureDTO(f"imap-{r.uidvalidity}-{r.uid}.eml", r.last_error or "") for r in rows]


def _uid_row(s: Session, account_id: int, uidvalidity: int, uid: int) -> ImportedMessage | None:
    return s.scalar(
        select(ImportedMessage).where(
            ImportedMessage.account_id == account_id,
            ImportedMessage.uidvalidity == uidvalidity,
            ImportedMessage.uid == uid,
        )
    )


def _record_uid(s: Session, account_id: int, uidvalidity: int, uid: int) -> None:
    row = _uid_row(s, account_id, uidvalidity, uid)
    if row is None:
        s.add(ImportedMessage(account_id=account_id, uidvalidity=uidvalidity, uid=uid))
    else:
        row.imported = True
        row.last_error = None


def _imap_account(row: MailboxAccount) -> ImapAccount:
    return ImapAccount(
        row.host,
        row.port,
        cast(TlsMode, row.tls),
        row.username,
        row.folder,
        cast(AfterImport, row.after_import),
        row.move_to,
    )


def _password_key(account_id: int) -> str:
    return f"mailbox-password:{account_id}"


def _call_note_text(
    note: CallNote, at: dt.datetime, caller: str | None, line: str | None, org_name: str
) -> str:
    points = [p.strip() for p in note.data_points_given if p.strip()]
    lines = [
        f"Call note for {org_name}",
        f"Date and time: {at.isoformat(timespec='minutes')}",
        f"Caller's number: {caller or note.caller_number.strip() or '(not given)'}",
        f"Caller's name: {note.caller_name.strip() or '(not given)'}",
        f"Line called: {line or note.line_called.strip() or '(not noted)'}",
        "",
        "What they asked, in their words:",
        note.what_they_asked.strip(),
        "",
        "Data points given for verification:",
        *([f"- {p}" for p in points] or ["(none)"]),
    ]
    return "\n".join(lines) + "\n"


def scan_problem(data: bytes, what: str, max_bytes: int | None = None) -> str | None:
    """Why ``data`` cannot be stored as a scanned page (empty, too large, not PDF/PNG/JPEG/TIFF), or None."""
    if not data:
        return f"{what} is empty"
    limit = max_bytes if max_bytes is not None else IntakeLimits().max_file_bytes
    if len(data) > limit:
        return f"{what} is over the {limit // (1024 * 1024)} MB limit"
    if sniff_document(data) not in SCAN_TYPES:
        return (
            f"{what} is not a PDF, PNG, JPEG or TIFF file (its content is none of these); nothing was stored"
        )
    return None


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


__all__ = [
    "CallNote",
    "FetchReportDTO",
    "ImportFailureDTO",
    "ImportOutcome",
    "IntakeDocumentDTO",
    "IntakeItemDTO",
    "IntakeResultDTO",
    "IntakeRowDTO",
    "IntakeService",
    "MailboxDTO",
    "NewCaseFromIntake",
    "ScannedLetter",
    "result_json",
    "scan_problem",
]
