"""Typed SQLAlchemy models for every entity of the domain model (DESIGN.md §3).

Entities people edit carry a ``version`` column: SQLAlchemy adds ``WHERE version = :old`` to every
UPDATE, so a stale edit from another workstation fails instead of overwriting silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SQLColumnExpression,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    literal_column,
)
from sqlalchemy import (
    true as sa_true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from privdesk.domain.types import OPEN_STATUSES
from privdesk.store.base import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    # Failed sign-ins in a row and when the last one happened (seconds since the epoch, wall clock):
    # kept here so every process and workstation waits alike (migration 0007).
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    last_failed_login: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    legal_name: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))  # business, service_provider, both
    postal_address: Mapped[str] = mapped_column(Text, default="")
    privacy_email: Mapped[str | None] = mapped_column(String(254))
    toll_free_phone: Mapped[str | None] = mapped_column(String(40))
    stl_address: Mapped[str | None] = mapped_column(Text)
    stl_email: Mapped[str | None] = mapped_column(String(254))
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles")
    page_size: Mapped[str] = mapped_column(String(10), default="letter")
    jurisdictions: Mapped[list[Any]] = mapped_column(default=list)
    sells_or_shares: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_months: Mapped[int] = mapped_column(Integer, default=24)
    # Everything else from the privacy notice: contact channels, special instructions,
    # accepted channels and required subject lines per request type, roles, exclusions.
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    disclosures: Mapped[list[Disclosure]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Disclosure.position"
    )
    stl_disclosures: Mapped[list[StlDisclosure]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="StlDisclosure.position"
    )


class Disclosure(Base):
    """One row of the privacy notice's table: a category with its sources, purposes and recipients."""

    __tablename__ = "disclosures"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # collected, sold_shared
    category: Mapped[str] = mapped_column(String(300))
    sources: Mapped[str] = mapped_column(Text, default="")
    purposes: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    organization: Mapped[Organization] = relationship(back_populates="disclosures")


class StlDisclosure(Base):
    """Shine the Light: what went to a third party for its own direct marketing in a calendar year."""

    __tablename__ = "stl_disclosures"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    recipient_name: Mapped[str] = mapped_column(String(300))
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    nature_of_business: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    organization: Mapped[Organization] = relationship(back_populates="stl_disclosures")


class Consumer(Base):
    __tablename__ = "consumers"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    email_key: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(60))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    postal_address: Mapped[str] = mapped_column(Text, default="")
    postal_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    account_id: Mapped[str | None] = mapped_column(String(120))
    ca_residency_attested: Mapped[bool] = mapped_column(Boolean, default=False)
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("consumers.id"))
    purged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    identifiers: Mapped[list[ConsumerIdentifier]] = relationship(
        back_populates="consumer", cascade="all, delete-orphan"
    )


class ConsumerIdentifier(Base):
    """Further names, emails, phones and addresses a person used, normalised for matching."""

    __tablename__ = "consumer_identifiers"
    id: Mapped[int] = mapped_column(primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # name, email, phone, address
    value: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(String(300), index=True)
    consumer: Mapped[Consumer] = relationship(back_populates="identifiers")


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # person, business
    name: Mapped[str] = mapped_column(String(300))
    sos_registration: Mapped[str | None] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    postal_address: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class Authorization(Base):
    __tablename__ = "authorizations"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumers.id"), index=True)
    # The signed permission is a Document of the case (kind "authorization"); plain id, no FK,
    # because an authorization outlives the case it arrived with.
    document_id: Mapped[int | None] = mapped_column(Integer)
    signed_permission: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_by: Mapped[str | None] = mapped_column(String(300))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    scope: Mapped[list[Any]] = mapped_column(default=list)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    power_of_attorney: Mapped[dict[str, Any] | None] = mapped_column()
    consumer_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    consumer_confirm_method: Mapped[str | None] = mapped_column(String(40))
    consumer_verified_directly: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class ReferenceCounter(Base):
    """The last case number handed out per year; one row per year, locked while incremented."""

    __tablename__ = "reference_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumers.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorizations.id"))
    jurisdiction: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[dt.datetime] = mapped_column()
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    logged_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(30), index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    designated_channel: Mapped[bool] = mapped_column(Boolean, default=True)
    # Coded warnings found at intake (limits, facial checks, possible same person), kept for the case view.
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    next_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # The consumer's name as the queue shows and sorts it, kept in step by the services (search.py).
    consumer_name: Mapped[str] = mapped_column(String(300), default="", server_default="")
    authorization_holds: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    purged_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)
    # The inbox item this case was made from: how a retried "make case" finds the case an interrupted
    # attempt created (intake_items.case_id says the same from the other side once linked).
    intake_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("intake_items.id", use_alter=True), index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship()
    consumer: Mapped[Consumer] = relationship()
    agent: Mapped[Agent | None] = relationship()
    items: Mapped[list[RequestItem]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="RequestItem.id"
    )


