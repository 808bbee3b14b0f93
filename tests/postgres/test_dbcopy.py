"""Moving up: the demo database copied to a new database, counts equal, documents and audit chain intact."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from privdesk.cli.core import run
from privdesk.domain.errors import ValidationError
from privdesk.services.dbcopy import copy_database
from privdesk.services.hub import Services
from privdesk.store.models import Consumer, Document, DocumentContent
from tests.conftest import TODAY, fixed_now
from tests.postgres.test_concurrency import _new_case

PDF = b"%PDF-1.4 fictional scanned letter \x00\xff" * 50


def _demo_source(demo_template: Path, tmp_path: Path) -> Path:
    """The seeded demo plus what it lacks: a stored document and a consumer merged into a later one."""
    source = tmp_path / "source.db"
    shutil.copy(demo_template, source)
    svc = Services.open(str(source), actor="tester", now=fixed_now)
    with svc.db.write() as s:
        digest = hashlib.sha256(PDF).hexdigest()
        s.add(DocumentContent(sha256=digest, data=PDF))
        s.flush()
        s.add(Document(kind="original", filename="letter.pdf", size=len(PDF), sha256=digest))
        first, last = s.scalar(select(func.min(Consumer.id))), s.scalar(select(func.max(Consumer.id)))
        s.execute(update(Consumer).where(Consumer.id == first).values(merged_into_id=last))
    svc.close()
    return source


def _counts(target: str) -> dict[str, int]:
    from privdesk.store.base import Base

    svc = Services.open(target, now=fixed_now)
    try:
        with svc.db.read() as s:
            return {
                t.name: s.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables
            }
    finally:
        svc.close()


def _check_copy(source: Path, target: str) -> None:
    report = copy_database(str(source), target)
    assert report.ok, report.problems
    assert report.audit_ok and report.audit_checked > 50
    assert report.documents_checked >= 1
    expected = _counts(str(source))
    # Row seals are not copied: the target seals every copied row under its own key.
    seals = expected.pop("row_seals")
    assert {t.table: t.target for t in report.tables} == expected
    assert expected["cases"] > 10 and expected["audit_events"] > 50
    assert _counts(target) == {**expected, "row_seals": seals}
    from privdesk.services.integrity import tamper_check

    copied = Services.open(target, now=fixed_now)
    try:
        assert tamper_check(copied.db).ok
    finally:
        copied.close()

    svc = Services.open(target, actor="tester", now=fixed_now)
    try:
        with svc.db.read() as s:
            stored = s.get(DocumentContent, hashlib.sha256(PDF).hexdigest())  # the demo has others
            assert stored is not None and stored.data == PDF
            merged = s.scalar(select(Consumer).where(Consumer.merged_into_id.is_not(None)))
            assert merged is not None and merged.merged_into_id == s.scalar(select(func.max(Consumer.id)))
        # Sequences continue after the copied ids, and references after the copied numbers.
        before = {c.reference for c in svc.cases.list()}
        created = svc.cases.create(_new_case("after", 0))
        assert created.reference not in before
        assert (
            int(created.reference.rsplit("-", 1)[1]) == len([r for r in before if f"-{TODAY.year}-" in r]) + 1
        )
        assert svc.audit.verify().ok
    finally:
        svc.close()


def test_copy_to_sqlite(demo_template: Path, tmp_path: Path) -> None:
    _check_copy(_demo_source(demo_template, tmp_path), str(tmp_path / "copy.db"))


@pytest.mark.postgres
def test_copy_demo_to_postgresql(demo_template: Path, tmp_path: Path, pg_url: str) -> None:
    _check_copy(_demo_source(demo_template, tmp_path), pg_url)


def test_refuses_a_non_empty_target_and_bad_sources(demo_template: Path, tmp_path: Path) -> None:
    source = _demo_source(demo_template, tmp_path)
    with pytest.raises(ValidationError, match="not empty"):
        copy_database(str(source), str(demo_template))
    with pytest.raises(ValidationError, match="same database"):
        copy_database(str(source), str(source))
    with pytest.raises(ValidationError, match="no database file"):
        copy_database(str(tmp_path / "missing.db"), str(tmp_path / "new.db"))


def test_migrate_db_command(
    demo_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    from tests.postgres.conftest import pg_server

    target = request.getfixturevalue("pg_url") if pg_server() else str(tmp_path / "copy.db")
    source = _demo_source(demo_template, tmp_path)
    assert run(["migrate-db", "--from", str(source), "--to", target, "--json"]) == 0
    out, err = capsys.readouterr()
    payload = json.loads(out)
    assert payload["ok"] is True and payload["audit_ok"] is True and err == ""
    assert {t["table"] for t in payload["tables"]} >= {"cases", "audit_events", "document_contents"}
    assert all(t["source"] == t["target"] for t in payload["tables"])
    # A second run finds the target filled and says so in one line, without a traceback.
    assert run(["migrate-db", "--from", str(source), "--to", target]) == 1
    out, err = capsys.readouterr()
    assert "not empty" in err and "Traceback" not in err
    assert run(["--db", target, "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
