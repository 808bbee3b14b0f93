"""Errors shown to the officer: what happened and what to do. Unexpected exceptions are logged
without their message (it can quote personal data) and shown in a dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
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

DATABASE_PROBLEM = "Database problem"

# Errors of these titles are not shown for now (the recovery dialog says it better); see ``hold``.
_held: set[str] = set()
# Called with each database problem about to be shown (the start-up flow checks the file at once).
database_problem_seen: Callable[[BaseException], None] | None = None


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
            DATABASE_PROBLEM,
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


# Error boxes on screen, by title: a box whose news is out of date (the damaged database was restored) is
# closed rather than left for the officer to find after the fact.
_open_boxes: dict[QMessageBox, str] = {}


class ErrorDialog:
    """The one place errors are shown; tests replace ``ask`` to collect them instead.

    The box is window-modal and returns at once (no nested event loop): the work that failed is over."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, informative: str, detail: str = "") -> None:
        same = next((b for b, t in _open_boxes.items() if t == title and b.text() == text), None)
        if same is not None:  # several reads failing for one reason: one box says it
            return
        box = QMessageBox(parent)
        box.setObjectName("error_box")
        box.setIcon(QMessageBox.Icon.Warning if title != "Unexpected error" else QMessageBox.Icon.Critical)
        box.setWindowTitle(f"privdesk: {title}")
        box.setText(text)
        box.setInformativeText(informative)
        if detail:
            box.setDetailedText(detail)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        _open_boxes[box] = title
        box.finished.connect(lambda _result: _open_boxes.pop(box, None))
        box.destroyed.connect(lambda *_: _open_boxes.pop(box, None))  # with its window, unanswered
        box.open()


def dismiss_errors(title: str) -> int:
    """Close the error boxes with ``title`` still on screen (what they said is no longer so)."""
    boxes = [box for box, shown in _open_boxes.items() if shown == title]
    for box in boxes:
        _open_boxes.pop(box, None)
        box.close()
    return len(boxes)


def open_error_texts() -> list[str]:
    """The texts of the error boxes on screen (tests look at what the officer sees)."""
    return [box.text() for box in _open_boxes]


def hold(title: str) -> None:
    """Stop showing errors of ``title`` (and close those on screen) until ``release``: while a damaged
    database is being restored, every read of it fails, and each failure would be old news."""
    _held.add(title)
    dismiss_errors(title)


def release(title: str) -> None:
    _held.discard(title)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    title, what, todo = explain(exc)
    if title in _held:
        log.info("not shown (being dealt with): %s", type(exc).__name__)
        return
    if title == DATABASE_PROBLEM and database_problem_seen is not None:
        database_problem_seen(exc)
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
