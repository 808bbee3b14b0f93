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
    window = MainWindow(database_label="demo.db")  # not the temporary folder's path
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
    ]
    for dialog, name in dialogs:
        dialog.show()
        shoot(dialog, name)
        dialog.close()
    shoot_more(window, services, reference, settle, shoot)
    shoot_desk(window, services, settle, shoot)
    walk_day(window, services, settle, shoot)
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
    from privdesk.ui.dialogs.first_run import FirstRunDialog
    from privdesk.ui.dialogs.login import LoginDialog
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

    dialogs = [
        (ShortcutsDialog(shortcut_rows(window.actions_by_id), window), "22-keyboard-shortcuts"),
        (LoginDialog(window.runner, lambda *_: None, window, database="demo.db"), "23-sign-in"),
        (FirstRunDialog(window.runner, lambda *_: None, window), "24-first-run"),
    ]
    for dialog, name in dialogs:
        dialog.show()
        shoot(dialog, name)
        dialog.hide()
        dialog.deleteLater()


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
    window.open_anything("(310) 555-0101")
    shoot(window, "28-phone-search")
    window.ask_open_case()
    settle()
    shoot(window, "29-open-box-recent")
    window.open_box.completer_.popup().hide()


def answer_next(handle: Any) -> Any:
    """Answers the next modal dialog as the officer would: ``handle(dialog)`` fills it and presses its
    button. Returns the timer watching for it (stop it if the dialog may not come)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    before = QApplication.activeModalWidget()
    timer = QTimer()
    timer.setInterval(50)
    timer.answered = False  # type: ignore[attr-defined]

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog is before or not dialog.isVisible():
            return
        timer.stop()
        timer.answered = True  # type: ignore[attr-defined]
        handle(dialog)

    timer.timeout.connect(poll)
    timer.start()
    return timer


def through(button: Any, handle: Any) -> None:
    """Press the button, answer the dialog it opens (once its data has loaded), wait for it to close."""
    from PySide6.QtWidgets import QApplication

    watch = answer_next(handle)
    press(button)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not watch.answered:
        QApplication.processEvents()
        time.sleep(0.02)
    watch.stop()
    if not watch.answered:
        raise RuntimeError(f"no dialog came from {button.text()!r}")


def press(button: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def press_yes(box: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    press(box.button(QMessageBox.StandardButton.Yes))


def walk_day(window: Any, services: Any, settle: Any, shoot: Any) -> None:
    """The officer's day, each step through its real buttons and dialogs, each step's result shot:
    a scanned letter, a phone call, an email made a case, an agent's authorization, verification,
    extension, the answer generated and printed, the yearly report."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from privdesk.services.dto import CaseFilter
    from privdesk.ui.pages import outbox as outbox_page

    scans = Path(tempfile.mkdtemp(prefix="privdesk-scan-"))
    inbox = window.pages["inbox"]
    window.go("inbox")
    settle()

    # A scanned letter: the form with its preview, "Add to the inbox", the letter in the inbox.
    def fill_letter(dialog: Any) -> None:
        dialog.add_files([str(sample_scan(scans))])
        dialog.sender_name.setText("Ruth Okafor")
        dialog.sender_address.setPlainText("12 Elm Street\nTorrance, CA 90501")
        shoot(dialog, "19-scanned-letter")
        press(dialog.ok_button)

    through(inbox.letter_button, fill_letter)
    shoot(window, "40-day-letter-logged")

    # A phone call: the call note, then the call in the inbox and the form that makes it a case.
    def fill_call(dialog: Any) -> None:
        dialog.caller_number.setText("(310) 555-0177")
        dialog.caller_name.setText("Dana Whitfield")
        dialog.asked.setPlainText(
            "I live in California and I want you to delete all the personal information you have on me."
        )
        dialog.data_point.setText("date of birth 1981-04-02")
        press(dialog.add_point_button)
        shoot(dialog, "18-call-note")
        press(dialog.ok_button)

    through(inbox.call_button, fill_call)
    shoot(window, "30-inbox-call-logged")

    def look_and_cancel(dialog: Any) -> None:
        shoot(dialog, "31-make-case-from-call")
        dialog.reject()

    through(inbox.make_case_button, look_and_cancel)

    # An email becomes a case: the message chosen, "Make case…", the form confirmed.
    emails = [r for r, item in enumerate(inbox.items.records) if item.channel == "email"]
    inbox.view.selectRow(emails[0])
    settle()

    def confirm_case(dialog: Any) -> None:
        shoot(dialog, "41-day-email-make-case")
        # "Every deadline has passed" (when it has): made anyway, as the officer would.
        late.append(answer_next(press_yes))
        press(dialog.ok_button)

    late: list[Any] = []

    through(inbox.make_case_button, confirm_case)
    settle(800)
    late[0].stop()
    made = inbox.outcome_label.text().split()[1]
    window.open_case(made)
    shoot(window, "42-day-email-became-case")

    # An agent's authorization: a power of attorney recorded on the case the agent made.
    row = next(iter(services.cases.list(CaseFilter(search="Evelyn Marchetti"))))
    window.go("cases")
    view = window.cases_page.open_case(row.reference)
    settle()
    view.tabs.setCurrentIndex(3)  # Agent and authorization

    def fill_authorization(dialog: Any) -> None:
        dialog.agent.setCurrentIndex(dialog.agent.findText("Claire Marchetti"))
        for i in range(dialog.scope.count()):
            if dialog.scope.item(i).data(Qt.ItemDataRole.UserRole) in ("know_categories", "delete"):
                dialog.scope.item(i).setCheckState(Qt.CheckState.Checked)
        dialog.poa_box.setChecked(True)
        dialog.poa_dated.setChecked(True)
        dialog.poa_signed.setChecked(True)
        dialog.poa_notarized.setChecked(True)
        shoot(dialog, "20-agent-authorization")
        press(dialog.ok_button)

    through(view.findChild(QPushButton, "authorize_button"), fill_authorization)
    shoot(window, "43-day-agent-authorized")

    # Verification: the points asked, received and matched, the declaration; the level met.
    waiting = services.cases.list(CaseFilter(status="awaiting_verification"))[0].reference
    window.go("cases")
    view = window.cases_page.open_case(waiting)
    settle()
    view.tabs.setCurrentIndex(2)  # Verification

    def fill_verification(dialog: Any) -> None:
        for r in range(dialog.table.rowCount()):
            dialog.set_point(r, True, True, True)
        dialog.declaration.setChecked(True)
        shoot(dialog, "11-verification")
        press(dialog.ok_button)

    through(view.step_buttons["verify"], fill_verification)
    shoot(window, "44-day-verified")

    # The extension: the notice's reason, then the first respond-by shown as superseded.
    acknowledged = services.cases.list(CaseFilter(status="acknowledged"))[0].reference
    window.go("cases")
    view = window.cases_page.open_case(acknowledged)
    settle()

    def fill_extension(dialog: Any) -> None:
        dialog.reason.setPlainText("the records are held by three claims units and must be collected")
        shoot(dialog, "12-extension")
        press(dialog.ok_button)

    through(view.step_buttons["extend"], fill_extension)
    shoot(window, "32-case-extended")

    # Respond and print: the answer recorded on the verified case, its letter generated, previewed
    # and printed from the case. Xvfb has no printer: the pages go to a PDF file instead.
    window.go("cases")
    view = window.cases_page.open_case(waiting)
    settle()

    def record_answer(dialog: Any) -> None:
        shoot(dialog, "13-respond")
        press(dialog.ok_button)

    through(view.step_buttons["respond"], record_answer)
    settle(800)
    view.tabs.setCurrentIndex(5)  # Letters
    settle()
    queued = [
        view.letters.topLevelItem(i)
        for i in range(view.letters.topLevelItemCount())
        if view._letter_status(view.letters.topLevelItem(i)) == "queued"
    ]

    def to_pdf(_parent: Any) -> Any:
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(scans / "printed.pdf"))
        return printer

    asked = outbox_page.PrintLetter.ask
    outbox_page.PrintLetter.ask = to_pdf  # type: ignore[method-assign]
    try:
        if queued:
            keep = answer_next(press_yes)  # "Did the pages come out?" Yes
            view.letters.setCurrentItem(queued[-1])
            view.generate_and_print(queued[-1])
            settle(1500)
            keep.stop()
        shoot(window, "45-day-response-printed")
    finally:
        outbox_page.PrintLetter.ask = asked  # type: ignore[method-assign]

    # The yearly report: the metrics for the year, as the law asks them published.
    window.go("reports")
    window.pages["reports"].choose("metrics")
    settle(800)
    shoot(window, "46-day-yearly-report")

    def save_as(dialog: Any) -> None:  # the file dialog: a name typed, Save pressed
        dialog.selectFile(str(scans / "ccpa-metrics-2026.pdf"))
        dialog.accept()

    reports = window.pages["reports"]
    through(reports.export_buttons["pdf"], save_as)
    settle(1500)
    shoot(window, "47-day-yearly-report-saved")
    shutil.rmtree(scans, ignore_errors=True)


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
