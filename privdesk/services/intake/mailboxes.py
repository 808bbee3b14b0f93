"""An organization's IMAP mailbox: configured, checked and fetched; a message that keeps failing
is set aside in the mailbox's record so it never blocks later mail."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.errors import DomainError, NotFound, ValidationError
from privdesk.intake.imap import AfterImport, ImapAccount, ImapSession, TlsMode
from privdesk.services import audit
from privdesk.services.intake.dto import (
    FETCH_ATTEMPTS,
    Cancelled,
    FetchReportDTO,
    ImportFailureDTO,
    IntakeResultDTO,
    MailboxDTO,
    Progress,
)
from privdesk.services.intake.files import EmailImport
from privdesk.services.organizations import get_organization
from privdesk.store.models import (
    ImportedMessage,
    IntakeItem,
    MailboxAccount,
    Organization,
)


class Mailboxes(EmailImport):
    """An organization's IMAP mailbox: configure, check, fetch; failing messages set aside."""

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
