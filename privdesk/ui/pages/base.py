"""What every page of the main window shares: access to the services, the task runner and navigation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget

from privdesk.ui.errors import show_error

if TYPE_CHECKING:
    from privdesk.services.hub import Services
    from privdesk.ui.pages.host import PageHost


class MessageLine(QLabel):
    """A word-wrapped line for the outcome of the last action: it takes no room while it says nothing,
    so an empty one never pushes the page's list down."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.hide()

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


class Page(QWidget):
    title = ""
    icon_name = ""

    def __init__(self, window: PageHost) -> None:
        super().__init__()
        self.window_ = window
        self.setObjectName(f"page_{type(self).__name__}")

    @property
    def services(self) -> Services:
        services = self.window_.services
        assert services is not None, "pages are refreshed only once the database is open"
        return services

    def call(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        *,
        write: bool = False,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run a service call off the GUI thread; failures go to a dialog unless ``failed`` is given."""
        self.window_.runner.run(work, done, failed or self.show_error, write=write)

    def show_error(self, exc: BaseException) -> None:
        show_error(self, exc)

    def refresh(self) -> None:
        """Reload what the page shows (called when it becomes visible and after changes)."""

    def save_state(self) -> None:
        """Remember splitters and columns."""
