"""Backups: encrypted like the database, verified, rotated; restore reproduces everything; damage is found."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privdesk.cli import run
from privdesk.domain.errors import StoreError
from privdesk.services.backup import BackupInfo, backups_to_keep, list_backups, restore, startup_check
from privdesk.services.hub import Services
from privdesk.store import crypto
from privdesk.store.engine import engine_key
from privdesk.store.models import AuditEvent, Case, Document, DocumentContent, RequestItem
from tests.conftest import fixed_now, sqlite_only
from tests.security.support import contains_secret, fill, raw_bytes

# Backups copy the SQLite file with its online backup API; a server is backed up with pg_dump.
sqlite_backup = sqlite_only("SQLite backup API and file checks (a server is backed up with pg_dump)")

ID_SCAN = b"%PDF-1.4 scanned identity card of Philippa Quenneville"


def add_document(services: Services) -> None:
    digest = hashlib.sha256(ID_SCAN).hexdigest()
    with services.db.write() as s:
        case = s.scalars(select(Case)).first()
        assert case is not None
        s.add(DocumentContent(sha256=digest, data=ID_SCAN))
        s.flush()
        s.add(Document(case_id=case.id, kind="id_proof", filename="id.pdf", size=len(ID_SCAN), sha256=digest))


def counts(services: Services) -> dict[str, int]:
    with services.db.read() as s:
        return {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Case, RequestItem, Document, DocumentContent, AuditEvent)
        }


@pytest.fixture
def encrypted(tmp_path: Path) -> Services:
    svc = Services.open(str(tmp_path / "live.db"), actor="tester", now=fixed_now, encrypt=True)
    fill(svc, cases=4)
    add_document(svc)
    return svc


@sqlite_backup
def test_backup_is_encrypted_verified_and_restores_everything(encrypted: Services, tmp_path: Path) -> None:
    live = Path(encrypted.db.url.database or "")
    key = engine_key(encrypted.db.engine)
    folder = tmp_path / "backups"
    info = encrypted.backups.backup(folder)
    assert info.path.parent == folder and info.path.name == "privdesk-20261120T153000Z.db"
    assert not contains_secret(raw_bytes(info.path)) and ID_SCAN not in info.path.read_bytes()
    assert not list(folder.glob(".*tmp"))
    before = counts(encrypted)
    assert before["documents"] == 1 and before["cases"] == 4

    # work goes on after the backup, then the database is restored
    encrypted.cases.create(
        __import__("tests.security.support", fromlist=["new_case"]).new_case("Later", "l@x.org")
    )
    assert counts(encrypted)["cases"] == 5
    encrypted.close()
    result = restore(info.path, live, key)
    assert result.previous is not None and result.previous.exists()
    assert result.audit_events == before["audit_events"]
    back = Services.open(str(live))
    try:
        # Everything as it was at the backup, plus the restore itself in the audit trail.
        assert counts(back) == {**before, "audit_events": before["audit_events"] + 1}
        assert back.audit.verify().ok
        newest = back.audit.entries()[-1]
        assert newest.action == "database.restored"
        assert newest.after is not None and newest.after["backup"] == info.path.name
        assert len(str(newest.after["sha256"])) == 64
        with back.db.read() as s:
            assert s.scalar(select(DocumentContent.data)) == ID_SCAN
    finally:
        back.close()
    assert not contains_secret(raw_bytes(live))


@sqlite_backup
def test_a_damaged_backup_replaces_nothing(encrypted: Services, tmp_path: Path) -> None:
    live = Path(encrypted.db.url.database or "")
    key = engine_key(encrypted.db.engine)
    info = encrypted.backups.backup(tmp_path / "b")
    encrypted.close()
    data = bytearray(info.path.read_bytes())
    data[5000:5100] = b"\x00" * 100
    info.path.write_bytes(bytes(data))
    original = live.read_bytes()
    with pytest.raises(StoreError):
        restore(info.path, live, key)
    assert live.read_bytes() == original
    assert not list(live.parent.glob("*.restoring-*"))


@sqlite_backup
def test_startup_check_finds_damage_and_names_the_latest_backup(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    svc = Services.open(str(db), actor="tester", now=fixed_now)
    fill(svc, cases=30)
    info = svc.backups.backup()
    assert svc.backups.startup_check() == []
    svc.close()
    assert startup_check(db, None) == []
    data = bytearray(db.read_bytes())
    for page in range(2, len(data) // 4096):  # scribble over every page but the header
        data[page * 4096 + 100 : page * 4096 + 300] = bytes(range(200))
    db.write_bytes(bytes(data))
    problems = startup_check(db, None)
    assert problems and "damaged" in problems[0].message
    assert problems[0].latest_backup == info.path


def test_rotation_keeps_7_daily_4_weekly_12_monthly(tmp_path: Path) -> None:
    start = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)
    backups = [BackupInfo(tmp_path / f"b{n}.db", start + dt.timedelta(days=n), 1) for n in range(400)]
    keep = backups_to_keep(backups)
    newest = sorted(backups, key=lambda b: b.taken_at)[-1]
    assert newest.path in keep
    assert 7 <= len(keep) <= 7 + 4 + 12
    kept_days = sorted(b.taken_at for b in backups if b.path in keep)
    assert kept_days[-7:] == [newest.taken_at - dt.timedelta(days=n) for n in range(6, -1, -1)]
    assert len({(d.year, d.month) for d in kept_days}) == 12


def test_rotation_deletes_old_files(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for n in range(60):
        (folder / f"privdesk-{(start + dt.timedelta(days=n)).strftime('%Y%m%dT%H%M%SZ')}.db").write_bytes(
            b"x"
        )
    from privdesk.services.backup import rotate

    removed = rotate(folder)
    assert removed and len(list_backups(folder)) == 60 - len(removed) <= 7 + 4 + 12


@sqlite_backup
def test_cli_backup_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    svc = Services.open(str(db), actor="tester", now=fixed_now, encrypt=True)
    fill(svc)
    svc.close()
    assert run(["--db", str(db), "backup", "--to", str(tmp_path / "bk")]) == 0
    backup = list_backups(tmp_path / "bk")[0].path
    assert run(["--db", str(db), "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "verified" in out
    assert run(["--db", str(db), "check-db"]) == 0
    assert crypto.protection_of(db) is crypto.Protection.KEYRING


def test_postgres_backup_points_to_pg_dump() -> None:
    from privdesk.services.backup import PG_MESSAGE

    assert "pg_dump" in PG_MESSAGE


def test_pending_migrations_are_applied_after_a_verified_backup(tmp_path: Path) -> None:
    from alembic import command

    from privdesk.store.engine import make_engine
    from privdesk.store.migrate import alembic_config, current_revision, head_revision

    db = tmp_path / "old.db"
    engine = make_engine(str(db))
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")  # a database written by an older privdesk
    engine.dispose()
    svc = Services.open(str(db), migrate=False, now=fixed_now)
    try:
        assert svc.backups.migrations_pending()
        folder = tmp_path / "backups"
        taken = svc.backups.migrate_with_backup(folder)
        assert taken is not None and taken.path.parent == folder
        assert not svc.backups.migrations_pending()
        assert current_revision(svc.db.engine) == head_revision()
        assert svc.backups.migrate_with_backup(folder) is None  # nothing pending: no backup
    finally:
        svc.close()
    old = make_engine(str(taken.path))
    try:
        assert current_revision(old) == "0001"  # the backup is the database as it was
    finally:
        old.dispose()


def test_a_new_database_is_migrated_without_a_backup(tmp_path: Path) -> None:
    svc = Services.open(str(tmp_path / "new.db"), migrate=False, now=fixed_now)
    try:
        assert svc.backups.migrate_with_backup(tmp_path / "backups") is None
        assert not (tmp_path / "backups").exists()
        assert svc.backups.backup_if_due(tmp_path / "b", dt.timedelta(days=1)) is not None
        assert svc.backups.backup_if_due(tmp_path / "b", dt.timedelta(days=1)) is None  # fresh enough
    finally:
        svc.close()
