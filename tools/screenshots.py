"""Screenshots of every screen with the demo data, taken under a private Xvfb display.

    python tools/screenshots.py [--out docs/screenshots] [--only reports ...] [--dark]

``--dark`` switches the application to a dark colour scheme before the window is built, as a dark
desktop would, and writes to docs/screenshots/dark unless ``--out`` is given.

Needs the Xvfb binary (apt package xvfb). Each screen is saved as a PNG named after it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def open_demo(db: str, report: Any = None) -> Any:
    """Worker thread: a new database with the demo organizations and cases (``report``: progress)."""
    from privdesk.services.demo import seed_demo
    from privdesk.services.hub import Services

    services = Services.open(db)
    seed_demo(services, progress=report)
    return services


def inner(out: Path, only: list[str], dark: bool = False, size: str = "") -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from privdesk.ui.application import make_application

    make_application()
    if dark:
        from privdesk.ui.theme import apply_dark_scheme

        apply_dark_scheme()
    settings_dir = tempfile.mkdtemp(prefix="privdesk-shots-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)  # a fresh user
    from privdesk.ui.main_window import MainWindow

    db = str(Path(settings_dir) / "demo.db")
    window = MainWindow(database_label=db)
    if size:
        # The whole screen of that size (no window manager maximizes under Xvfb): does everything fit?
        window.show()
        window.setGeometry(window.screen().availableGeometry())
    else:
        window.resize(1360, 860)
        window.show()

    def settle(ms: int = 400) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            loop = QEventLoop()
            QTimer.singleShot(ms, loop.quit)
            loop.exec()
            if window.runner.running == 0:
                break
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def shoot(widget: QWidget, name: str) -> None:
        settle()
        if only and not any(part in name for part in only):
            return
        path = out / f"{name}.png"
        if size and widget is window:
            screen = window.screen()
            screen.grabWindow(0).save(str(path))  # the screen itself: a window wider than it would show
        else:
            widget.grab().save(str(path))
        print(path)

    # The first start: the window at once, with the demo's progress while it is prepared.
    window.runner.run(
        lambda _token, report: open_demo(db, report),
        window.set_services,
        write=True,
        progress=window.show_preparing_demo,
    )
    deadline = time.monotonic() + 60
    while window.busy.value() < 15 and window.services is None and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    if window.services is None and (not only or any("first-start" in part for part in only)):
        path = out / "00-first-start.png"
        (window.screen().grabWindow(0) if size else window.grab()).save(str(path))
        print(path)
    settle(800)
    shoot(window, "01-dashboard")
    from privdesk.ui.models.case_table import column_of

    window.go("cases")
    shoot(window, "02-cases")
    queue = window.cases_page.queue
    row = next(
        r
        for r in range(queue.model.rowCount())
        if "Castellanos" in (queue.model.data(queue.model.index(r, column_of("consumer"))) or "")
    )
    reference = queue.model.data(queue.model.index(row, column_of("reference")))
    view = window.cases_page.open_case(reference)
    shoot(window, "03-case")
    view.tabs.setCurrentIndex(0)
    shoot(window, "04-case-timeline")
    for key, name in (
        ("consumers", "05-consumers"),
        ("agents", "06-agents"),
        ("organizations", "07-organizations"),
        ("reports", "08-reports"),
        ("settings", "09-settings"),
    ):
        window.go(key)
        if key == "consumers":
            settle()
            window.pages["consumers"].people_view.selectRow(0)  # type: ignore[attr-defined]
        if key == "agents":
            settle()
            window.pages["agents"].agents_view.selectRow(0)  # type: ignore[attr-defined]
        shoot(window, name)
    services = window.services
    assert services is not None
    samples = sorted((ROOT / "tests" / "data" / "intake").glob("sample-*.eml"))
    window.runner.run(lambda: services.intake.import_files(samples), write=True)
    settle()
    window.go("inbox")
    settle()
    window.pages["inbox"].view.selectRow(0)  # type: ignore[attr-defined]
    shoot(window, "16-inbox")
    window.go("reports")
    window.pages["reports"].choose("workload")  # type: ignore[attr-defined]
    shoot(window, "14-reports-workload")
    from privdesk.ui.pages.settings_templates import LetterTemplatesTab

    window.go("settings")
    templates = window.pages["settings"].findChild(LetterTemplatesTab)
    assert templates is not None
    window.pages["settings"].tabs.setCurrentWidget(templates)  # type: ignore[attr-defined]
    settle()
    templates.select("deletion_denied")
    settle()
    templates.copy_and_edit()
    templates.editor.go_to_line(12)
    templates.preview()
    shoot(window, "15-settings-templates")
    from privdesk.ui.dialogs.new_case import NewCaseDialog
    from privdesk.ui.dialogs.steps import ExtensionDialog, RespondDialog, VerificationDialog

    services = window.services
    assert services is not None
    today = services.ctx.today()
    dialogs = [
        (
            NewCaseDialog(
                window, services.organizations.list(), services.ctx.rulebook.jurisdictions(), today
            ),
            "10-new-case",
        ),
        (VerificationDialog(window, "reasonably_high"), "11-verification"),
        (ExtensionDialog(window, today, None), "12-extension"),
        (RespondDialog(window, services.cases.show(reference).items, today), "13-respond"),
    ]
    for dialog, name in dialogs:
        dialog.show()
        shoot(dialog, name)
        dialog.close()
    shoot_more(window, services, reference, settle, shoot)
    shoot_desk(window, services, settle, shoot)
    window.close()
    window.shutdown()
    QApplication.processEvents()


def sample_scan(folder: Path) -> Path:
    """A one-page scanned letter (a PDF made here, so the screenshot needs no file of the project)."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    path = folder / "scan-2026-11-18.pdf"
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    lines = (
        "Ruth Okafor",
        "12 Elm Street",
        "Torrance, CA 90501",
        "",
        "To the Privacy Officer,",
        "",
        "I am a California resident. Please delete all the personal information",
        "you hold about me, and confirm in writing when it is done.",
        "",
        "Yours faithfully,",
        "Ruth Okafor",
    )
    for n, line in enumerate(lines):
        pdf.drawString(72, 700 - 18 * n, line)
    pdf.showPage()
    pdf.save()
    return path


