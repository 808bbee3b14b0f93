"""Opening privdesk's store and the services over it: the one entry point for the GUI and the CLI."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from privdesk.paths import DB_ENV, resolve_database
from privdesk.services.agents import AgentService
from privdesk.services.audit import AuditService
from privdesk.services.cases import CaseService
from privdesk.services.changes import install_change_notifications
from privdesk.services.clock import ClockService
from privdesk.services.consumers import ConsumerService
from privdesk.services.context import ServiceContext
from privdesk.services.dashboard import DashboardService
from privdesk.services.dburl import resolve_pg_url
from privdesk.services.notes import NoteService
from privdesk.services.organizations import OrganizationService
from privdesk.services.queue import QueueService
from privdesk.services.secrets import MemorySecretStore, SecretStore, default_secret_store, unlock_key
from privdesk.services.stored_settings import CalendarSettings
from privdesk.services.users import UserService
from privdesk.services.workflow import WorkflowService
from privdesk.store.engine import Database, make_engine
from privdesk.store.migrate import is_up_to_date, upgrade

if TYPE_CHECKING:
    from privdesk.services.backup import BackupService
    from privdesk.services.casefile import CaseFileService
    from privdesk.services.intake import IntakeService
    from privdesk.services.letters import LetterService
    from privdesk.services.reports import ReportService


def default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return "officer"


class Services:
    """Every service of one database, sharing one context."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.organizations = OrganizationService(ctx)
        self.consumers = ConsumerService(ctx)
        self.cases = CaseService(ctx)
        self.audit = AuditService(ctx)
        self.workflow = WorkflowService(ctx)
        self.clock = ClockService(ctx)
        self.notes = NoteService(ctx)
        self.agents = AgentService(ctx)
        self.dashboard = DashboardService(ctx)
        self.queue = QueueService(ctx)
        self.users = UserService(ctx)
        self.calendar = CalendarSettings(ctx)
        self.secrets: SecretStore = MemorySecretStore()

    # Services that bring ReportLab, the email parsers or the backup machinery are made on first use,
    # so the queue is ready sooner; the first call comes from a worker thread, never the GUI's.
    @cached_property
    def letters(self) -> LetterService:
        from privdesk.services.letters import LetterService

        return LetterService(self.ctx)

    @cached_property
    def intake(self) -> IntakeService:
        from privdesk.services.intake import IntakeService

        return IntakeService(self.ctx, secrets=lambda: self.secrets)

    @cached_property
    def reports(self) -> ReportService:
        from privdesk.services.reports import ReportService

        return ReportService(self.ctx)

    @cached_property
    def casefile(self) -> CaseFileService:
        from privdesk.services.casefile import CaseFileService

        return CaseFileService(self.ctx)

    @cached_property
    def backups(self) -> BackupService:
        from privdesk.services.backup import BackupService

        return BackupService(self.ctx)

    @property
    def db(self) -> Database:
        return self.ctx.db

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | None = None,
        *,
        actor: str | None = None,
        migrate: bool = True,
        now: Callable[[], dt.datetime] | None = None,
        passphrase: str | None = None,
        encrypt: bool | None = None,
        key: bytes | None = None,
        secrets: SecretStore | None = None,
    ) -> Services:
        """Open (or create) the database. SQLite files may be encrypted: see ``secrets.unlock_key`` for
        where the key comes from; ``key`` (a recovery key) overrides the lookup."""
        location = resolve_database(target)
        store = secrets if secrets is not None else default_secret_store()
        if key is None and "://" not in location:
            is_default = not target and not os.environ.get(DB_ENV)
            key = unlock_key(
                location, store=store, passphrase=passphrase, encrypt=encrypt, is_default_database=is_default
            )
        if "://" in location:
            # A server password lives in the keyring, never in the URL a settings file keeps.
            location = resolve_pg_url(location, store.get)
            install_change_notifications()
        engine = make_engine(location, key=key)
        ctx = ServiceContext(Database(engine), actor=actor or default_actor())
        if now is not None:
            ctx.now = now
        services = cls(ctx)
        services.secrets = store
        if migrate:
            try:
                services.migrate()
            except BaseException:
                engine.dispose()
                raise
            services.ctx.db.optimize()
        return services

    @property
    def unencrypted_file(self) -> bool:
        """True for an SQLite file without encryption (the demo, or one made with --plain)."""
        from privdesk.store.engine import engine_key

        return self.ctx.db.is_sqlite and engine_key(self.ctx.db.engine) is None

    def migrate(self) -> None:
        """Bring the schema to head; an existing SQLite file is backed up (and the backup verified)
        first, whichever entry point opens it. New databases and current ones cost one query."""
        if is_up_to_date(self.ctx.db.engine):
            return
        if self.backups.supported():
            self.backups.migrate_with_backup()  # seals rows written before seals existed, too
        else:
            from privdesk.services.backup import seal_rows_written_before_seals

            upgrade(self.ctx.db.engine)
            seal_rows_written_before_seals(self.ctx)

    def close(self) -> None:
        self.ctx.db.dispose()
