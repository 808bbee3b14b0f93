"""Email files into the inbox: parsed and analysed outside any transaction, stored a chunk at a time,
each file in its own savepoint; any failure costs that file alone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from privdesk.domain.errors import DomainError, ValidationError
from privdesk.domain.matching import normalize_email
from privdesk.domain.threads import normalize_message_id, thread_ids
from privdesk.domain.types import OPEN_STATUSES, Channel
from privdesk.intake import (
    IntakeLimits,
    OrgAddressing,
    ParsedEmail,
    detect,
)
from privdesk.intake.detection import quotes_text
from privdesk.intake.filenames import sanitize_filename
from privdesk.intake.model import MB
from privdesk.services import audit
from privdesk.services.intake.common import (
    IntakeBase,
    _document,
    _parse_any,
    _sha256,
    _slug,
    _zone,
)
from privdesk.services.intake.dto import (
    _FUTURE_SLACK,
    BATCH_BYTES,
    BATCH_CHUNK,
    PENDING,
    Cancelled,
    ImportFailureDTO,
    ImportOutcome,
    IntakeResultDTO,
    Progress,
    _PreparedEmail,
    detection_json,
)
from privdesk.services.organizations import get_organization
from privdesk.store.models import (
    Case,
    Consumer,
    Document,
    DocumentContent,
    IntakeItem,
    Letter,
    Organization,
)


class EmailImport(IntakeBase):
    """Email files: parse, detect, store with their originals and attachments."""

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

    @staticmethod
    def _prepare_email(
        data: bytes, filename: str, limits: IntakeLimits, addressing: Sequence[OrgAddressing]
    ) -> _PreparedEmail:
        """Parse and detect, outside any transaction."""
        name = PurePath(filename).name if filename else ""
        parsed = _parse_any(data, name, limits)
        try:
            found = detect(parsed, addressing)
            fresh = detect(parsed, addressing, read_quoted=False) if quotes_text(parsed) else None
        except Exception as exc:
            raise ValidationError(f"'{name}' could not be analysed ({type(exc).__name__})") from exc
        return _PreparedEmail(data, name, parsed, _sha256(data), found, detection_json(found), fresh)

    def _store_email(
        self,
        s: Session,
        email: _PreparedEmail,
        organization: str | None,
        on_stored: Callable[[Session, IntakeItem], None] | None = None,
        lookups: _Lookups | None = None,
    ) -> IntakeResultDTO:
        """Store one prepared email. ``lookups`` holds what a chunk of emails needs from the store, read
        once for the chunk; without it, it is read for this email alone."""
        data, name, parsed, digest, found, detection = (
            email.data,
            email.name,
            email.parsed,
            email.digest,
            email.found,
            email.detection,
        )
        known = lookups or _Lookups.load(s, [email])
        existing = known.existing(s, parsed.message_id, digest)
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
        reply = _reply_case(parsed, known.references, known.open_cases, known.threads)
        if reply is not None and email.fresh is not None:
            # A reply about a case: only its new text is read for requests, not the letter it quotes.
            detection = {**detection_json(email.fresh), "organization": found.organization}
        chosen = known.organization(s, organization) if organization else None
        org = chosen
        if org is None and found.organization:
            org = known.organizations.get(found.organization)
        warnings = [*parsed.warnings, *detection["warnings"]]
        if chosen is not None and found.organization and found.organization != chosen.slug:
            warnings.append(
                f"the message looks addressed to '{found.organization}' but was imported for '{chosen.slug}'"
            )
        received_at, more = self._email_received_at(parsed, org)
        warnings += more
        if reply is not None:
            warnings.append(
                f"looks like a reply about {reply['reference']} ({reply['why']}): attach it to that case "
                "if it is; only its new text was read for requests"
            )
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
                **({"reply_to_case": reply} if reply else {}),
            },
            warnings=warnings,
            status=PENDING,
        )
        # The item and any content not stored yet go in one flush; the documents, which refer to both,
        # go with the audit event's.
        files = [(digest, data), *((att.sha256, att.data) for att in parsed.attachments)]
        for content_digest, content in dict(files).items():
            if content_digest not in known.contents:
                s.add(DocumentContent(sha256=content_digest, data=content))
        s.add(item)
        s.flush()
        suffix = "msg" if parsed.source_format == "msg" else "eml"
        original_type = "application/vnd.ms-outlook" if suffix == "msg" else "message/rfc822"
        stored_name = sanitize_filename(name, f"message.{suffix}") if name else f"message-{item.id}.{suffix}"
        s.add(_document(item, "original", stored_name, original_type, data, digest))
        for att in parsed.attachments:
            s.add(_document(item, "attachment", att.filename, att.content_type, att.data, att.sha256))
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

    def import_files(
        self,
        paths: Sequence[str | Path],
        organization: str | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[ImportOutcome]:
        """Import a batch; a bad file gives an ImportFailureDTO and the batch goes on. Files are parsed
        and analysed outside any transaction, then stored ``BATCH_CHUNK`` at a time in one transaction
        (fewer when the files read so far hold ``BATCH_BYTES``: large emails are not all held at once),
        each inside its own savepoint so that a file refused while storing costs only itself.
        When cancelled, the files not yet started are left out of the list."""
        outcomes: list[ImportOutcome] = []
        total = len(paths)
        addressing = self._all_addressing()
        limits = self.limits
        prepared: list[ImportOutcome | _PreparedEmail] = []
        held = 0
        for raw_path in paths:
            if cancelled is not None and cancelled():
                break
            entry = self._prepare_file(Path(raw_path), addressing, limits)
            prepared.append(entry)
            if isinstance(entry, _PreparedEmail):
                held += len(entry.data) + len(entry.parsed.body_text)
            if progress is not None:  # a file counts as done once read; the chunk's commit follows
                progress(len(outcomes) + len(prepared), total)
            if len(prepared) >= BATCH_CHUNK or held >= BATCH_BYTES:
                outcomes += self._store_chunk(prepared, organization)
                prepared, held = [], 0
        if prepared:
            outcomes += self._store_chunk(prepared, organization)
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
        emails = [entry for entry in prepared if isinstance(entry, _PreparedEmail)]
        try:
            with self.ctx.db.write() as s:
                lookups = _Lookups.load(s, emails)
                audit.lock_head(s)  # once for the chunk, outside the savepoints
                for entry in prepared:
                    if isinstance(entry, _PreparedEmail):
                        try:
                            with s.begin_nested():
                                result = self._store_email(s, entry, organization, lookups=lookups)
                            stored.append(result)
                            lookups.remember(entry, result)
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


_REFERENCE_IN_TEXT = re.compile(r"\bPD-\d{4}-\d{6,9}\b", re.IGNORECASE)


def _references(parsed: ParsedEmail) -> list[tuple[str, str]]:
    """(place, reference) of our references in the subject, then in the text."""
    places = (("subject", parsed.subject), ("text", parsed.body_text[:65536]))
    return [
        (place, match.group().upper())
        for place, text in places
        for match in _REFERENCE_IN_TEXT.finditer(text)
    ]


def _thread_ids(parsed: ParsedEmail) -> list[tuple[str, str]]:
    """(header, Message-ID) of the messages a reply names, nearest first."""
    in_reply_to = parsed.headers.get("in-reply-to", "")
    named = thread_ids(in_reply_to, parsed.headers.get("references", ""))
    direct = set(thread_ids(in_reply_to, ""))
    return [("In-Reply-To" if i in direct else "References", i) for i in named]


def _reply_case(
    parsed: ParsedEmail,
    references: set[str],
    open_cases: dict[str, list[str]],
    threads: dict[str, tuple[str, str]] | None = None,
) -> dict[str, str] | None:
    """The case a message answers: a message of the case named in its In-Reply-To or References (our
    email, or an earlier message attached to the case), our reference in its subject or in the text it
    quotes, else the one open case of a consumer with the sender's address. Only a suggestion: the
    officer attaches. ``references`` are the stored ones among those the message names; ``open_cases``
    the open cases' references by consumer email (at most two each); ``threads`` the case reference
    and kind ("letter" or "intake") of each stored Message-ID the message names."""
    for header, message_id in _thread_ids(parsed):
        stored = (threads or {}).get(message_id)
        if stored is not None:
            reference, kind = stored
            what = "our email" if kind == "letter" else "an earlier message of the case"
            return {"reference": reference, "why": f"it answers {what} ({header})"}
    for place, reference in _references(parsed):
        if reference in references:
            why = "our reference in the subject" if place == "subject" else "it quotes our reference"
            return {"reference": reference, "why": why}
    address = normalize_email(parsed.from_address) if parsed.from_address else ""
    found = open_cases.get(address, []) if address else []
    if len(found) == 1:
        return {"reference": found[0], "why": "from the address of the consumer of this open case"}
    return None


@dataclass
class _Lookups:
    """What storing a chunk of emails needs from the store, read once for the chunk (a handful of
    queries instead of several per email) and kept up to date as its emails are stored."""

    organizations: dict[str, Organization]
    by_message_id: dict[str, int]
    by_digest: dict[str, int]  # originals of items stored without a Message-ID
    contents: set[str]
    references: set[str]
    open_cases: dict[str, list[str]]
    threads: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, s: Session, emails: Sequence[_PreparedEmail]) -> _Lookups:
        message_ids = {e.parsed.message_id[:500] for e in emails if e.parsed.message_id}
        digests = {e.digest for e in emails if not e.parsed.message_id}
        contents = {e.digest for e in emails} | {a.sha256 for e in emails for a in e.parsed.attachments}
        named = {reference for e in emails for _, reference in _references(e.parsed)}
        addresses = {normalize_email(e.parsed.from_address) for e in emails if e.parsed.from_address}
        addresses.discard("")
        open_cases: dict[str, list[str]] = {}
        if addresses:
            rows = s.execute(
                select(Consumer.email_key, Case.reference)
                .join(Consumer, Consumer.id == Case.consumer_id)
                .where(Consumer.email_key.in_(addresses), Case.status.in_([v.value for v in OPEN_STATUSES]))
                .order_by(Case.received_on.desc(), Case.id.desc())
            )
            for key, reference in rows:
                found = open_cases.setdefault(str(key), [])
                if len(found) < 2:
                    found.append(reference)
        by_message_id: dict[str, int] = {}
        if message_ids:
            query = select(IntakeItem.message_id, IntakeItem.id).where(IntakeItem.message_id.in_(message_ids))
            by_message_id = {str(key): item_id for key, item_id in s.execute(query)}
        by_digest: dict[str, int] = {}
        if digests:
            query_digest = select(Document.sha256, Document.intake_item_id).where(
                Document.sha256.in_(digests),
                Document.kind == "original",
                Document.intake_item_id.is_not(None),
            )
            by_digest = {key: int(item_id) for key, item_id in s.execute(query_digest) if item_id is not None}
        stored = DocumentContent.sha256
        return cls(
            threads=_threads(s, {i for e in emails for _, i in _thread_ids(e.parsed)}),
            organizations={o.slug: o for o in s.scalars(select(Organization))},
            by_message_id=by_message_id,
            by_digest=by_digest,
            contents=set(s.scalars(select(stored).where(stored.in_(contents)))) if contents else set(),
            references=set(s.scalars(select(Case.reference).where(Case.reference.in_(named))))
            if named
            else set(),
            open_cases=open_cases,
        )

    def existing(self, s: Session, message_id: str, digest: str) -> IntakeItem | None:
        """The item already holding this email: same Message-ID, or without one the same bytes."""
        found = self.by_message_id.get(message_id[:500]) if message_id else self.by_digest.get(digest)
        return s.get(IntakeItem, found) if found is not None else None

    def organization(self, s: Session, slug: str) -> Organization:
        return self.organizations.get(slug) or get_organization(s, slug)

    def remember(self, email: _PreparedEmail, result: IntakeResultDTO) -> None:
        """After an email's savepoint is released: later emails of the chunk see it."""
        if result.duplicate_of is not None:
            return
        if email.parsed.message_id:
            self.by_message_id[email.parsed.message_id[:500]] = result.intake_id
        else:
            self.by_digest[email.digest] = result.intake_id
        self.contents.add(email.digest)
        self.contents.update(a.sha256 for a in email.parsed.attachments)


def _threads(s: Session, message_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Case reference and kind of the stored messages among ``message_ids``: our emailed letters, and
    intake items made into or attached to a case (stored Message-IDs may lack their angle brackets)."""
    if not message_ids:
        return {}
    forms = message_ids | {i.strip("<>") for i in message_ids}
    found: dict[str, tuple[str, str]] = {}
    intake = (
        select(IntakeItem.message_id, Case.reference)
        .join(Case, Case.id == IntakeItem.case_id)
        .where(IntakeItem.message_id.in_(forms))
    )
    letters = (
        select(Letter.message_id, Case.reference)
        .join(Case, Case.id == Letter.case_id)
        .where(Letter.message_id.in_(forms))
    )
    for kind, query in (("intake", intake), ("letter", letters)):
        for message_id, reference in s.execute(query):
            found[normalize_message_id(str(message_id)) or str(message_id)] = (reference, kind)
    return found
