"""The main window: navigation on the left, pages on the right, menus and toolbar from the action registry."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from privdesk import __version__
from privdesk.ui import settings as ui_settings
from privdesk.ui import warmup
from privdesk.ui.actions import ACTIONS, MENUS, build_actions, shortcut_rows
from privdesk.ui.icons import icon
from privdesk.ui.reminders import Reminders
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.undo import make_stack
from privdesk.ui.widgets.elided import ElidedLabel
from privdesk.ui.widgets.files import save_file, write_file
from privdesk.ui.widgets.open_box import OpenBox

if TYPE_CHECKING:
    from privdesk.services.changes import ChangeWatcher
    from privdesk.services.dashboard import DashboardDTO
    from privdesk.services.hub import Services
    from privdesk.ui.pages.base import Page
    from privdesk.ui.pages.cases import CasesPage
    from privdesk.ui.pages.inbox import InboxPage


log = logging.getLogger(__name__)


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setObjectName("shortcut_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (menu, text, keys) in enumerate(rows):
            for c, value in enumerate((menu, text, keys)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        # Every row in view without scrolling, as far as the screen allows.
        rows_height = self.table.verticalHeader().length() + self.table.horizontalHeader().height() + 4
        wanted = rows_height + buttons.sizeHint().height() + 3 * layout.spacing() + 24
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        limit = screen.height() - 80 if screen is not None else wanted
        width = sum(self.table.columnWidth(c) for c in range(3)) + 60
        self.resize(max(520, width), min(wanted, limit))

    @classmethod
    def ask(cls, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        cls(rows, parent).exec()


@dataclass(frozen=True)
class PageEntry:
    key: str
    title: str
    icon_name: str
    module: str
    class_name: str


# The navigation, in order. A page's module is imported and the page built the first time it is shown,
# so the window appears before the services, ReportLab and the charts are loaded.
PAGES: tuple[PageEntry, ...] = (
    PageEntry("dashboard", "Dashboard", "dashboard", "dashboard", "DashboardPage"),
    PageEntry("inbox", "Inbox", "inbox", "inbox", "InboxPage"),
    PageEntry("cases", "Cases", "cases", "cases", "CasesPage"),
    PageEntry("outbox", "Outbox", "outbox", "outbox", "OutboxPage"),
    PageEntry("consumers", "Consumers", "consumers", "consumers", "ConsumersPage"),
    PageEntry("agents", "Agents", "agents", "agents", "AgentsPage"),
    PageEntry("organizations", "Organizations", "organizations", "organizations", "OrganizationsPage"),
    PageEntry("reports", "Reports", "reports", "reports", "ReportsPage"),
    PageEntry("settings", "Settings", "settings", "settings_page", "SettingsPage"),
)
PAGE_KEYS = [entry.key for entry in PAGES]


def preload_pages(keys: tuple[str, ...] = ("dashboard", "cases")) -> None:
    """Import the first pages' modules from a worker thread while the database opens, so that
    building them on the GUI thread is quick."""
    for entry in PAGES:
        if entry.key in keys:
            importlib.import_module(f"privdesk.ui.pages.{entry.module}")


class PageSet(Mapping[str, "Page"]):
    """The window's pages by key, each built on first use in place of an empty stand-in."""

    def __init__(self, window: MainWindow, stack: QStackedWidget) -> None:
        self._window = window
        self._stack = stack
        self._made: dict[str, Page] = {}
        self._stand_ins: dict[str, QLabel] = {}
        for entry in PAGES:
            stand_in = QLabel(f"{entry.title}: opening the database…")
            stand_in.setAlignment(Qt.AlignmentFlag.AlignCenter)
            stand_in.setEnabled(False)
            self._stand_ins[entry.key] = stand_in
            stack.addWidget(stand_in)

    def __getitem__(self, key: str) -> Page:
        page = self._made.get(key)
        if page is None:
            if key not in PAGE_KEYS:
                raise KeyError(key)
            entry = PAGES[PAGE_KEYS.index(key)]
            module = importlib.import_module(f"privdesk.ui.pages.{entry.module}")
            page_type = getattr(module, entry.class_name)
            page = page_type(self._window)
            stand_in = self._stand_ins.pop(key)
            showing = self._stack.currentWidget() is stand_in
            self._stack.insertWidget(self._stack.indexOf(stand_in), page)
            if showing:
                self._stack.setCurrentWidget(page)
            self._stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self._made[key] = page
        return page

    def __contains__(self, key: object) -> bool:
        return key in PAGE_KEYS  # without building the page

    def __iter__(self) -> Iterator[str]:
        return iter(PAGE_KEYS)

    def __len__(self) -> int:
        return len(PAGES)

    def set_stand_in_text(self, key: str, text: str) -> None:
        stand_in = self._stand_ins.get(key)
        if stand_in is not None:
            stand_in.setText(text)

    def made_page(self, key: str) -> Page | None:
        """The page if it has been built, else None (without building it)."""
        return self._made.get(key)

    def made(self) -> list[Page]:
        """The pages built so far (the others have nothing to save or refresh)."""
        return list(self._made.values())

    def key_of(self, page: Page) -> str:
        return next(key for key, made in self._made.items() if made is page)


