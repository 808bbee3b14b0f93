"""What a page may ask of the window that holds it. Pages receive this small interface instead of the
main window's class, so the window imports the pages and no page imports the window: the window can be
replaced in tests by anything that offers these members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QStatusBar

    from privdesk.services.dashboard import DashboardDTO
    from privdesk.services.hub import Services
    from privdesk.ui.pages.inbox import InboxPage
    from privdesk.ui.tasks import TaskRunner

T = TypeVar("T", bound="QObject")


class PageHost(Protocol):
    services: Services | None
    runner: TaskRunner
    database_label: str
    undo_stack: QUndoStack

    def statusBar(self) -> QStatusBar: ...

    def findChild(self, kind: type[T], /, name: str = ..., options: Any = ...) -> T | None: ...

    def go(self, key: str) -> None: ...

    def open_case(self, reference: str) -> None: ...

    def show_cases(self, **filters: Any) -> None: ...

    def update_next_deadline(self) -> None: ...

    def show_deadline(self, summary: DashboardDTO) -> None: ...

    def set_case_actions_enabled(self, enabled: bool) -> None: ...

    @property
    def inbox_page(self) -> InboxPage: ...
