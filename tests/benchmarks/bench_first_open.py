"""First open of every screen and dialog, against a bare Qt window built in the same run (target: each
shown and filled within 0.5 s). A page counts until its first refresh has come back from the worker; a
dialog until it is on screen. The file dialogs are Qt's own on Linux (no desktop portal round trip).

Run as a script (``python tests/benchmarks/bench_first_open.py [--cases N]``) or with ``pytest -m benchmark``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 0.5


def _settle(app: Any, runner: Any, limit_s: float = 30.0) -> None:
    deadline = time.perf_counter() + limit_s
    app.processEvents()
    while runner.running and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()


def _timed(action: Callable[[], Any], app: Any, runner: Any) -> float:
    started = time.perf_counter()
    action()
    _settle(app, runner)
    return time.perf_counter() - started


def run(cases: int) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QTableView, QVBoxLayout, QWidget

    from privdesk.paths import resource
    from privdesk.services.bulk import bulk_cases
    from privdesk.services.dto import CaseFilter
    from privdesk.services.hub import Services
    from privdesk.ui.application import make_application
    from privdesk.ui.main_window import PAGE_KEYS, MainWindow

    app = make_application()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        db = Path(folder) / "bench.db"
        services = Services.open(str(db))
        for slug in ("mstis", "coverys", "lossexpress"):
            services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
        bulk_cases(services.ctx, cases)

        def bare() -> None:
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

        baseline = min(_timed(bare, app, type("R", (), {"running": 0})()) for _ in range(3))
        window = MainWindow(database_label=str(db))
        window.show()
        figures["window and dashboard"] = _timed(lambda: window.set_services(services), app, window.runner)
        for key in PAGE_KEYS:
            if key != "dashboard":
                figures[f"page {key}"] = _timed(lambda k=key: window.go(k), app, window.runner)
        reference = services.cases.list(CaseFilter(open_only=True, limit=1))[0].reference
        figures["case view"] = _timed(lambda: window.open_case(reference), app, window.runner)

        from privdesk.ui.dialogs.call_note import CallNoteDialog
        from privdesk.ui.dialogs.new_case import NewCaseDialog
        from privdesk.ui.dialogs.scanned_letter import ScannedLetterDialog
        from privdesk.ui.dialogs.steps import ExtensionDialog, RespondDialog, VerificationDialog

        organizations = services.organizations.list()
        jurisdictions = services.ctx.rulebook.jurisdictions()
        today = services.ctx.today()
        items = services.cases.show(reference).items
        dialogs: dict[str, Callable[[], QWidget]] = {
            "dialog new case": lambda: NewCaseDialog(
                window, organizations, jurisdictions, today, phone=False
            ),
            "dialog call note": lambda: CallNoteDialog(window, organizations, services.ctx.now(), "mstis"),
            "dialog scanned letter": lambda: ScannedLetterDialog(
                window, organizations, today, services.intake.limits.max_file_bytes, "mstis"
            ),
            "dialog verification": lambda: VerificationDialog(window, "reasonably_high"),
            "dialog extension": lambda: ExtensionDialog(window, today, None),
            "dialog respond": lambda: RespondDialog(window, items, today),
            "dialog save file (Qt's)": lambda: QFileDialog(window, "Save", folder),
        }
        for name, make in dialogs.items():

            def show(make: Callable[[], QWidget] = make) -> None:
                dialog = make()
                dialog.show()
                app.processEvents()
                dialog.close()
                dialog.deleteLater()

            figures[name] = _timed(show, app, window.runner)
        window.shutdown()
        window.close()
        services.close()
    print(f"\n{cases:,} cases; bare window with a table built in {baseline * 1000:.0f} ms")
    for name, seconds in figures.items():
        verdict = "ok" if seconds < TARGET_S else "SLOW"
        print(f"  {name:30s} {seconds * 1000:7.0f} ms  ({seconds / baseline:5.1f}x bare)  {verdict}")
    figures["bare"] = baseline
    return figures


@pytest.mark.benchmark
def test_first_open_benchmark() -> None:
    figures = run(int(os.environ.get("PRIVDESK_BENCH_CASES", "20000")))
    assert figures["page cases"] > 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    run(parser.parse_args().cases)
