"""Failed sign-ins are counted in the database per account, so the command line — a new process each
time — waits like the desktop; and an officer changes their own password."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from privdesk.cli import run
from privdesk.domain.types import Role
from privdesk.services import users as users_module
from privdesk.services.hub import Services
from privdesk.services.users import LoginFailed
from tests.conftest import database_target

ADMIN_PW = "admin-password-1"
PW = "officer-password-1"


class Clock:
    def __init__(self) -> None:
        self.t = 2_000_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def db(tmp_path: Path) -> str:
    target = database_target(tmp_path)
    svc = Services.open(target)
    svc.users.create_administrator("admin", "Admin", ADMIN_PW)
    svc.users.create_user("olga", "Olga Officer", Role.OFFICER, PW)
    svc.close()
    return target


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(users_module._throttle, "clock", fake)
    return fake


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: str, password: str) -> str:
    """One command-line run, as a new process would start: nothing kept in memory between runs."""
    users_module._throttle._failures.clear()
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", password)
    code = run(["--db", db, "--user", "olga", "case", "list", "--json"])
    err = capsys.readouterr().err
    return "ok" if code == 0 else err.strip()


def test_the_ninth_wrong_password_on_the_command_line_waits(
    db: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    waits = []
    for attempt in range(1, 9):
        assert "wrong user name or password" in _cli(monkeypatch, capsys, db, f"guess-{attempt}-guess")
        waits.append(users_module.LoginThrottle.delay(attempt))
        clock.t += waits[-1] + 0.1  # the guesser waits just long enough each time
    clock.t -= 0.1 + waits[-1] - 1  # the ninth comes a second after the eighth
    ninth = _cli(monkeypatch, capsys, db, PW)  # even the right password
    assert ninth == f"privdesk: too many failed attempts: wait {int(waits[-1]) - 1} seconds"
    assert waits[-1] == 32
    clock.t += 32
    assert _cli(monkeypatch, capsys, db, PW) == "ok"  # after the wait, and the count starts again
    assert "wrong" in _cli(monkeypatch, capsys, db, "one-more-guess")


def test_a_separate_process_sees_the_failures(db: str, clock: Clock) -> None:
    clock.t = time.time()
    svc = Services.open(db)
    for attempt in range(1, 9):  # eight failures, each after the wait the one before asked for
        with pytest.raises(LoginFailed, match="wrong"):
            svc.users.authenticate("olga", "not-her-password")
        clock.t += users_module.LoginThrottle.delay(attempt) + 0.1
    svc.close()
    users_module._throttle._failures.clear()
    env = {
        **os.environ,
        "PRIVDESK_LOGIN_PASSWORD": PW,
        "PRIVDESK_KDF_FAST": "1",
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "privdesk", "--db", db, "--user", "olga", "case", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "too many failed attempts: wait" in done.stderr


def test_an_officer_changes_their_own_password_on_the_command_line(
    db: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", PW)
    monkeypatch.setenv("PRIVDESK_NEW_PASSWORD", "olgas-brand-new-pass")
    assert run(["--db", db, "--user", "olga", "user", "passwd"]) == 0
    assert "your password is changed, olga" in capsys.readouterr().out
    svc = Services.open(db)
    try:
        assert svc.users.authenticate("olga", "olgas-brand-new-pass").username == "olga"
        with pytest.raises(LoginFailed):
            svc.users.authenticate("olga", PW)
        changes = [e for e in svc.audit.entries() if e.action == "user.password"]
        assert [(e.actor, e.entity_id) for e in changes] == [("olga", "olga")]
    finally:
        svc.close()
    # An officer cannot set someone else's password.
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", "olgas-brand-new-pass")
    assert run(["--db", db, "--user", "olga", "user", "passwd", "admin"]) == 1
    assert "administrator" in capsys.readouterr().err


def test_a_wrong_current_password_counts_as_a_failed_sign_in(db: str, clock: Clock) -> None:
    svc = Services.open(db)
    try:
        svc.users.login("olga", PW)
        for _ in range(3):
            with pytest.raises(LoginFailed, match="current password is wrong"):
                svc.users.change_own_password("a-wrong-guess", "olgas-brand-new-pass")
        with pytest.raises(LoginFailed, match="wait 1 seconds"):
            svc.users.change_own_password(PW, "olgas-brand-new-pass")
        clock.t += 1.5
        svc.users.change_own_password(PW, "olgas-brand-new-pass")
        assert svc.users.authenticate("olga", "olgas-brand-new-pass").username == "olga"
    finally:
        svc.close()