def shoot_more(window: Any, services: Any, reference: str, settle: Any, shoot: Any) -> None:
    """The screens added after the first sixteen: outbox, intake forms, agents' authorization, matches,
    the shortcuts, sign-in and first run."""
    from privdesk.ui.actions import shortcut_rows
    from privdesk.ui.dialogs.call_note import CallNoteDialog
    from privdesk.ui.dialogs.first_run import FirstRunDialog
    from privdesk.ui.dialogs.login import LoginDialog
    from privdesk.ui.dialogs.scanned_letter import ScannedLetterDialog
    from privdesk.ui.dialogs.steps import AuthorizationDialog
    from privdesk.ui.main_window import ShortcutsDialog

    window.go("outbox")
    settle()
    outbox = window.pages["outbox"]
    waiting = [x for x in outbox.letters.records if x.status == "queued" and x.has_postal_address]
    if waiting:
        outbox.select_letter(waiting[0].id)
    settle(800)
    shoot(window, "17-outbox")

    window.go("consumers")
    settle()
    consumers = window.pages["consumers"]
    row = next((r for r, c in enumerate(consumers.people.records) if c.full_name == "Jonathan Pemberton"), 0)
    consumers.people_view.selectRow(row)
    settle()
    if consumers.candidates.rowCount():
        consumers.candidates_view.selectRow(0)
    shoot(window, "21-consumer-matches")

    organizations = services.organizations.list()
    case = services.cases.show(reference)
    today = services.ctx.today()
    scans = Path(tempfile.mkdtemp(prefix="privdesk-scan-"))
    letter = ScannedLetterDialog(window, organizations, today, services.intake.limits.max_file_bytes, "mstis")
    letter.add_files([str(sample_scan(scans))])
    letter.sender_name.setText("Ruth Okafor")
    letter.sender_address.setPlainText("12 Elm Street\nTorrance, CA 90501")
    call = CallNoteDialog(window, organizations, services.ctx.now(), "mstis")
    call.caller_number.setText("(310) 555-0177")
    call.caller_name.setText("Dana Whitfield")
    call.asked.setPlainText(
        "I live in California and I want you to delete all the personal information you have on me."
    )
    call.data_point.setText("date of birth 1981-04-02")
    call.add_point_button.click()
    call_note, scanned = call.note(), letter.letter()  # what the forms would hand over on OK
    dialogs = [
        (call, "18-call-note"),
        (letter, "19-scanned-letter"),
        (
            AuthorizationDialog(window, services.agents.list(), case.consumer_id, case.consumer_name, today),
            "20-agent-authorization",
        ),
        (ShortcutsDialog(shortcut_rows(window.actions_by_id), window), "22-keyboard-shortcuts"),
        (LoginDialog(window.runner, lambda *_: None, window, database="demo.db"), "23-sign-in"),
        (FirstRunDialog(window.runner, lambda *_: None, window), "24-first-run"),
    ]
    for dialog, name in dialogs:
        dialog.show()
        shoot(dialog, name)
        dialog.hide()
        dialog.deleteLater()
    # What "Add to the inbox" does for each form (the GUI tests press the buttons themselves), then the
    # call as the officer finds it in the Inbox, and the form that makes it a case.
    from privdesk.ui.dialogs.intake_case import IntakeCaseDialog

    logged = services.intake.add_call_note(call_note)
    services.intake.add_scanned_letter(scanned)
    shutil.rmtree(scans, ignore_errors=True)
    window.go("inbox")
    settle()
    inbox = window.pages["inbox"]
    inbox.refresh(select=logged.intake_id)
    settle(800)
    shoot(window, "30-inbox-call-logged")
    make_case = IntakeCaseDialog(
        window,
        services.intake.suggest_case(logged.intake_id),
        organizations,
        services.ctx.rulebook.jurisdictions(),
    )
    make_case.show()
    shoot(make_case, "31-make-case-from-call")
    make_case.hide()
    make_case.deleteLater()


