"""Composition root: the only module that wires every layer together."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from collections.abc import Sequence

from privdesk.logsafe import configure_logging
from privdesk.paths import data_dir


class _NotDesktop(Exception):
    pass


class _DesktopParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotDesktop(message)


def desktop_arguments(args: Sequence[str]) -> argparse.Namespace | None:
    """``--db``/``--demo`` when the arguments start the desktop app; None when they are for the command
    line (a command, ``--help``, ``--version``, a mistake), which its full parser then reads.

    The command line's parser imports every service; reading the desktop's few options without it keeps
    those imports off the path to the first window.
    """
    parser = _DesktopParser(add_help=False)
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--user")  # a command-line sign-in option; the desktop asks in its own dialog
    try:
        namespace, rest = parser.parse_known_args(list(args))
    except _NotDesktop:
        return None
    return None if rest else namespace


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = list(sys.argv[1:] if argv is None else argv)
    if os.name == "posix":
        # Everything privdesk writes (database, journals, salt, backups, logs, exports, letters) is
        # readable by the user alone; Windows keeps the private ACL of the user's profile folder.
        os.umask(0o077)
    # A read-only home must not stop the app; it then runs without a log file.
    with contextlib.suppress(OSError):
        configure_logging(data_dir() / "logs")
    with contextlib.suppress(OSError):
        from privdesk.store.scratch import sweep

        sweep()  # temporary files of privdesk processes that were killed
    desktop = desktop_arguments(args)
    if desktop is not None:
        return run_gui(desktop.db, demo=desktop.demo, started=started)
    from privdesk import cli

    return cli.run(args)


def _import_services() -> None:
    # Best effort: any failure shows up again, with its message, when the start-up opens the database.
    with contextlib.suppress(Exception):
        import privdesk.services.backup
        import privdesk.services.hub  # noqa: F401
        from privdesk.services.secrets import keyring_available

        keyring_available()  # finds the keyring's backend once; the key is looked up with it


def run_gui(db: str | None, *, demo: bool, started: float | None = None) -> int:
    # The services' modules (SQLAlchemy and the models, most of a second) are imported on a background
    # thread while Qt loads and the window is built: the database opens that much sooner.
    threading.Thread(target=_import_services, name="privdesk-preload", daemon=True).start()
    from privdesk.paths import demo_database_path
    from privdesk.ui.application import run

    target = str(demo_database_path()) if demo else db
    return run(target, demo=demo, env_db=os.environ.get("PRIVDESK_DB"), started=started)
