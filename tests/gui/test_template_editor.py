"""Settings › Letter templates: copy, edit, preview, save as a new version, errors with their line, revert."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QTextCursor

from privdesk.services.hub import Services
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages import settings_templates
from privdesk.ui.pages.settings_templates import LetterTemplatesTab
from tests.letters.pdftext import flat_text

SENTENCE = "Our privacy office answers the telephone on weekdays from nine to five."


def open_tab(qtbot: Any, window: MainWindow) -> LetterTemplatesTab:
    window.go("settings")
    page = window.pages["settings"]
    tab = page.findChild(LetterTemplatesTab)
    assert tab is not None
    page.tabs.setCurrentWidget(tab)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and tab.case.count() > 0, timeout=10_000)
    return tab


def choose(qtbot: Any, tab: LetterTemplatesTab, kind: str, family: str = "") -> None:
    assert tab.select(kind, family)
    qtbot.waitUntil(lambda: tab.history.count() > 0 and tab.editor.toPlainText().strip() != "")


def in_use(tab: LetterTemplatesTab, kind: str, family: str = "") -> str:
    row = next(r for r, t in enumerate(tab.model.records) if (t.kind, t.family) == (kind, family))
    return str(tab.model.data(tab.model.index(row, 1)))


def type_on_line(qtbot: Any, tab: LetterTemplatesTab, line: int, text: str, *, replace: bool) -> None:
    """Put the cursor on ``line`` and type, as the officer would."""
    tab.editor.go_to_line(line)
    cursor = tab.editor.textCursor()
    if replace:
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
    else:
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    tab.editor.setTextCursor(cursor)
    if not replace:
        qtbot.keyClick(tab.editor, Qt.Key.Key_Return)
        qtbot.keyClick(tab.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(tab.editor, text)


def save_version(qtbot: Any, tab: LetterTemplatesTab, version: int) -> None:
    tab.save_button.click()
    qtbot.waitUntil(lambda: f"Saved as version {version}" in tab.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: in_use(tab, tab.current.kind).startswith(f"Version {version} by tester"))  # type: ignore[union-attr]


def test_an_added_sentence_is_saved_as_a_version_and_printed_in_letters(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, demo_services: Services
) -> None:
    tab = open_tab(qtbot, window)
    qtmodeltester.check(tab.model)
    choose(qtbot, tab, "acknowledgement")
    assert in_use(tab, "acknowledgement") == "Built-in"
    assert tab.editor.isReadOnly() and not tab.save_button.isEnabled()
    assert QFontInfo(tab.editor.font()).fixedPitch()
    assert [tab.history.item(i).text() for i in range(tab.history.count())] == ["Built-in text  (in use)"]

    tab.copy_button.click()
    assert not tab.editor.isReadOnly() and tab.save_button.isEnabled()
    type_on_line(qtbot, tab, 3, SENTENCE, replace=False)  # a paragraph after the salutation
    assert tab.position.text().startswith("Line 5,")

    # The preview renders the edited text with a real case's data, storing nothing.
    tab.preview_button.click()
    qtbot.waitUntil(lambda: tab.document.pageCount() > 0, timeout=15_000)
    reference = tab.case.currentData()
    assert reference and reference in tab.message.text()
    assert demo_services.letters.template_versions("acknowledgement") == []

    save_version(qtbot, tab, 1)
    assert tab.editor.isReadOnly()
    qtbot.waitUntil(lambda: tab.history.count() == 2)
    assert tab.history.item(0).text().startswith("Version 1 · tester")
    assert tab.history.item(0).text().endswith("(in use)")
    assert SENTENCE in demo_services.letters.active_template("acknowledgement")

    # A letter generated from now on carries the sentence.
    queued = next(x for x in demo_services.letters.outbox(status="queued") if x.kind == "acknowledgement")
    demo_services.letters.generate(queued.id)
    text = flat_text(demo_services.letters.stored_pdf(queued.id))
    assert SENTENCE in text
    assert queued.case_reference in text


def test_a_syntax_error_names_its_line_moves_the_cursor_and_saves_nothing(
    qtbot: Any, window: MainWindow, demo_services: Services
) -> None:
    tab = open_tab(qtbot, window)
    choose(qtbot, tab, "acknowledgement")
    tab.copy_button.click()
    type_on_line(qtbot, tab, 3, "{% if %}", replace=True)
    tab.editor.go_to_line(1)
    tab.save_button.click()
    qtbot.waitUntil(lambda: "Not saved" in tab.message.text(), timeout=10_000)
    assert "line 3" in tab.message.text()
    assert tab.editor.textCursor().blockNumber() == 2  # the cursor went to line 3
    assert tab.editor.error_line == 3
    assert tab.position.text().startswith("Line 3,")
    assert not tab.editor.isReadOnly()  # the officer's text stays to be corrected
    assert "{% if %}" in tab.editor.toPlainText()
    assert demo_services.letters.template_versions("acknowledgement") == []
    assert in_use(tab, "acknowledgement") == "Built-in"
    # Typing clears the mark.
    qtbot.keyClicks(tab.editor, " x")
    assert tab.editor.error_line is None


def test_revert_asks_and_returns_to_the_built_in_text(
    qtbot: Any, window: MainWindow, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = open_tab(qtbot, window)
    choose(qtbot, tab, "deletion_done")
    built_in = tab.editor.toPlainText()
    assert not tab.revert_button.isEnabled()  # nothing to revert yet
    tab.copy_button.click()
    type_on_line(qtbot, tab, 3, SENTENCE, replace=False)
    save_version(qtbot, tab, 1)
    assert tab.revert_button.isEnabled()

    asked: list[str] = []
    monkeypatch.setattr(
        settings_templates.RevertConfirm, "ask", classmethod(lambda cls, parent, title: asked.append(title))
    )
    tab.revert_button.click()  # declined (the stand-in returns None)
    assert asked == ["Deletion done"]
    assert demo_services.letters.template_versions("deletion_done")[0].active

    monkeypatch.setattr(settings_templates.RevertConfirm, "ask", classmethod(lambda cls, parent, title: True))
    tab.revert_button.click()
    qtbot.waitUntil(lambda: in_use(tab, "deletion_done") == "Built-in", timeout=10_000)
    qtbot.waitUntil(lambda: tab.editor.toPlainText() == built_in)
    assert "built-in text is in use again" in tab.message.text()
    assert demo_services.letters.active_template("deletion_done") == built_in
    versions = demo_services.letters.template_versions("deletion_done")
    assert [(v.version, v.active) for v in versions] == [(1, False)]  # kept in the history
    assert tab.history.item(tab.history.count() - 1).text() == "Built-in text  (in use)"
    assert not tab.revert_button.isEnabled()


def test_an_older_version_can_be_copied_from_the_history(
    qtbot: Any, window: MainWindow, demo_services: Services
) -> None:
    tab = open_tab(qtbot, window)
    choose(qtbot, tab, "opt_out_confirmed")
    tab.copy_button.click()
    type_on_line(qtbot, tab, 3, "First wording.", replace=False)
    save_version(qtbot, tab, 1)
    tab.copy_button.click()
    type_on_line(qtbot, tab, 3, "Second wording.", replace=False)
    save_version(qtbot, tab, 2)
    qtbot.waitUntil(lambda: tab.history.count() == 3)
    older = tab.history.item(1)
    assert older.text().startswith("Version 1 ·")
    tab.history.itemActivated.emit(older)
    assert not tab.editor.isReadOnly()
    assert "First wording." in tab.editor.toPlainText()
    assert "Second wording." not in tab.editor.toPlainText()
    assert "copy of version 1" in tab.message.text()
