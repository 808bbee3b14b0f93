"""Start the desktop app: QApplication, error hook, database opened off the GUI thread, window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from privdesk import APP_ID, APP_NAME, __version__
from privdesk.ui.errors import explain, install_excepthook

if TYPE_CHECKING:
    from privdesk.services.hub import Services

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    # Names first: every QSettings created later is keyed by them.
    app.setOrganizationName("privdesk")
    app.setOrganizationDomain("privdesk.org")
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("privdesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    from privdesk.ui.icons import icon

    app.setWindowIcon(icon("cases"))
    return app


def open_services(target: str | None, demo: bool) -> Services:
    """Worker thread: open (and migrate) the database; seed the demo cases into an empty demo database."""
    from privdesk.services.hub import Services

    services = Services.open(target)
    if demo and services.cases.count() == 0:
        from privdesk.services.demo import seed_demo

        seed_demo(services)
    return services


def describe_target(target: str | None, env_db: str | None) -> str:
    from privdesk.services.hub import resolve_database

    location = target or env_db
    return resolve_database(location)


def run(target: str | None, *, demo: bool, env_db: str | None) -> int:
    app = make_application()
    install_excepthook()
    from privdesk.ui.main_window import MainWindow
    from privdesk.ui.settings import get_bool

    window = MainWindow(database_label=describe_target(target, env_db))
    window.show()

    def opened(services: Services) -> None:
        services.ctx.count_saturdays = get_bool("calendar/count_saturdays")
        window.set_services(services)

    def failed(exc: BaseException) -> None:
        _title, what, todo = explain(exc)
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("privdesk: cannot open the database")
        box.setText(f"The database {window.database_label} could not be opened.\n\n{what}")
        box.setInformativeText(
            todo + "\n\nTo use another database, start privdesk with --db PATH (or set PRIVDESK_DB); "
            "to try privdesk with sample data, start it with --demo."
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()
        window.close()
        app.exit(2)

    window.runner.run(lambda: open_services(target, demo), opened, failed, write=True)
    code = app.exec()
    window.shutdown()
    return int(code)