def shoot_desk(window: Any, services: Any, settle: Any, shoot: Any) -> None:
    """The officer's desk: a letter previewed from its case, a closed case, the open box with recent
    cases, a phone number search, the verification tab."""
    from PySide6.QtCore import Qt

    from privdesk.services.dto import CaseFilter

    letter = next(x for x in services.letters.outbox(status="queued") if x.kind == "acknowledgement")
    window.go("cases")
    view = window.cases_page.open_case(letter.case_reference)
    settle()
    view.tabs.setCurrentIndex(5)  # Letters
    row = next(
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view.letters.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == letter.id
    )
    view.letters.setCurrentItem(row)
    view.open_row("letter", row)
    settle(1000)
    shoot(window, "25-case-letter-preview")
    waiting = services.cases.list(CaseFilter(status="awaiting_verification"))[0].reference
    view = window.cases_page.open_case(waiting)
    settle()
    view.tabs.setCurrentIndex(2)  # Verification
    shoot(window, "26-case-verification")
    closed = services.cases.list(CaseFilter(status="closed"))[0].reference
    window.cases_page.open_case(closed)
    shoot(window, "27-closed-case")
    # An extension recorded (what the Extend dialog's OK does): the first respond-by reads as superseded.
    acknowledged = services.cases.list(CaseFilter(status="acknowledged"))[0].reference
    services.workflow.extend(
        acknowledged, services.ctx.today(), "the records are held by three claims units and must be collected"
    )
    window.cases_page.open_case(acknowledged)
    shoot(window, "32-case-extended")
    window.open_anything("(310) 555-0101")
    shoot(window, "28-phone-search")
    window.ask_open_case()
    settle()
    shoot(window, "29-open-box-recent")
    window.open_box.completer_.popup().hide()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=None, help="default docs/screenshots, or docs/screenshots/dark")
    parser.add_argument("--dark", action="store_true", help="take them under a dark colour scheme")
    parser.add_argument("--only", nargs="*", default=[], help="take only the screens whose name has this")
    parser.add_argument("--size", default="", help="a screen of WIDTHxHEIGHT with the window maximized")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    default = ROOT / "docs" / "screenshots" / ("dark" if args.dark else args.size)
    out = Path(args.out or default)
    out.mkdir(parents=True, exist_ok=True)
    if args.inner:
        inner(out, args.only, args.dark, args.size)
        return 0
    if shutil.which("Xvfb") is None:
        print("Xvfb is not installed (apt-get install xvfb)", file=sys.stderr)
        return 1
    display = f":{90 + os.getpid() % 9}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{args.size or '1440x900'}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1)
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        env.pop("PRIVDESK_DB", None)
        command = [sys.executable, __file__, "--inner", "--out", str(out)]
        command += ["--dark"] if args.dark else []
        command += ["--size", args.size] if args.size else []
        command += ["--only", *args.only]
        return subprocess.call(command, env=env)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
