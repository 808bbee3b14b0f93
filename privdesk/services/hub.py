"""Opening privdesk's store and the services over it: the one entry point for the GUI and the CLI."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable

from privdesk.paths import default_database_path
from privdesk.services.agents import AgentService
from privdesk.services.audit import AuditService
from privdesk.services.cases import CaseService
from privdesk.services.consumers import ConsumerService
from privdesk.services.context import ServiceContext
from privdesk.services.organizations import OrganizationService
from privdesk.services.workflow import WorkflowService
from privdesk.store.engine import Database, make_engine
from privdesk.store.migrate import upgrade

DB_ENV = "PRIVDESK_DB"


def resolve_database(target: str | os.PathLike[str] | None) -> str:
    """``--db`` wins, then ``PRIVDESK_DB``, then privdesk.db in the user's data folder."""
    if target:
        return os.fspath(target)
    env = os.environ.get(DB_ENV)
    if env:
        return env
    return str(default_database_path())


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
        self.agents = AgentService(ctx)

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
    ) -> Services:
        location = resolve_database(target)
        engine = make_engine(location)
        if migrate:
            upgrade(engine)
        ctx = ServiceContext(Database(engine), actor=actor or default_actor())
        if now is not None:
            ctx.now = now
        return cls(ctx)

    def close(self) -> None:
        self.ctx.db.dispose()
