"""Tamper evidence beyond the audit chain: a changed deadline, consumer name or stored document is found."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, text

from privdesk.cli import run
from privdesk.services.content import TamperedContent
from privdesk.services.hub import Services
from privdesk.services.integrity import tamper_check
from privdesk.store.models import Case, Document, DocumentContent
from tests.conftest import database_target, fixed_now, sqlite_only
from tests.security.support import SECRET_NAME, fill

ID_SCAN = b"%PDF-1.4 scanned identity document\n%%EOF\n"


def _with_document(svc: Services) -> tuple[str, int]:
    digest = hashlib.sha256(ID_SCAN).hexdigest()
    with svc.db.write() as s:
        case = s.scalars(select(Case).order_by(Case.id)).first()
        assert case is not None
        s.add(DocumentContent(sha256=digest, data=ID_SCAN))
        s.flush()
        doc = Document(case_id=case.id, kind="id_proof", filename="id.pdf", size=len(ID_SCAN), sha256=digest)
        s.add(doc)
        s.flush()
        return case.reference, doc.id


@pytest.fixture
def filled(tmp_path: Path) -> Services:
    # An encrypted SQLite file (keyed seals), or a PostgreSQL database when the run names a server.
    svc = Services.open(database_target(tmp_path), actor="tester", now=fixed_now, encrypt=True)
    fill(svc)
    return svc


def _sql(svc: Services, statement: str, **params: object) -> None:
    """An edit made with another tool: straight SQL, no privdesk service."""
    with svc.db.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_a_sound_database_passes_every_check(filled: Services) -> None:
    report = tamper_check(filled.db)
    assert report.ok, report.problems
    assert report.unsealed_rows == 0
    filled.close()


def test_a_changed_deadline_is_named_by_check_db(
    filled: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(filled, "UPDATE request_items SET respond_by = :d WHERE id = 1", d=dt.date(2027, 6, 30))
    assert filled.audit.verify().ok  # the audit chain alone does not see it
    report = tamper_check(filled.db)
    assert not report.ok
    assert "PD-2026-000001" in report.problems[0] and "deadlines" in report.problems[0]
    db = str(filled.db.url.database)
    sqlite = filled.db.is_sqlite
    filled.close()
    if sqlite:  # check-db reads an SQLite file; a server is checked through the service above
        code = run(["--db", db, "check-db"])
        out = capsys.readouterr()
        assert code != 0 and "PD-2026-000001" in out.out


def test_a_changed_consumer_name_is_found(filled: Services) -> None:
    _sql(filled, "UPDATE consumers SET full_name = 'Someone Else' WHERE full_name = :n", n=SECRET_NAME)
    report = tamper_check(filled.db)
    assert any(p.startswith("consumer ") and "name" in p for p in report.problems)
    filled.close()


def test_changes_through_privdesk_keep_the_seals(filled: Services) -> None:
    filled.workflow.acknowledge("PD-2026-000001", on=fixed_now().date(), method="email")
    assert tamper_check(filled.db).ok
    filled.close()


@sqlite_only("rotating the key of an SQLite file")
def test_seals_survive_a_key_rotation_and_an_earlier_edit_stays_visible(
    filled: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(filled, "UPDATE cases SET received_on = :d WHERE id = 2", d=dt.date(2026, 1, 2))
    db = str(filled.db.url.database)
    filled.close()
    assert run(["--db", db, "rotate-key"]) == 0
    capsys.readouterr()
    svc = Services.open(db, actor="tester", now=fixed_now)
    try:
        problems = tamper_check(svc.db).problems
        assert len(problems) == 1 and "PD-2026-000002" in problems[0]
    finally:
        svc.close()


def test_a_changed_document_is_refused_on_read_export_and_check(filled: Services, tmp_path: Path) -> None:
    reference, document_id = _with_document(filled)
    assert filled.intake.original_bytes(document_id) == ID_SCAN
    _sql(
        filled,
        "UPDATE document_contents SET data = :d WHERE data = :old",
        d=b"%PDF-1.4 a different document\n%%EOF\n",
        old=ID_SCAN,
    )
    with pytest.raises(TamperedContent, match=f"document {document_id}"):
        filled.intake.original_bytes(document_id)
    out = tmp_path / "export.zip"
    with pytest.raises(TamperedContent, match=f"document {document_id}"):
        filled.reports.export_case(reference, out)
    assert not out.exists()
    problems = tamper_check(filled.db).problems
    assert any(f"document {document_id} of case {reference}" in p for p in problems)
    filled.close()
