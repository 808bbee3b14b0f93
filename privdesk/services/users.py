"""Local accounts, login throttling and the lock/single-user settings.

Roles, the role check and reviewers' approvals live in ``privdesk.services.access`` (re-exported
here for callers that import them from this module).
Passwords are hashed with argon2id; the hash string carries its own salt and parameters.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privdesk.domain.errors import ConflictError, DomainError, NotFound, ValidationError
from privdesk.domain.types import Role
from privdesk.services.access import (
    APPROVAL_SUBJECTS,
    APPROVE_DENIAL,
    APPROVE_SPECIFIC_PIECES,
    ROLE_RANK,
    AccessDenied,
    is_approved,
    parse_role,
    record_approval,
    require_approval,
    require_role,
    users_exist,
)
from privdesk.services.audit import record
from privdesk.services.context import ServiceContext
from privdesk.services.stored_settings import read_setting, write_setting
from privdesk.store.models import User

__all__ = [
    "APPROVAL_SUBJECTS",
    "APPROVE_DENIAL",
    "APPROVE_SPECIFIC_PIECES",
    "ROLE_RANK",
    "AccessDenied",
    "ApprovalDTO",
    "LoginFailed",
    "LoginThrottle",
    "UserDTO",
    "UserService",
    "require_approval",
    "require_role",
]

MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
FREE_ATTEMPTS = 3  # failures before the delay starts
MAX_DELAY_SECONDS = 300.0
DEFAULT_LOCK_MINUTES = 10


def _make_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); tests may ask for a cheap one."""
    import os

    if os.environ.get("PRIVDESK_KDF_FAST") == "1":
        return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    return PasswordHasher()


class LoginFailed(DomainError):
    """Wrong user name or password, an inactive account, or too many attempts (``retry_after``)."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclasses.dataclass(frozen=True)
class UserDTO:
    username: str
    display_name: str
    role: Role
    active: bool


@dataclasses.dataclass(frozen=True)
class ApprovalDTO:
    case_reference: str
    subject: str
    approved_by: str
    note: str


@dataclasses.dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class LoginThrottle:
    """Exponential delay after repeated failures: after ``FREE_ATTEMPTS`` failures in a row each
    further attempt waits 1 s, 2 s, 4 s … up to ``MAX_DELAY_SECONDS`` after the last failure.

    For an existing account the count and time live in the database (``users.failed_logins`` and
    ``last_failed_login``), so a new process — the command line run again — waits like the desktop.
    Names with no account are counted here, in memory. ``clock`` is wall time in seconds (shared by
    every process and workstation).
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    @staticmethod
    def delay(count: int) -> float:
        return 0.0 if count < FREE_ATTEMPTS else min(2.0 ** (count - FREE_ATTEMPTS), MAX_DELAY_SECONDS)

    def wait_after(self, count: int, last: float | None) -> float:
        """Seconds still to wait after ``count`` failures, the last at ``last``."""
        if count < FREE_ATTEMPTS or last is None:
            return 0.0
        return max(0.0, last + self.delay(count) - self.clock())

    def wait_seconds(self, username: str) -> float:
        with self._lock:
            entry = self._failures.get(username)
            return 0.0 if entry is None else self.wait_after(entry.count, entry.last)

    def failed(self, username: str) -> None:
        with self._lock:
            entry = self._failures.setdefault(username, _Failures())
            entry.count += 1
            entry.last = self.clock()

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


def _too_many(wait: float) -> LoginFailed:
    return LoginFailed(f"too many failed attempts: wait {int(wait + 0.999)} seconds", retry_after=wait)


_throttle = LoginThrottle()  # process-wide, so reopening the services does not reset it


def _dto(user: User) -> UserDTO:
    return UserDTO(user.username, user.display_name, Role(user.role), user.active)


def _check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise ValidationError("a user name is 1-64 letters, digits, dots, dashes or underscores")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"choose a password of at least {MIN_PASSWORD_LENGTH} characters")


