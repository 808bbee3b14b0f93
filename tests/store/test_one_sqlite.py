"""One SQLite library per process: the check, backup, export and check-db run beside a live engine.

Two copies of SQLite in one process (Python's ``sqlite3`` and SQLCipher's) each believe they hold the
file's POSIX locks alone; when one closes, it checkpoints and deletes ``-wal``/``-shm`` under the other's
live connections, and the next writer corrupts the file. Every connection must go through one library.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from privdesk.cli.core import run
from privdesk.services.backup import startup_check
from privdesk.services.hub import Services
from privdesk.store import crypto
from privdesk.store.engine import engine_key
from tests.conftest import fixed_now, sqlite_only
from tests.security.support import fill, new_case

pytestmark = sqlite_only("about two SQLite libraries opening one file in one process")


def _sidecars(db: Path) -> tuple[bool, bool]:
    return db.with_name(db.name + "-wal").exists(), db.with_name(db.name + "-shm").exists()


def _open(db: Path, encrypted: bool) -> Services:
    if encrypted:
        return Services.open(str(db), actor="tester", now=fixed_now, encrypt=True)
    return Services.open(str(db), actor="tester", now=fixed_now, encrypt=False)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_maintenance_beside_a_live_engine_keeps_the_wal_and_the_file_sound(
    tmp_path: Path, encrypted: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    live = _open(db, encrypted)
    fill(live, cases=2)
    key = engine_key(live.db.engine)
    assert (key is not None) is encrypted
    # A connection checked out and in a read transaction, as the GUI's workers hold them.
    held = live.db.engine.execution_options(sqlite_begin="DEFERRED").connect()
    held.exec_driver_sql("SELECT count(*) FROM cases").scalar()
    assert _sidecars(db) == (True, True)

    assert startup_check(db, key) == []  # the start-up and background integrity check
    backup = live.backups.backup(tmp_path / "backups")
    assert crypto.integrity_problems(backup.path, key) == []
    reference = live.cases.create(new_case("Export Person", "export@example.org")).reference
    live.reports.export_case(reference, tmp_path / "export.zip")
    assert run(["--db", str(db), "check-db", "--json"]) == 0
    capsys.readouterr()
    assert _sidecars(db) == (True, True), "a maintenance connection deleted the live engine's WAL"

    # Writes from the held engine and a second engine, interleaved.
    held.commit()
    held.close()
    other = _open(db, encrypted)
    try:
        for n in range(6):
            writer = live if n % 2 else other
            writer.cases.create(new_case(f"Interleaved {n}", f"inter{n}@example.org"))
        assert _sidecars(db) == (True, True)
        with live.db.read() as s:
            assert [r[0] for r in s.connection().exec_driver_sql("PRAGMA integrity_check")] == ["ok"]
        assert live.audit.verify().ok
    finally:
        other.close()
        live.close()
    assert crypto.integrity_problems(db, key) == []


def test_plain_files_are_opened_by_the_same_sqlite_as_encrypted_ones(tmp_path: Path) -> None:
    plain = _open(tmp_path / "plain.db", False)
    sealed = _open(tmp_path / "sealed.db", True)
    try:
        versions = set()
        for svc in (plain, sealed):
            assert svc.db.engine.dialect.dbapi is not None
            assert svc.db.engine.dialect.dbapi.__name__.startswith("sqlcipher3")
            with svc.db.read() as s:
                versions.add(s.connection().exec_driver_sql("SELECT sqlite_version()").scalar())
        import sqlcipher3

        with crypto.raw_connection(tmp_path / "plain.db", None) as conn:
            assert conn.__class__.__module__.startswith("sqlcipher3")
        assert versions == {sqlcipher3.sqlite_version}
    finally:
        plain.close()
        sealed.close()
