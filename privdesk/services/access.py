"""Who may do what: roles, the role check every service makes, and reviewers' approvals.

Roles rank officer < reviewer < administrator: a reviewer may do what an officer does, and an
administrator what a reviewer does. Roles are enforced once at least one account exists; before the
first-run wizard creates the administrator there is nobody to check against.

Every service that changes or reveals something calls :func:`require_role` inside its own
transaction, so the desktop app and the command line meet the same refusals. A denial or a
disclosure of specific pieces also needs a reviewer's approval (:func:`require_approval`).
This module depends on nothing but the audit trail and the store, so the account service and the
stored settings both use it without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privdesk.domain.errors import DomainError, ValidationError
from privdesk.domain.types import Role
from privdesk.services.audit import record
from privdesk.services.context import ServiceContext
from privdesk.store.models import AuditEvent, User

__all__ = [
    "APPROVAL_SUBJECTS",
    "APPROVE_DENIAL",
    "APPROVE_SPECIFIC_PIECES",
    "ROLE_RANK",
    "AccessDenied",
    "is_approved",
    "parse_role",
    "require_approval",
    "require_role",
    "users_exist",
]

ROLE_RANK = {Role.OFFICER: 1, Role.REVIEWER: 2, Role.ADMINISTRATOR: 3}

# What needs a reviewer's approval.
APPROVE_DENIAL = "denial"
APPROVE_SPECIFIC_PIECES = "specific_pieces"
APPROVAL_SUBJECTS = (APPROVE_DENIAL, APPROVE_SPECIFIC_PIECES)
_SUBJECT_WORDS = {APPROVE_DENIAL: "denial", APPROVE_SPECIFIC_PIECES: "disclosure of specific pieces"}


class AccessDenied(DomainError):
    """The acting user's role does not allow this action."""


def parse_role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(f"unknown role {value!r}: use officer, reviewer or administrator") from None


def users_exist(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def require_role(ctx: ServiceContext, role: Role | str, *, session: Session | None = None) -> None:
    """Refuse unless ``ctx.actor`` is an active account with at least ``role``.

    With no accounts at all (before the first run) there is nobody to check against and it passes.
    """
    needed = parse_role(role)

    def check(s: Session) -> None:
        if not users_exist(s):
            return
        user = s.scalar(select(User).where(User.username == ctx.actor))
        if user is None or not user.active:
            raise AccessDenied(f"this needs a {needed} account; {ctx.actor!r} is not an active user")
        if ROLE_RANK[Role(user.role)] < ROLE_RANK[needed]:
            raise AccessDenied(f"this needs the {needed} role; {user.username} is {user.role}")

    if session is not None:
        check(session)
    else:
        with ctx.db.read() as s:
            check(s)


def is_approved(s: Session, case_reference: str, subject: str) -> bool:
    found = s.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "review.approved",
            AuditEvent.case_reference == case_reference,
            AuditEvent.entity_id == subject,
        )
    )
    return bool(found)


def record_approval(s: Session, ctx: ServiceContext, case_reference: str, subject: str, note: str) -> None:
    """A reviewer's approval, in the audit trail (it is read back from there)."""
    if subject not in APPROVAL_SUBJECTS:
        raise ValidationError(f"unknown approval {subject!r}: use {', '.join(APPROVAL_SUBJECTS)}")
    require_role(ctx, Role.REVIEWER, session=s)
    record(
        s,
        ctx,
        "review.approved",
        "approval",
        subject,
        case_reference=case_reference,
        after={"subject": subject, "note": note},
    )


def require_approval(ctx: ServiceContext, s: Session, case_reference: str, subjects: Sequence[str]) -> None:
    """A denial or a disclosure of specific pieces needs a reviewer's approval.

    A reviewer or administrator recording it approves it in the same step (audited as
    ``review.approved``); an officer needs an earlier approval for that case, else it is refused.
    With no accounts at all nothing is enforced, as with ``require_role``.
    """
    if not subjects or not users_exist(s):
        return
    require_role(ctx, Role.OFFICER, session=s)
    user = s.scalar(select(User).where(User.username == ctx.actor))
    assert user is not None  # require_role found the active account
    for subject in subjects:
        if subject not in APPROVAL_SUBJECTS:
            raise ValidationError(f"unknown approval {subject!r}")
        if is_approved(s, case_reference, subject):
            continue
        if ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.REVIEWER]:
            record_approval(s, ctx, case_reference, subject, "approved when recorded")
            continue
        raise AccessDenied(
            f"a reviewer must approve the {_SUBJECT_WORDS[subject]} on {case_reference} before an officer "
            "records it: ask a reviewer to approve it (or to record it)"
        )
