"""Loading ahead: once the first screen has its figures, one background thread imports what the other
screens and dialogs need (their modules, ReportLab and the letter fonts), so that each opens quickly the
first time instead of paying for its imports while the officer waits.

Imports only: no widget is made here and nothing is read from the database (widgets belong to the GUI
thread). An import the GUI thread asks for meanwhile simply waits for this thread to finish it.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

log = logging.getLogger(__name__)

# In the order the officer is likely to want them; the letter machinery last, it is the largest.
MODULES = (
    "privdesk.ui.pages.inbox",
    "privdesk.ui.pages.case_view",
    "privdesk.ui.pages.outbox",
    "privdesk.ui.pages.consumers",
    "privdesk.ui.pages.agents",
    "privdesk.ui.pages.organizations",
    "privdesk.ui.pages.reports",
    "privdesk.ui.pages.settings_page",
    "privdesk.ui.dialogs.new_case",
    "privdesk.ui.dialogs.call_note",
    "privdesk.ui.dialogs.scanned_letter",
    "privdesk.ui.dialogs.steps",
    "privdesk.ui.dialogs.intake_case",
    "privdesk.ui.dialogs.intake_steps",
    "privdesk.ui.dialogs.web_form",
    "privdesk.ui.widgets.preview",
    "privdesk.services.casefile",
    "privdesk.services.reports",
    "privdesk.services.letters",
)

_lock = threading.Lock()
_thread: threading.Thread | None = None
_finished = threading.Event()
seconds_taken: float | None = None


def _load() -> None:
    global seconds_taken
    started = time.perf_counter()
    try:
        for name in MODULES:
            importlib.import_module(name)
        from privdesk.services.letters_common import load_ahead

        load_ahead()
    except Exception:  # best effort: the screen that needs the module reports any failure itself
        log.warning("loading ahead stopped early", exc_info=True)
    finally:
        seconds_taken = time.perf_counter() - started
        _finished.set()


def start() -> None:
    """Begin loading ahead (once per process; later calls do nothing)."""
    global _thread
    with _lock:
        if _thread is not None:
            return
        _thread = threading.Thread(target=_load, name="privdesk-load-ahead", daemon=True)
        _thread.start()


def wait(timeout: float | None = None) -> bool:
    """True once loading ahead has finished (benchmarks wait for it, as an officer's first click does)."""
    return _finished.wait(timeout)
