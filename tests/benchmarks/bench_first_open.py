"""First open of every screen and dialog, against a bare Qt window built in the same run (target: each on
screen within 0.5 s). Two figures per screen, as the officer meets them:

- shown: the GUI thread's time from the click until the screen is painted (nothing can be clicked
  meanwhile); pages show a "loading" line and fill in from a worker;
- filled: until the page's first reads have come back from the worker and are on screen.

Dialogs are opened the way the officer opens them (the menu action, or the case's button): a dialog that
first reads its choices counts that read too; the figure stops when the dialog is painted.

The window loads the other screens' modules in the background once the dashboard has its figures
(``privdesk.ui.warmup``). The default run waits for that, as an officer's first click does (its time is
printed); ``--cold`` opens every screen with nothing loaded ahead, the worst case of a click within the first
second or two. With PYTHONDONTWRITEBYTECODE set every import is compiled from source, which an installed
copy never does: the figures are then pessimistic, and the run says so.

Run as a script (``python tests/benchmarks/bench_first_open.py [--cases N] [--cold]``) or with
``pytest -m benchmark`` (both modes, each in a process of its own).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 0.5


def _settle(app: Any, runner: Any, limit_s: float = 60.0) -> None:
    deadline = time.perf_counter() + limit_s
    app.processEvents()
    while runner.running and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()


def run(cases: int, *, cold: bool = False) -> dict[str, tuple[float, float]]:
    """Figures by name: (shown, filled) seconds."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

    from privdesk.paths import resource
    from privdesk.services.bulk import bulk_cases
    from privdesk.services.dto import CaseFilter
    from privdesk.services.hub import Services
    from privdesk.ui import warmup
    from privdesk.ui.application import make_application
    from privdesk.ui.main_window import PAGE_KEYS, MainWindow

    if cold:
        warmup.start = lambda: None  # nothing loaded ahead: every screen pays for its own imports
    app = make_application()
    figures: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        db = Path(folder) / "bench.db"
        services = Services.open(str(db))
        for slug in ("mstis", "coverys", "lossexpress"):
            services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
        bulk_cases(services.ctx, cases)
        services.agents.add("Bench Authorized Agents LLC", sos_registration="C1234567")

        def bare() -> float:
            started = time.perf_counter()
            window = QMainWindow()
            body = QWidget()
            layout = QVBoxLayout(body)
            for n in range(10):
                layout.addWidget(QLabel(f"label {n}"))
            layout.addWidget(QTableView())
            window.setCentralWidget(body)
            window.show()
            app.processEvents()
            window.close()
            return time.perf_counter() - started

        baseline = min(bare() for _ in range(3))
        window = MainWindow(database_label=str(db))
        window.show()
        app.processEvents()

        def timed(action: Callable[[], Any]) -> tuple[float, float]:
            started = time.perf_counter()
            action()
            app.processEvents()  # the screen is painted here
            shown = time.perf_counter() - started
            _settle(app, window.runner)
            return shown, time.perf_counter() - started

        figures["window and dashboard"] = timed(lambda: window.set_services(services))
        loaded_ahead = None
        if not cold:
            started = time.perf_counter()
            while not warmup.wait(0.005):
                app.processEvents()
            loaded_ahead = time.perf_counter() - started
        for key in PAGE_KEYS:
            if key != "dashboard":
                figures[f"page {key}"] = timed(lambda k=key: window.go(k))
        reference = services.cases.list(CaseFilter(open_only=True, limit=1))[0].reference
        figures["case view"] = timed(lambda: window.open_case(reference))

        # Dialogs: opened through the officer's path; exec() is replaced by "show, paint, note the time,
        # cancel", so the figure runs from the click to the dialog on screen.
        shown_at: list[float] = []

        def painted_then_cancelled(dialog: QDialog) -> int:
            dialog.show()
            app.processEvents()
            shown_at.append(time.perf_counter())
            dialog.close()
            dialog.deleteLater()
            return int(QDialog.DialogCode.Rejected)

        QDialog.exec = painted_then_cancelled  # type: ignore[method-assign,assignment]
        import datetime as dt

        from privdesk.services.intake import CallNote

        call = services.intake.add_call_note(
            CallNote(
                organization="mstis",
                received_at=services.ctx.now() - dt.timedelta(hours=1),
                caller_number="(310) 555-0177",
                caller_name="Bench Caller",
                what_they_asked="I live in California: please delete my personal information.",
            )
        )
        inbox = window.inbox_page
        view = window.cases_page.current_case_view()
        assert view is not None and view.case is not None
        paths: dict[str, Callable[[], Any]] = {
            "dialog new case": window.actions_by_id["new_case"].trigger,
            "dialog log a call": window.actions_by_id["log_call"].trigger,
            "dialog scanned letter": window.actions_by_id["log_letter"].trigger,
            "dialog acknowledge": view.acknowledge,
            "dialog verification": view.verify,
            "dialog extension": view.extend,
            "dialog respond": view.respond,
            "dialog note": view.add_note,
            "dialog authorization": view.authorize,
            "dialog keyboard shortcuts": window.show_shortcuts,
            "dialog make a case (inbox)": inbox.make_case,
            "dialog attach to a case (inbox)": inbox.attach_to_case,
            "dialog set aside (inbox)": inbox.set_aside,
        }
        for name, path in paths.items():
            if "(inbox)" in name:
                window.go("inbox")
                _settle(app, window.runner)
                inbox.select_item(call.intake_id)
                _settle(app, window.runner)
            elif name.startswith("dialog new") or name.startswith("dialog log") or "scanned" in name:
                window.go("cases" if "new case" in name else "inbox")
                _settle(app, window.runner)
            else:
                window.open_case(reference)
                _settle(app, window.runner)
            shown_at.clear()
            started = time.perf_counter()
            path()
            _settle(app, window.runner)
            deadline = time.perf_counter() + 10
            while not shown_at and time.perf_counter() < deadline:
                app.processEvents()
                _settle(app, window.runner)
            if not shown_at:
                raise RuntimeError(f"{name}: no dialog came up")
            took = shown_at[0] - started
            figures[name] = (took, took)

        def save_dialog() -> None:
            dialog = QFileDialog(window, "Save", folder)
            painted_then_cancelled(dialog)

        figures["dialog save file (Qt's)"] = timed(save_dialog)
        window.shutdown()
        window.close()
        services.close()
    mode = "cold: nothing loaded ahead" if cold else "after loading ahead"
    print(f"\n{cases:,} cases, {mode}; bare window with a table built in {baseline * 1000:.0f} ms")
    if loaded_ahead is not None:
        print(f"  loading ahead finished {loaded_ahead * 1000:.0f} ms after the dashboard had its figures")
    if sys.dont_write_bytecode and not sys.pycache_prefix:
        print("  (PYTHONDONTWRITEBYTECODE is set: every import compiled from source, figures pessimistic)")
    print(f"  {'':32s} {'shown':>8s} {'filled':>8s}  {'ratio':>7s}")
    for name, (shown, filled) in figures.items():
        verdict = "ok" if shown < TARGET_S else "SLOW"
        fill_note = "" if filled < TARGET_S else "  (fills later)"
        print(
            f"  {name:32s} {shown * 1000:6.0f} ms {filled * 1000:6.0f} ms  {shown / baseline:6.1f}x"
            f"  {verdict}{fill_note}"
        )
    figures["bare"] = (baseline, baseline)
    return figures


@pytest.mark.benchmark
def test_first_open_benchmark() -> None:
    cases = os.environ.get("PRIVDESK_BENCH_CASES", "20000")
    for extra in ([], ["--cold"]):
        # A process each: a module imported once stays imported, so the cold figures need a fresh one.
        done = subprocess.run(
            [sys.executable, __file__, "--cases", cases, *extra], capture_output=True, text=True, check=True
        )
        print(done.stdout)
        assert "page cases" in done.stdout


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--cold", action="store_true", help="open every screen with nothing loaded ahead")
    options = parser.parse_args()
    run(options.cases, cold=options.cold)