class MainWindow(QMainWindow):
    def __init__(self, *, database_label: str = "", runner: TaskRunner | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle("privdesk")
        self.services: Services | None = None
        self.database_label = database_label
        self.runner = runner or TaskRunner(self)
        self.undo_stack = make_stack(self)
        self._shown_page: Page | None = None
        self._build_pages()
        self._build_actions()
        self._build_status_bar()
        self.resize(1280, 800)
        ui_settings.restore_geometry(self, "main_window")
        self.fit_to_screen()
        ui_settings.restore_splitter(self.splitter, "main_splitter")
        self.setEnabled(True)
        self.setAcceptDrops(True)  # .eml/.msg files dropped anywhere on the window go to the inbox
        self._build_change_watch()
        self.reminders = Reminders(self)
        self.show_opening()

    # -- the screen ---------------------------------------------------------------------------
    def fit_to_screen(self) -> None:
        """Never larger than the screen it is on: however long a text grows, it elides instead."""
        screen = self.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame_w = max(self.frameGeometry().width() - self.geometry().width(), 0)
        frame_h = max(self.frameGeometry().height() - self.geometry().height(), 0)
        most = QSize(area.width() - frame_w, area.height() - frame_h)
        self.setMaximumSize(most)
        if self.width() > most.width() or self.height() > most.height():
            self.resize(min(self.width(), most.width()), min(self.height(), most.height()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and not getattr(self, "_follows_screen", False):
            handle.screenChanged.connect(lambda _screen: self.fit_to_screen())
            self._follows_screen = True
        self.fit_to_screen()

    # -- construction -------------------------------------------------------------------------
    def _build_pages(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        self.nav.setMinimumWidth(170)
        self.nav.setMaximumWidth(260)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self.pages = PageSet(self, self.stack)
        for entry in PAGES:
            item = QListWidgetItem(icon(entry.icon_name), entry.title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setSizeHint(QSize(0, 36))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._page_changed)
        self.splitter = QSplitter()
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([190, 1090])
        self.setCentralWidget(self.splitter)

    def _build_actions(self) -> None:
        slots = {
            "new_case": lambda: self.cases_page.new_case(),
            "open_case": self.ask_open_case,
            "import_files": self.choose_import_files,
            "export_calendar": self.export_calendar,
            "log_call": lambda: self.inbox_page.log_call(),
            "log_letter": lambda: self.inbox_page.log_letter(),
            "quit": self.close,
            "undo": self.undo_stack.undo,
            "redo": self.undo_stack.redo,
            "find": self.focus_search,
            "refresh": self.refresh_current,
            "go_dashboard": lambda: self.go("dashboard"),
            "go_cases": lambda: self.go("cases"),
            "go_consumers": lambda: self.go("consumers"),
            "go_agents": lambda: self.go("agents"),
            "go_organizations": lambda: self.go("organizations"),
            "go_reports": lambda: self.go("reports"),
            "go_inbox": lambda: self.go("inbox"),
            "go_outbox": lambda: self.go("outbox"),
            "go_settings": lambda: self.go("settings"),
            "next_action": lambda: self._case_action("next_action"),
            "acknowledge": lambda: self._case_action("acknowledge"),
            "verify": lambda: self._case_action("verify"),
            "extend": lambda: self._case_action("extend"),
            "respond": lambda: self._case_action("respond"),
            "authorize": lambda: self._case_action("authorize"),
            "add_note": lambda: self._case_action("add_note"),
            "close_case": lambda: self._case_action("close_case"),
            "close_tab": lambda: self.cases_page.close_current_tab(),
            "shortcuts": self.show_shortcuts,
            "about": self.show_about,
        }
        self.actions_by_id = build_actions(self, slots)
        bar = self.menuBar()
        menus = {name: bar.addMenu(f"&{name}") for name in MENUS}
        for spec in ACTIONS:
            menu = menus[spec.menu]
            if (spec.menu == "File" and spec.id == "quit") or (
                spec.menu == "Case" and spec.id == "close_tab"
            ):
                menu.addSeparator()
            menu.addAction(self.actions_by_id[spec.id])
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for spec in ACTIONS:
            if spec.toolbar:
                toolbar.addAction(self.actions_by_id[spec.id])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.open_box = OpenBox(self)
        self.open_box.wanted.connect(self.open_anything)
        toolbar.addWidget(self.open_box)
        self.actions_by_id["open_case"].setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+O")])
        self.addToolBar(toolbar)
        self.set_case_actions_enabled(False)
        self.undo_stack.canUndoChanged.connect(lambda _: self._sync_undo_actions())
        self.undo_stack.canRedoChanged.connect(lambda _: self._sync_undo_actions())
        self.undo_stack.undoTextChanged.connect(lambda _: self._sync_undo_actions())
        self.undo_stack.redoTextChanged.connect(lambda _: self._sync_undo_actions())

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.db_label = QLabel()
        self.db_label.setObjectName("status_database")
        self.db_label.setAccessibleName("Database in use")
        self.deadline_label = ElidedLabel()
        self.deadline_label.setObjectName("status_next_deadline")
        self.deadline_label.setAccessibleName("Next deadline")
        self.busy = QProgressBar()
        self.busy.setObjectName("status_busy")
        self.busy.setAccessibleName("Working")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(12)
        self.busy.setTextVisible(False)
        self.busy.hide()
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.deadline_label)
        self.runner.busy_changed.connect(self._busy_changed)
        status.messageChanged.connect(self._message_changed)
        self._update_db_label()

    def _message_changed(self, message: str) -> None:
        """The database line gives way to a message and comes back after it. QStatusBar's own hiding
        does not hold: a message shown before the window (“Opening the database…”) or
        replaced by another let Qt show the line again, and the two texts were drawn over each other."""
        self.db_label.setVisible(not message)

    def _busy_changed(self, busy: bool) -> None:
        if self.busy.maximum() == 0:  # a determinate bar (the demo's progress) stays until it is done
            self.busy.setVisible(busy)

    # -- state --------------------------------------------------------------------------------
    @property
    def cases_page(self) -> CasesPage:
        from privdesk.ui.pages.cases import CasesPage

        page = self.pages["cases"]
        assert isinstance(page, CasesPage)
        return page

    def show_opening(self) -> None:
        self.nav.setEnabled(False)
        self.stack.setEnabled(False)
        for action in self.actions_by_id.values():
            if action.objectName() not in ("action_quit", "action_shortcuts", "action_about"):
                action.setEnabled(False)
        self.statusBar().showMessage("Opening the database…")

    def show_preparing_demo(self, done: int, total: int) -> None:
        """Progress of the first ``--demo`` start, while the sample cases are dated from today."""
        text = f"Preparing today's demo: {done} of {total} sample cases…"
        self.statusBar().showMessage(text)
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)
        self.busy.show()
        self.pages.set_stand_in_text("dashboard", text)

    def set_services(self, services: Services) -> None:
        """The database is open: enable the window and show the dashboard."""
        self.services = services
        if self.busy.maximum() != 0:  # the demo's progress is over: back to "working…"
            self.busy.setRange(0, 0)
            self.busy.setVisible(self.runner.running > 0)
        self.nav.setEnabled(True)
        self.stack.setEnabled(True)
        for spec in ACTIONS:
            self.actions_by_id[spec.id].setEnabled(True)
        self.set_case_actions_enabled(False)
        self._sync_undo_actions()
        self.start_change_watch()
        self.statusBar().clearMessage()
        self.statusBar().showMessage("Ready", 3000)
        self.nav.setCurrentRow(-1)
        self.go("dashboard")
        self.update_next_deadline()
        # Scheduled mailbox fetches belong to the Inbox page: build it once the first screen is up.
        QTimer.singleShot(2000, self, self._start_mail_schedule)
        QTimer.singleShot(1500, self, self.reminders.start)  # after the dashboard has its figures
        QTimer.singleShot(0, self, self._load_ahead_when_idle)

    def _load_ahead_when_idle(self) -> None:
        """Once the dashboard has its figures, load what the other screens need in the background."""
        if self.runner.running:
            QTimer.singleShot(100, self, self._load_ahead_when_idle)
            return
        warmup.start()

    def _start_mail_schedule(self) -> None:
        if self.services is not None:
            self.inbox_page.scheduler.start()

    def update_next_deadline(self) -> None:
        if self.services is None:
            return
        if self.current_page() is self.pages.made_page("dashboard"):
            return  # the dashboard's own refresh brings the same figures (show_deadline)
        services = self.services
        self.runner.run(lambda: services.dashboard.summary(weeks=1), self.show_deadline)

    def show_deadline(self, summary: DashboardDTO) -> None:
        """The status bar's deadline line, from a dashboard summary."""
        if summary.overdue:
            self.deadline_label.setText(
                f"⚠ {summary.overdue} overdue · next deadline "
                f"{summary.next_deadline.isoformat() if summary.next_deadline else '—'}"
            )
        elif summary.next_deadline:
            self.deadline_label.setText(f"Next deadline: {summary.next_deadline.isoformat()}")
        else:
            self.deadline_label.setText("No open deadlines")

    def set_case_actions_enabled(self, enabled: bool) -> None:
        for spec in ACTIONS:
            if spec.menu == "Case":
                self.actions_by_id[spec.id].setEnabled(enabled)

    def _update_db_label(self) -> None:
        text = self.database_label or "no database"
        self.db_label.setText(f"Database: {text}")
        self.db_label.setToolTip(text)

    # -- navigation ---------------------------------------------------------------------------
    def go(self, key: str) -> None:
        row = PAGE_KEYS.index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        else:
            self._page_changed(row)

    def _page_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[PAGE_KEYS[row]]
        if not self._may_leave(page):
            return
        self._shown_page = page
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(f"{page.title} — privdesk")
        if self.services is not None:
            page.refresh()
        # Asked without building the Cases page: building it here would slow start-up.
        on_a_case = page is self.pages.made_page("cases") and self.cases_page.current_case_view() is not None
        self.set_case_actions_enabled(on_a_case)

    def current_page(self) -> Page:
        return self.pages[PAGE_KEYS[max(self.nav.currentRow(), 0)]]

    def refresh_current(self) -> None:
        if self.services is not None:
            self.current_page().refresh()
            self.update_next_deadline()

    def focus_search(self) -> None:
        self.go("cases")
        self.cases_page.focus_search()

    def open_case(self, reference: str) -> None:
        self.go("cases")
        self.cases_page.open_case(reference)

    def show_cases(self, **filters: object) -> None:
        """Open the queue with filters set (dashboard click-through)."""
        self.go("cases")
        self.cases_page.apply_filters(**filters)

    def ask_open_case(self) -> None:
        """Ctrl+K: to the box in the toolbar, with the cases opened last offered."""
        self.open_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.open_box.selectAll()
        self.open_box.show_recent()

    def open_anything(self, text: str) -> None:
        """What the officer typed: a case number opens the case; a name, email or phone number opens the
        one case it finds, or the queue searched for it (closed cases too) when it finds several."""
        text = text.strip()
        services = self.services
        if not text or services is None:
            return

        def work() -> tuple[str, str | None, int]:
            from privdesk.services.dto import CaseFilter

            reference = services.cases.resolve(text)
            if reference is not None:
                return "case", reference, 1
            rows = services.cases.list(CaseFilter(search=text, limit=2))
            if len(rows) == 1:
                return "case", rows[0].reference, 1
            return "search", None, len(rows)

        def found(answer: tuple[str, str | None, int]) -> None:
            kind, reference, count = answer
            if kind == "case" and reference is not None:
                self.open_box.clear()
                self.open_case(reference)
                return
            self.show_cases(search=text)
            if count == 0:
                self.statusBar().showMessage(
                    f"Nothing matches “{text}”: try part of a name, an email, a phone number or a case "
                    "number such as 52.",
                    10_000,
                )

        self.runner.run(work, found)

    @property
    def inbox_page(self) -> InboxPage:
        from privdesk.ui.pages.inbox import InboxPage

        page = self.pages["inbox"]
        assert isinstance(page, InboxPage)
        return page

    def export_calendar(self) -> None:
        """The open cases' deadlines as an .ics file: case references and steps, no personal data."""
        services = self.services
        if services is None:
            return
        target = save_file(
            self, "calendar", "Export the deadlines calendar", "privdesk-deadlines.ics", "Calendars (*.ics)"
        )
        if not target:
            return
        path = Path(target if target.lower().endswith(".ics") else f"{target}.ics")

        def work() -> int:
            text = services.cases.deadlines_calendar()
            write_file(path, text.encode("utf-8"))
            return text.count("BEGIN:VEVENT")

        def done(count: int) -> None:
            self.statusBar().showMessage(
                f"{count} deadline{'s' if count != 1 else ''} written to {path.name}: case references "
                "only, no names. A calendar program can subscribe to this file; "
                "`privdesk calendar --out FILE` keeps it current from a scheduled job.",
                15_000,
            )

        self.runner.run(work, done)

    def choose_import_files(self) -> None:
        self.go("inbox")
        self.inbox_page.choose_files()

    def import_files(self, paths: list[str]) -> bool:
        """Import emails into the inbox (File > Import and drops on the window)."""
        if self.services is None:
            return False
        self.go("inbox")
        return self.inbox_page.import_files(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from privdesk.ui.pages.inbox import dropped_paths

        if self.services is not None and dropped_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        from privdesk.ui.pages.inbox import dropped_paths

        paths = dropped_paths(event.mimeData().urls())
        if paths and self.import_files(paths):
            event.acceptProposedAction()
        else:
            event.ignore()

    def _case_action(self, name: str) -> None:
        view = self.cases_page.current_case_view()
        if view is None:
            return
        if view.is_closed and name != "next_action":
            self.statusBar().showMessage(
                f"{view.reference} is closed and read-only: reopen it first (Case › Do the next step).", 8000
            )
            return
        getattr(view, name)()

    # -- help ---------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        ShortcutsDialog.ask(shortcut_rows(self.actions_by_id), self)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About privdesk",
            f"<b>privdesk {__version__}</b><p>Case management for consumer privacy requests: "
            "intake, statutory deadlines, verification, agents and letters.</p>"
            f"<p>Database: {self.database_label}</p>",
        )

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_leave(None):
            event.ignore()
            return
        self.stop_change_watch()
        ui_settings.save_geometry(self, "main_window")
        ui_settings.save_splitter(self.splitter, "main_splitter")
        for page in self.pages.made():
            page.save_state()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Wait for running work, then close the database."""
        self.reminders.stop()
        self.stop_change_watch()
        self.runner.wait(15_000)
        if self.services is not None:
            self.services.close()
            self.services = None

    # -- undo, leaving a page with unsaved edits, changes made elsewhere ------------------------
    def _sync_undo_actions(self) -> None:
        stack = self.undo_stack
        ready = self.services is not None
        try:
            states = (
                ("undo", stack.canUndo(), stack.undoText()),
                ("redo", stack.canRedo(), stack.redoText()),
            )
        except RuntimeError:  # the stack emits its last signals while the window is destroyed
            return
        for action_id, possible, text in states:
            action = self.actions_by_id[action_id]
            action.setEnabled(ready and possible)
            caption = "&Undo" if action_id == "undo" else "&Redo"
            action.setText(f"{caption} {text}" if possible and text else caption)

    def _may_leave(self, target: Page | None) -> bool:
        """Ask the page being left about unsaved edits; on Cancel stay where the officer was."""
        current = self._shown_page
        if current is None or current is target:
            return True
        confirm = getattr(current, "confirm_leave", None)
        if confirm is None or confirm():
            return True
        if target is not None:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(PAGE_KEYS.index(self.pages.key_of(current)))
            self.nav.blockSignals(False)
        return False

    def _build_change_watch(self) -> None:
        # Polls run on a runner of their own: they must not flash the busy indicator nor hold up
        # the officer's work, and at most one runs at a time.
        self.watch_runner = TaskRunner(self)
        self.watch_runner.read_pool.setMaxThreadCount(1)
        self.change_timer = QTimer(self)
        self.change_timer.setObjectName("change_timer")
        self.change_timer.timeout.connect(self.poll_changes)
        self._watcher: ChangeWatcher | None = None
        self._polling = False
        self.changes_seen = 0

    def start_change_watch(self) -> None:
        seconds = ui_settings.get_json("changes/poll_seconds", 3)
        seconds = seconds if isinstance(seconds, int | float) and seconds > 0 else 3
        self.change_timer.start(int(seconds * 1000))

    def stop_change_watch(self) -> None:
        self.change_timer.stop()
        self.watch_runner.wait(10_000)
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None

    def poll_changes(self) -> None:
        """Timer slot: ask the watcher (in a worker) whether another workstation committed something."""
        services = self.services
        if services is None or self._polling:
            return
        self._polling = True

        def work() -> bool:
            from privdesk.services.changes import ChangeWatcher

            if self._watcher is None:
                self._watcher = ChangeWatcher(services.db)
                return False  # its starting mark: changes from now on
            return self._watcher.poll()

        def done(changed: bool) -> None:
            self._polling = False
            if changed and self.services is services:
                self.changes_seen += 1
                self.data_changed_elsewhere()

        def failed(exc: BaseException) -> None:
            self._polling = False
            # A server that went away is reported by the next real action; polling just waits.
            log.info("change poll failed: %s", type(exc).__name__)

        self.watch_runner.run(work, done, failed)

    def data_changed_elsewhere(self) -> None:
        """Refresh what is visible without losing the officer's place; other pages reload when shown."""
        if self.runner.running:
            # Work of this window is under way (perhaps a save whose callback refreshes anyway):
            # come back when it has settled rather than refresh under it.
            QTimer.singleShot(500, self.data_changed_elsewhere)
            return
        page = self.current_page()
        hook = getattr(page, "changed_elsewhere", None)
        if hook is not None:
            hook()
        else:
            page.refresh()
        self.update_next_deadline()
