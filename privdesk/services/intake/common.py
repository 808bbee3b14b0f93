"""Helpers and the base every part of the intake service shares."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.errors import ConflictError, DomainError, NotFound, ValidationError
from privdesk.intake import (
    IntakeLimits,
    OrgAddressing,
    ParsedEmail,
    parse_bytes,
)
from privdesk.intake.model import MB
from privdesk.services.context import ServiceContext
from privdesk.services.intake.dto import (
    _DEFAULT_ZONE,
    PENDING,
    IntakeDocumentDTO,
    IntakeItemDTO,
    IntakeResultDTO,
)
from privdesk.services.secrets import SecretStore, default_secret_store
from privdesk.services.stored_settings import read_setting, write_setting
from privdesk.store.models import (
    Case,
    Document,
    DocumentContent,
    IntakeItem,
    Organization,
)

# -- helpers --------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or _DEFAULT_ZONE)
    except Exception:  # an unknown zone name in a profile must not block intake
        return ZoneInfo(_DEFAULT_ZONE)


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
    doc = _document(item, kind, filename, content_type, data, _put_bytes(s, data, digest))
    s.add(doc)
    return doc


def _document(
    item: IntakeItem, kind: str, filename: str, content_type: str, data: bytes, digest: str
) -> Document:
    """A document row of ``item`` for content already stored (or added to the session) as ``digest``."""
    return Document(
        intake_item_id=item.id,
        kind=kind,
        filename=filename[:255],
        content_type=content_type[:120],
        size=len(data),
        sha256=digest,
    )


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


class IntakeBase:
    """What every part of the intake service shares: its context, limits, secrets and item loading."""

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

    def _all_addressing(self) -> list[OrgAddressing]:
        with self.ctx.db.read() as s:
            return [_addressing(o) for o in s.scalars(select(Organization).order_by(Organization.id))]

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
