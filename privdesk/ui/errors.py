"""Errors shown to the officer: what happened and what to do. Unexpected exceptions are logged
without their message (it can quote personal data) and shown in a dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from privdesk.domain.errors import (
    ConflictError,
    DomainError,
    NotFound,
    StoreError,
    TransitionRefused,
    ValidationError,
)
from privdesk.logsafe import log_exception

log = logging.getLogger(__name__)


def explain(exc: BaseException) -> tuple[str, str, str]:
    """(title, what happened, what to do) for a failure."""
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, ValidationError):
        return "Check the entry", reason, "Correct the highlighted information and try again."
    if isinstance(exc, TransitionRefused):
        return (
            "Step not allowed",
            reason,
            "Look at the case's next step, or add a note explaining the situation.",
        )
    if isinstance(exc, ConflictError):
        return "Changed elsewhere", reason, "Reload the case to see the change, then apply yours again."
    if isinstance(exc, NotFound):
        return (
            "Not found",
            reason,
            "Check the reference or refresh the list; it may have been merged or removed.",
        )
    if isinstance(exc, StoreError):
        return (
            "Database problem",
            reason,
            "Check that the database file or server is reachable and writable, then try again. "
            "If it keeps failing, start privdesk with another database (--db) "
            "and contact your administrator.",
        )
    if isinstance(exc, DomainError):
        return "Cannot do that", reason, "Review the information and try again."
    return (
        "Unexpected error",
        f"privdesk hit an unexpected problem ({type(exc).__name__}).",
        "Your last change may not have been saved: refresh and check. The details were written to the log "
        "file (without personal data); send it to your administrator if this happens again.",
    )


class ErrorDialog:
    """The one place errors are shown; tests replace ``ask`` to collect them instead."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, informative: str, detail: str = "") -> None:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning if title != "Unexpected error" else QMessageBox.Icon.Critical)
        box.setWindowTitle(f"privdesk: {title}")
        box.setText(text)
        box.setInformativeText(informative)
        if detail:
            box.setDetailedText(detail)
        box.exec()


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    title, what, todo = explain(exc)
    detail = ""
    if not isinstance(exc, DomainError):
        log_exception(log, "unexpected error shown to the user", exc)
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    ErrorDialog.ask(parent, title, what, todo, detail)


def install_excepthook(parent_getter: type[QWidget] | None = None) -> None:
    """Exceptions escaping a slot are logged safely and shown instead of silently killing the app."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        try:
            from PySide6.QtWidgets import QApplication

            active = QApplication.activeWindow()
            show_error(active, exc)
        except Exception:
            log_exception(log, "unexpected error (no dialog)", exc)

    sys.excepthook = hook
