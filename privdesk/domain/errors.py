"""Errors that carry a message an officer understands."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error privdesk reports to a person; ``str(err)`` is the one-line reason."""


class ValidationError(DomainError):
    """Input that cannot be accepted (impossible date, unknown code, missing field)."""


class NotFound(DomainError):
    """A reference, slug or id that does not exist."""


class ConflictError(DomainError):
    """Someone else changed the record first, or the step is not allowed in this state."""


class TransitionRefused(DomainError):
    """A workflow step that the law or the case's state does not allow; the message says why."""


class RuleFileError(DomainError):
    """A rule file that does not validate: the message names the file, the key and the problem."""


class StoreError(DomainError):
    """The database cannot be opened or used (locked, corrupt, unwritable, too new)."""
