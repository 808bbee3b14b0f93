"""Tamper checks beyond SQLite's own: stored files against their SHA-256, sealed rows against their seals,
and the audit chain. ``privdesk check-db`` runs them after the integrity check."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from privdesk.services.audit import AuditService
from privdesk.services.content import mismatched_contents
from privdesk.services.context import ServiceContext
from privdesk.store import seals
from privdesk.store.engine import Database
from privdesk.store.models import Case, Document


@dataclasses.dataclass(frozen=True)
class TamperReport:
    problems: list[str]
    unsealed_rows: int
    documents_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


def tamper_check(db: Database) -> TamperReport:
    """Every stored file, every sealed row and the audit chain; problems name the first rows that differ."""
    from sqlalchemy import func, select

    problems: list[str] = []
    with db.read() as s:
        bad = set(mismatched_contents(s))
        if bad:
            named = s.execute(
                select(Document, Case.reference)
                .outerjoin(Case, Case.id == Document.case_id)
                .where(Document.sha256.in_(bad))
                .order_by(Document.id)
            ).all()
            for doc, reference in named[:10]:
                owner = f"case {reference}" if reference else "no case"
                problems.append(
                    f"document {doc.id} of {owner} ({doc.kind}): its stored bytes no longer match their "
                    "SHA-256 (changed outside privdesk or damaged)"
                )
            if not named:
                problems.append(f"{len(bad)} stored file(s) no longer match their SHA-256")
        documents = int(s.scalar(select(func.count()).select_from(Document)) or 0)
        changed, unsealed = seals.mismatches(s, db.seal_key)
        problems += changed
    report = AuditService(ServiceContext(db)).verify()
    if not report.ok:
        problems.append(f"the audit trail does not verify: {report.reason} (event {report.first_broken_id})")
    return TamperReport(problems, unsealed, documents)


def tamper_check_file(path: Path, key: bytes | None) -> TamperReport:
    """``tamper_check`` on a closed SQLite file (the command line's check-db)."""
    from privdesk.store.engine import make_engine

    database = Database(make_engine(path, key=key))
    try:
        return tamper_check(database)
    finally:
        database.dispose()
