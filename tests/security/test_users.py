"""Accounts, roles, login throttling, approvals and the lock/single-user settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from privdesk.domain.errors import ConflictError, ValidationError
from privdesk.domain.types import Role
from privdesk.services.hub import Services
from privdesk.services.users import (
    APPROVE_DENIAL,
    AccessDenied,
    LoginFailed,
    LoginThrottle,
    UserService,
    require_role,
)
from privdesk.store.models import User
from tests.conftest import database_target

ADMIN_PW = "admin-password-1"
PW = "officer-password-1"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def users(services: Services) -> UserService:
    assert services.users.needs_first_run()
    services.users.create_administrator("Admin", "The Administrator", ADMIN_PW)
    return services.users


def test_first_run_creates_the_administrator_once(services: Services, users: UserService) -> None:
    assert not users.needs_first_run()
    assert services.ctx.actor == "admin"
    with pytest.raises(ConflictError):
        users.create_administrator("second", "Second", ADMIN_PW)
    with services.db.read() as s:
        stored = s.scalar(select(User).where(User.username == "admin"))
        assert stored is not None and stored.password_hash and stored.password_hash.startswith("$argon2id$")
        assert ADMIN_PW not in stored.password_hash


def test_roles_rank_and_only_administrators_manage_accounts(services: Services, users: UserService) -> None:
    users.create_user("olga", "Olga Officer", Role.OFFICER, PW)
    users.create_user("rita", "Rita Reviewer", "reviewer", PW)
    with pytest.raises(ValidationError):
        users.create_user("x", "X", "superuser", PW)
    with pytest.raises(ValidationError, match="at least"):
        users.create_user("shorty", "S", Role.OFFICER, "short")
    users.login("olga", PW)
    assert services.ctx.actor == "olga"
    with pytest.raises(AccessDenied, match="administrator"):
        users.create_user("eve", "Eve", Role.ADMINISTRATOR, PW)
    with pytest.raises(AccessDenied):
        require_role(services.ctx, Role.REVIEWER)
    require_role(services.ctx, Role.OFFICER)
    with pytest.raises(AccessDenied):
        users.approve("PD-2026-000001", APPROVE_DENIAL)
    users.login("rita", PW)
    approval = users.approve("PD-2026-000001", APPROVE_DENIAL, "reasons checked")
    assert approval.approved_by == "rita"
    assert users.is_approved("PD-2026-000001", APPROVE_DENIAL)
    assert not users.is_approved("PD-2026-000002", APPROVE_DENIAL)
    users.login("admin", ADMIN_PW)
    require_role(services.ctx, Role.REVIEWER)  # an administrator ranks above a reviewer
    with pytest.raises(ConflictError, match="administrator"):
        users.set_role("admin", Role.OFFICER)  # the last administrator stays


def test_every_action_is_attributed_to_its_user(services: Services, users: UserService) -> None:
    from tests.security.support import new_case

    users.create_user("olga", "Olga", Role.OFFICER, PW)
    services.organizations.import_profile_file(  # organizations are the administrator's
        __import__("privdesk.paths").paths.resource("demo", "mstis.toml")
    )
    users.login("olga", PW)
    case = services.cases.create(new_case())
    services.workflow.add_note(case.reference, "Left a voicemail.")
    actors = {e.action: e.actor for e in services.audit.entries()}
    assert actors["user.create"] == "admin"
    assert actors["user.login"] == "olga"
    assert any(e.actor == "admin" and e.action.startswith("organization") for e in services.audit.entries())
    assert {e.actor for e in services.audit.entries() if e.case_reference == case.reference} == {"olga"}
    assert services.audit.verify().ok


def test_login_failures_slow_down_and_are_audited(services: Services, users: UserService) -> None:
    clock = Clock()
    throttled = UserService(services.ctx, throttle=LoginThrottle(clock))
    for _ in range(3):
        with pytest.raises(LoginFailed, match="wrong user name or password"):
            throttled.authenticate("admin", "guess-guess-guess")
    with pytest.raises(LoginFailed, match="wait 1 seconds") as first:
        throttled.authenticate("admin", ADMIN_PW)  # even the right password waits
    assert first.value.retry_after > 0
    clock.t += 1.5
    with pytest.raises(LoginFailed, match="wrong"):
        throttled.authenticate("admin", "still-guessing")
    with pytest.raises(LoginFailed, match="wait 2 seconds"):
        throttled.authenticate("admin", ADMIN_PW)
    clock.t += 2.5
    assert throttled.authenticate("admin", ADMIN_PW).username == "admin"
    assert throttled.throttle.wait_seconds("admin") == 0
    failures = [e for e in services.audit.entries() if e.action == "user.login_failed"]
    assert len(failures) == 4
    assert all("guess" not in str(e.after) for e in failures)  # passwords never reach the trail


def test_disabled_accounts_cannot_log_in(services: Services, users: UserService) -> None:
    users.create_user("olga", "Olga", Role.OFFICER, PW)
    users.set_active("olga", False)
    with pytest.raises(LoginFailed):
        users.authenticate("olga", PW)


def test_password_change_and_idle_unlock(services: Services, users: UserService) -> None:
    users.create_user("olga", "Olga", Role.OFFICER, PW)
    users.login("olga", PW)
    users.set_password("olga", "another-password", old_password=PW)
    with pytest.raises(LoginFailed):
        users.unlock(PW)
    assert users.unlock("another-password").username == "olga"
    with pytest.raises(AccessDenied):
        users.set_password("admin", "taken-over-now")


def test_lock_and_single_user_settings(services: Services, users: UserService) -> None:
    assert users.lock_after_minutes() == 10
    users.set_lock_after_minutes(3)
    assert users.lock_after_minutes() == 3
    with pytest.raises(ValidationError):
        users.set_lock_after_minutes(-1)
    users.set_single_user(True)
    services.ctx.actor = "someone"
    auto = users.automatic_user()
    assert auto is not None and auto.username == "admin" and services.ctx.actor == "admin"
    users.create_user("olga", "Olga", Role.OFFICER, PW)
    assert users.automatic_user() is None  # a second account ends the no-login shortcut
    users.set_single_user(False)
    with pytest.raises(ConflictError):
        users.set_single_user(True)
    users.login("olga", PW)
    with pytest.raises(AccessDenied):
        users.set_lock_after_minutes(60)


def test_cli_user_commands(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.cli import run

    db = database_target(tmp_path, schema=False)
    monkeypatch.setenv("PRIVDESK_NEW_PASSWORD", ADMIN_PW)
    assert run(["--db", db, "user", "add", "boss", "--role", "officer"]) != 0
    assert run(["--db", db, "user", "add", "boss", "--role", "administrator"]) == 0
    monkeypatch.setenv("PRIVDESK_NEW_PASSWORD", PW)
    assert run(["--db", db, "user", "add", "olga", "--role", "officer"]) != 0  # who is asking?
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", "not-the-password")
    assert run(["--db", db, "user", "add", "olga", "--role", "officer", "--as", "boss"]) != 0
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", ADMIN_PW)
    assert run(["--db", db, "user", "add", "olga", "--role", "officer", "--as", "boss"]) == 0
    assert run(["--db", db, "user", "passwd", "olga", "--as", "boss"]) == 0
    capsys.readouterr()
    assert run(["--db", db, "user", "list"]) != 0  # the database has accounts: who is asking?
    assert "--user NAME" in capsys.readouterr().err
    assert run(["--db", db, "--user", "boss", "user", "list"]) == 0
    out, err = capsys.readouterr()
    assert "boss" in out and "olga" in out and "officer" in out
    assert "Traceback" not in err


def test_cli_commands_act_as_the_signed_in_user(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.cli import run

    db = database_target(tmp_path, schema=False)
    monkeypatch.setenv("PRIVDESK_NEW_PASSWORD", ADMIN_PW)
    assert run(["--db", db, "user", "add", "boss", "--role", "administrator"]) == 0
    monkeypatch.setenv("PRIVDESK_NEW_PASSWORD", PW)
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", ADMIN_PW)
    assert run(["--db", db, "user", "add", "olga", "--role", "officer", "--as", "boss"]) == 0
    capsys.readouterr()

    assert run(["--db", db, "seed-demo"]) != 0
    assert "sign in with --user NAME" in capsys.readouterr().err
    monkeypatch.setenv("PRIVDESK_USER", "olga")
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", "wrong password")
    assert run(["--db", db, "case", "list"]) != 0
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", PW)
    assert run(["--db", db, "case", "list"]) == 0
    # An officer works cases but may not load organizations (administrators do).
    assert run(["--db", db, "seed-demo"]) != 0
    assert "administrator" in capsys.readouterr().err
    assert run(["--db", db, "--user", "boss", "seed-demo"]) != 0  # boss's password is not the one given
    monkeypatch.setenv("PRIVDESK_LOGIN_PASSWORD", ADMIN_PW)
    assert run(["--db", db, "--user", "boss", "seed-demo"]) == 0
    services = Services.open(db)
    try:
        entries = services.audit.entries()
        assert {e.actor for e in entries if e.action.startswith("organization")} == {"boss"}
        assert [e.entity_id for e in entries if e.action == "user.login_failed"] == ["olga", "boss"]
        assert [e.actor for e in entries if e.action == "user.login"][-1] == "boss"
    finally:
        services.close()
