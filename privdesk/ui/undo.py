"""Undo and redo of saved edits: one QUndoStack per window, commands that call services off the GUI thread.

An edit is saved first and pushed afterwards (``push_saved``), so pushing does not save it a second
time. Undo and redo then run the inverse or the same service call through the window's task runner.
If one of them fails (someone else changed the record meanwhile, the row is gone), the officer is told
why and the history is cleared: its older steps would apply to data that is no longer what they knew.
Steps that cannot be taken back (a letter marked sent, the audit trail) are never pushed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from privdesk.ui.errors import show_error

if TYPE_CHECKING:
    from privdesk.ui.main_window import MainWindow
    from privdesk.ui.pages.host import PageHost


class ServiceCommand(QUndoCommand):
    """A saved edit: ``undo_work``/``redo_work`` run on a worker; ``done`` gets their result on the GUI."""

    def __init__(
        self,
        window: PageHost,
        text: str,
        undo_work: Callable[[], Any],
        redo_work: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(text)
        self.window = window
        self.undo_work = undo_work
        self.redo_work = redo_work
        self.done = done
        self._saved_already = True

    def redo(self) -> None:
        if self._saved_already:  # pushed right after the save: nothing to do again
            self._saved_already = False
            return
        self._run(self.redo_work)

    def undo(self) -> None:
        self._run(self.undo_work)

    def _run(self, work: Callable[[], Any]) -> None:
        window = self.window
        stack = window.undo_stack

        def failed(exc: BaseException) -> None:
            stack.clear()
            show_error(window if isinstance(window, QWidget) else None, exc)

        window.runner.run(work, self.done, failed, write=True)


def make_stack(window: MainWindow) -> QUndoStack:
    stack = QUndoStack(window)
    stack.setObjectName("undo_stack")
    stack.setUndoLimit(100)
    return stack


def push_saved(
    window: PageHost,
    text: str,
    undo_work: Callable[[], Any],
    redo_work: Callable[[], Any],
    done: Callable[[Any], None] | None = None,
) -> ServiceCommand:
    """Record an edit that has just been saved so Edit > Undo can take it back."""
    command = ServiceCommand(window, text, undo_work, redo_work, done)
    window.undo_stack.push(command)
    return command
