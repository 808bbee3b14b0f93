"""Soak: the desktop app runs offscreen for minutes while intake, the scheduled backup and the background
integrity check keep firing on the same database file. Not one error may appear, and the file, its WAL
and its audit trail must be sound at the end. ``PRIVDESK_SOAK_SECONDS`` sets the length (90 s on each
file; longer runs by hand)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest

from privdesk.paths import resource
from privdesk.services.hub import Services
from privdesk.store import crypto
from privdesk.store.engine import engine_key
from privdesk.ui import backups as backup_settings
from privdesk.ui.errors import ErrorDialog
from tests.conftest import sqlite_only
from tests.gui.test_security_gui import Started, first_run

SOAK_SECONDS = float(os.environ.get("PRIVDESK_SOAK_SECONDS", "90"))
EMAIL = (
    "From: Sol Marchetti-Oyelaran <sol.mo{n}@example.net>\r\nTo: privacy@mstis.example\r\n"
    "Subject: Please delete my information\r\nDate: Thu, 19 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <soak-{n}@example.net>\r\n\r\n"
    "I live in California. Delete all personal information you have about me. Sol\r\n"
)

pytestmark = [pytest.mark.slow, sqlite_only("the soak is about one SQLite file under one process")]


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_the_desktop_runs_for_minutes_without_one_error(
    qtbot: Any,
    tmp_path: Path,
    encrypted: bool,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = tmp_path / "firm.db"
    svc = Services.open(str(db), encrypt=encrypted)
    svc.organizations.import_profile_file(resource("demo", "mstis.toml"))
    key = engine_key(svc.db.engine)
    svc.close()
    backup_settings.set_backup_folder(tmp_path / "backups")
    errors: list[str] = []
    monkeypatch.setattr(ErrorDialog, "ask", staticmethod(lambda *a, **k: errors.append(str(a[1:3]))))
    caplog.set_level(logging.WARNING, logger="privdesk")

    started = Started(qtbot, str(db))
    first_run(started)
    services = started.wait_ready()
    flow, runner = started.flow, started.window.runner
    scheduler = flow.scheduler
    assert scheduler is not None
    imported: list[int] = []
    backups: list[object] = []
    checks = 0
    end = time.monotonic() + SOAK_SECONDS
    n = last_backup = last_check = 0.0
    while time.monotonic() < end:
        n += 1
        number = int(n)
        runner.run(
            lambda number=number: services.intake.import_email_bytes(
                EMAIL.format(n=number).encode(), f"soak{number}.eml", organization="mstis"
            ),
            lambda _result: imported.append(1),
            lambda exc: errors.append(f"intake: {exc}"),
            write=True,
        )
        now = time.monotonic()
        if now - last_backup > 4 and not scheduler.running:
            scheduler.backup_now(backups.append, lambda exc: errors.append(f"backup: {exc}"))
            last_backup = now
        if now - last_check > 5:
            flow._check_in_background()  # the start-up's background integrity check, again and again
            checks += 1
            last_check = now
        qtbot.wait(150)
        assert not errors, errors[:3]
    qtbot.waitUntil(lambda: runner.running == 0 and not scheduler.running, timeout=60_000)
    # The WAL the live engine relies on is still there while the app runs.
    assert db.with_name(db.name + "-wal").exists() and db.with_name(db.name + "-shm").exists()
    started.close()

    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not errors and not problems, (errors[:3], problems[:3])
    assert len(imported) == int(n) and len(backups) >= 2 and checks >= 2
    assert crypto.integrity_problems(db, key) == []
    svc = Services.open(str(db), key=key, encrypt=encrypted, migrate=False)
    try:
        assert svc.audit.verify().ok
        assert len(svc.intake.pending()) >= len(imported)
    finally:
        svc.close()
    print(
        f"\nsoak {'encrypted' if encrypted else 'plain'}: {SOAK_SECONDS:.0f} s, {len(imported)} emails, "
        f"{len(backups)} backups, {checks} integrity checks, 0 errors"
    )