class RequestItem(Base):
    __tablename__ = "request_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    request_type: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(30))
    acknowledge_by: Mapped[dt.date | None] = mapped_column(Date)
    respond_by: Mapped[dt.date | None] = mapped_column(Date, index=True)
    extension_notice_by: Mapped[dt.date | None] = mapped_column(Date)
    extended_respond_by: Mapped[dt.date | None] = mapped_column(Date)
    respond_outside_by: Mapped[dt.date | None] = mapped_column(Date)
    extended_outside_by: Mapped[dt.date | None] = mapped_column(Date)
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rule_version: Mapped[str | None] = mapped_column(String(80))
    verification_level: Mapped[str | None] = mapped_column(String(30))
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date)
    acknowledge_method: Mapped[str | None] = mapped_column(String(20))
    extended_on: Mapped[dt.date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    responded_on: Mapped[dt.date | None] = mapped_column(Date)
    denial_reasons: Mapped[list[Any]] = mapped_column(default=list)
    denial_text: Mapped[str | None] = mapped_column(Text)
    redirected_to: Mapped[str | None] = mapped_column(String(300))
    # Set when the item is answered as another type (unverifiable specific pieces -> categories).
    effective_type: Mapped[str | None] = mapped_column(String(30))
    verification_result: Mapped[str | None] = mapped_column(String(20))
    disclosed_specific_pieces: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)
    # Where the law lets the clock start later than receipt (UK "relevant time") or stop (waiting for
    # clarification): the day it started, and the pauses as [{"start", "end", "reason"}] (ISO dates).
    clock_started_on: Mapped[dt.date | None] = mapped_column(Date)
    clock_pauses: Mapped[list[Any] | None] = mapped_column()
    # A California know request reaching back before the usual 12 months: the first day it covers
    # (2022-01-01 for "everything"), None for the usual 12 months.
    know_since: Mapped[dt.date | None] = mapped_column(Date)
    # An opt-out or limit request carried out (the business stopped selling, sharing, using): the day,
    # which is what its deadline measures; the confirmation to the consumer follows.
    processed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="items")


class CaseSearch(Base):
    """A case's searchable text in folded form (domain/search.py), rewritten by the services on change.

    SQLite indexes it with an FTS5 table (``case_search_fts``, external content, kept in step by
    triggers); PostgreSQL with a trigram GIN index. Both are created by migration 0002.
    """

    __tablename__ = "case_search"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    body: Mapped[str] = mapped_column(Text, default=" ")


class Verification(Base):
    __tablename__ = "verifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    level_required: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(30))
    # Data points asked/received/matched; purged after the case (used only to verify).
    checks: Mapped[list[Any]] = mapped_column(default=list)
    declaration_received: Mapped[bool] = mapped_column(Boolean, default=False)
    account_reauthenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    purged: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class DocumentContent(Base):
    """File bytes, stored once per SHA-256 inside the database (encrypted with it, copied with it)."""

    __tablename__ = "document_contents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    intake_item_id: Mapped[int | None] = mapped_column(ForeignKey("intake_items.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))  # original, attachment, id_proof, authorization, letter...
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("document_contents.sha256"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class IntakeItem(Base):
    __tablename__ = "intake_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    channel: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[dt.datetime] = mapped_column()
    received_on: Mapped[dt.date] = mapped_column(Date)
    received_corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    sender_name: Mapped[str] = mapped_column(String(300), default="")
    sender_address: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    detection: Mapped[dict[str, Any]] = mapped_column(default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)  # postmark, caller number, line...
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    set_aside_reason: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class LetterTemplate(Base):
    """An officer's edited copy of a bundled template; each save is a new version row."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("kind", "family", "version", name="uq_letter_templates_kind_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    family: Mapped[str] = mapped_column(String(30), default="")
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class Letter(Base):
    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("request_items.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), index=True)
    template_ref: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    sha256: Mapped[str | None] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    printed_at: Mapped[dt.datetime | None] = mapped_column()
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(30))
    tracking_number: Mapped[str | None] = mapped_column(String(80))
    # The Message-ID of the email the letter was sent in (method "email"): replies name it.
    message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    # When the claim was taken: a claim older than the claim timeout may be taken over (services/claims.py).
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("request_items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    assignee: Mapped[str | None] = mapped_column(String(64))
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)


class AuditEvent(Base):
    """Append-only; ``hash`` covers the event and the previous event's hash."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    case_reference: Mapped[str | None] = mapped_column(String(20), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """Single row locked by each writer so that chain appends are serialised on every engine."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_event_id: Mapped[int | None] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RowSeal(Base):
    """A keyed digest of the legally meaningful fields of a case, request item or consumer, written by
    privdesk with every change (``store.seals``); a row edited outside privdesk no longer matches it."""

    __tablename__ = "row_seals"
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))