class UserService:
    def __init__(self, ctx: ServiceContext, throttle: LoginThrottle | None = None) -> None:
        self.ctx = ctx
        self.throttle = throttle or _throttle

    # -- accounts -------------------------------------------------------------------------------

    def needs_first_run(self) -> bool:
        with self.ctx.db.read() as s:
            return not users_exist(s)

    def create_administrator(self, username: str, display_name: str, password: str) -> UserDTO:
        """The first-run wizard's account; refused once any account exists. Logs the person in."""
        with self.ctx.db.write() as s:
            if users_exist(s):
                raise ConflictError("privdesk already has accounts; an administrator adds further ones")
            user = self._add(s, username, display_name, Role.ADMINISTRATOR, password)
            self.ctx.actor = user.username
            record(
                s,
                self.ctx,
                "user.create",
                "user",
                user.username,
                after={"role": user.role, "first_run": True},
            )
            return _dto(user)

    def create_user(self, username: str, display_name: str, role: Role | str, password: str) -> UserDTO:
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            user = self._add(s, username, display_name, parse_role(role), password)
            record(s, self.ctx, "user.create", "user", user.username, after={"role": user.role})
            return _dto(user)

    def _add(self, s: Session, username: str, display_name: str, role: Role, password: str) -> User:
        name = _check_username(username)
        _check_password(password)
        if s.scalar(select(User).where(User.username == name)) is not None:
            raise ConflictError(f"the user name {name!r} is taken")
        user = User(
            username=name,
            display_name=display_name.strip() or name,
            role=role.value,
            password_hash=_make_hasher().hash(password),
            active=True,
        )
        s.add(user)
        s.flush()
        return user

    def list(self) -> list[UserDTO]:
        with self.ctx.db.read() as s:
            return [_dto(u) for u in s.scalars(select(User).order_by(User.username))]

    def show(self, username: str) -> UserDTO:
        with self.ctx.db.read() as s:
            return _dto(self._get(s, username))

    def _get(self, s: Session, username: str) -> User:
        user = s.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise NotFound(f"no user {username!r}")
        return user

    def set_password(self, username: str, new_password: str, *, old_password: str | None = None) -> None:
        """Users change their own password (giving the current one, which counts as a sign-in attempt:
        a wrong one is a failure, and while failures make them wait it is not checked);
        administrators reset anyone's."""
        _check_password(new_password)
        wrong: LoginFailed | None = None
        with self.ctx.db.write() as s:
            user = self._get(s, username)
            if user.username == self.ctx.actor and old_password is not None:
                require_role(self.ctx, Role.OFFICER, session=s)
                wait = self.throttle.wait_after(user.failed_logins or 0, user.last_failed_login)
                if wait > 0:
                    raise _too_many(wait)
                if not _verify(user.password_hash, old_password):
                    self._count_failure(s, user)
                    wrong = LoginFailed("the current password is wrong")
            else:
                require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            if wrong is None:
                if old_password is not None and _verify(user.password_hash, new_password):
                    raise ValidationError("the new password is the same as the current one")
                user.password_hash = _make_hasher().hash(new_password)
                user.failed_logins = 0
                user.last_failed_login = None
                record(
                    s,
                    self.ctx,
                    "user.password",
                    "user",
                    user.username,
                    after={"by": "self" if user.username == self.ctx.actor else "administrator"},
                )
        if wrong is not None:
            raise wrong

    def change_own_password(self, current_password: str, new_password: str) -> None:
        """The signed-in user changes their own password."""
        self.set_password(self.ctx.actor, new_password, old_password=current_password)

    def set_role(self, username: str, role: Role | str) -> UserDTO:
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            user = self._get(s, username)
            before = user.role
            user.role = parse_role(role).value
            self._keep_an_administrator(s)
            record(
                s,
                self.ctx,
                "user.role",
                "user",
                user.username,
                before={"role": before},
                after={"role": user.role},
            )
            return _dto(user)

    def set_active(self, username: str, active: bool) -> UserDTO:
        with self.ctx.db.write() as s:
            require_role(self.ctx, Role.ADMINISTRATOR, session=s)
            user = self._get(s, username)
            user.active = active
            self._keep_an_administrator(s)
            record(s, self.ctx, "user.active", "user", user.username, after={"active": active})
            return _dto(user)

    def _keep_an_administrator(self, s: Session) -> None:
        s.flush()
        admins = s.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMINISTRATOR.value, User.active)
        )
        if not admins:
            raise ConflictError("privdesk needs at least one active administrator")

    # -- login ----------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> UserDTO:
        """Check a password; after a few failures each further attempt must wait longer. While it
        must wait, even the right password is refused (and not checked)."""
        name = username.strip().lower()
        refused: LoginFailed | None = None
        with self.ctx.db.write() as s:
            user = s.scalar(select(User).where(User.username == name).with_for_update())
            if user is None:
                wait = self.throttle.wait_seconds(name)
                if wait > 0:
                    raise _too_many(wait)
                self.throttle.failed(name)
                record(s, self.ctx, "user.login_failed", "user", name[:40])
            else:
                wait = self.throttle.wait_after(user.failed_logins or 0, user.last_failed_login)
                if wait > 0:
                    refused = _too_many(wait)
                elif user.active and _verify(user.password_hash, password):
                    user.failed_logins = 0
                    user.last_failed_login = None
                    if user.password_hash and _make_hasher().check_needs_rehash(user.password_hash):
                        user.password_hash = _make_hasher().hash(password)
                    # The login is the user's own act, whoever was acting before.
                    record(
                        s,
                        dataclasses.replace(self.ctx, actor=user.username),
                        "user.login",
                        "user",
                        user.username,
                    )
                    return _dto(user)
                else:
                    self._count_failure(s, user)
        if refused is not None:
            raise refused
        raise LoginFailed("wrong user name or password, or the account is disabled")

    def _count_failure(self, s: Session, user: User) -> None:
        user.failed_logins = (user.failed_logins or 0) + 1
        user.last_failed_login = self.throttle.clock()
        record(
            s, self.ctx, "user.login_failed", "user", user.username, after={"in_a_row": user.failed_logins}
        )

    def login(self, username: str, password: str) -> UserDTO:
        """Authenticate and act as that user from now on (every audit entry names them)."""
        user = self.authenticate(username, password)
        self.ctx.actor = user.username
        return user

    def unlock(self, password: str) -> UserDTO:
        """After the idle lock: the same user gives their password again."""
        return self.authenticate(self.ctx.actor, password)

    # -- reviewer approvals ---------------------------------------------------------------------

    def approve(self, case_reference: str, subject: str, note: str = "") -> ApprovalDTO:
        """A reviewer approves a denial or a disclosure of specific pieces for a case (audited)."""
        with self.ctx.db.write() as s:
            record_approval(s, self.ctx, case_reference, subject, note)
        return ApprovalDTO(case_reference, subject, self.ctx.actor, note)

    def is_approved(self, case_reference: str, subject: str) -> bool:
        with self.ctx.db.read() as s:
            return is_approved(s, case_reference, subject)

    # -- settings -------------------------------------------------------------------------------

    def lock_after_minutes(self) -> int:
        """Idle minutes before the app locks; 0 means never."""
        value = self._setting("lock_after_minutes", DEFAULT_LOCK_MINUTES)
        return int(value) if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_LOCK_MINUTES

    def set_lock_after_minutes(self, minutes: int) -> None:
        if not 0 <= minutes <= 24 * 60:
            raise ValidationError("the idle lock is between 0 (never) and 1440 minutes")
        self._set_setting("lock_after_minutes", minutes)

    def single_user(self) -> bool:
        return self._setting("single_user", False) is True

    def set_single_user(self, enabled: bool) -> None:
        """One administrator and no login prompt; the database stays encrypted all the same."""
        with self.ctx.db.read() as s:
            users = [u for u in s.scalars(select(User)) if u.active]
        if enabled and (len(users) != 1 or users[0].role != Role.ADMINISTRATOR.value):
            raise ConflictError("single-user mode needs exactly one active account, an administrator")
        self._set_setting("single_user", enabled)

    def automatic_user(self) -> UserDTO | None:
        """In single-user mode, the account to act as without a login prompt (and make it the actor)."""
        if not self.single_user():
            return None
        with self.ctx.db.read() as s:
            users = [u for u in s.scalars(select(User)) if u.active]
        if len(users) != 1:
            return None
        self.ctx.actor = users[0].username
        return _dto(users[0])

    def _setting(self, key: str, default: Any) -> Any:
        return read_setting(self.ctx, key, default)

    def _set_setting(self, key: str, value: Any) -> None:
        write_setting(self.ctx, key, value)


def _verify(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return PasswordHasher().verify(password_hash, password)  # parameters come from the hash itself
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