class MailboxAccount(Base):
    __tablename__ = "mailbox_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    tls: Mapped[str] = mapped_column(String(10))
    username: Mapped[str] = mapped_column(String(255))
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    after_import: Mapped[str] = mapped_column(String(20), default="mark_seen")
    move_to: Mapped[str | None] = mapped_column(String(255))
    interval_minutes: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}


class ImportedMessage(Base):
    __tablename__ = "imported_messages"
    __table_args__ = (UniqueConstraint("account_id", "uidvalidity", "uid", name="uq_imported_messages_uid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("mailbox_accounts.id", ondelete="CASCADE"))
    # Unsigned 32-bit in IMAP: wider than PostgreSQL's integer.
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    # False while the message keeps failing to import: retried until FETCH_ATTEMPTS failures, then set
    # aside (never fetched again, listed with its reason) so it cannot block later mail.
    imported: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


Index("ix_cases_org_status", Case.organization_id, Case.status)
# The queue's default view (open cases by due date) and the dashboard's counts read these alone.
Index("ix_cases_status_due", Case.status, Case.next_due_on)
Index("ix_cases_consumer_name", Case.consumer_name)
Index("ix_cases_closed_on", Case.closed_on)
Index("ix_cases_channel", Case.channel)
Index("ix_cases_jurisdiction", Case.jurisdiction)
Index("ix_request_items_type_case", RequestItem.request_type, RequestItem.case_id)
Index("ix_request_items_status_type", RequestItem.status, RequestItem.request_type)

# The open statuses as the open-case indexes below list them (sorted, as migration 0004 wrote them).
OPEN_STATUS_VALUES: tuple[str, ...] = tuple(sorted(status.value for status in OPEN_STATUSES))


def status_off_index() -> ColumnElement[str]:
    """``status || ''``: the status in a form SQLite cannot look up in the status indexes, so that its
    planner (which has no statistics) reads an index in the page's order instead of every open case."""
    return Case.status.concat(literal_column("''"))


def open_status_condition(status: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """``status IN (...)`` with the values written out in the open-case indexes' order: SQLite uses a
    partial index only when the query states its condition verbatim (a bound parameter does not count)."""
    return status.in_(bindparam("open_statuses", OPEN_STATUS_VALUES, expanding=True, literal_execute=True))


# Open cases in each queue order, ties by id (migration 0004): a page of open cases, however deep,
# walks one of these without reading the table. SQLite's condition is the one the queue writes there
# (``status || ''``, see above); PostgreSQL's planner has statistics and is given the plain column.
for _name, _column in (
    ("ix_cases_open_due", Case.next_due_on),
    ("ix_cases_open_organization", Case.organization_id),
    ("ix_cases_open_consumer_name", Case.consumer_name),
    ("ix_cases_open_jurisdiction", Case.jurisdiction),
    ("ix_cases_open_channel", Case.channel),
    ("ix_cases_open_received_on", Case.received_on),
    ("ix_cases_open_status", Case.status),
):
    Index(
        _name,
        _column,
        Case.id,
        sqlite_where=open_status_condition(status_off_index()),
        postgresql_where=open_status_condition(Case.status),
    )
del _name, _column

# Search structures an engine keeps by itself: SQLite's FTS5 table with its shadow tables, and
# PostgreSQL's trigram index (an operator class Alembic does not compare). Migration 0002 creates
# them; schema comparisons leave them out (see ``include_in_schema_comparison``).
SEARCH_FTS_TABLE = "case_search_fts"
SEARCH_TRGM_INDEX = "ix_case_search_body_trgm"


def include_in_schema_comparison(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic ``include_object`` hook: skip the engine-kept search structures named above."""
    if name is None:
        return True
    if type_ == "table" and name.startswith(SEARCH_FTS_TABLE):
        return False
    return not (type_ == "index" and name == SEARCH_TRGM_INDEX)
