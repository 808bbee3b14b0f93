"""The Organizations editor: profile, channels, disclosures, Shine the Light years, logo, export, leaving."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from privdesk.domain.types import Channel, RequestType
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages import organizations as org_module
from tests.gui.org_helpers import open_organization


def test_edit_profile_channels_and_disclosures_then_save(qtbot: Any, window: MainWindow) -> None:
    page = open_organization(qtbot, window)
    services = window.services
    assert services is not None
    before = services.organizations.show("mstis")
    assert not page.save_button.isEnabled()
    page.display_name.setText("MSTIS Insurance")
    page.display_name.textEdited.emit("MSTIS Insurance")
    page.appeal_window.setValue(45)
    row = list(RequestType).index(RequestType.SHINE_THE_LIGHT)
    col = list(Channel).index(Channel.MAIL)
    page.channels_table.item(row, col).setCheckState(Qt.CheckState.Checked)
    page.add_disclosure()
    last = page.disclosure_table.rowCount() - 1
    page.disclosure_table.item(last, 1).setText("Professional information")
    assert page.save_button.isEnabled() and page.dirty_label.text() == "Unsaved changes"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.base is not None and page.base.version > before.version, timeout=10_000)
    stored = services.organizations.show("mstis")
    assert stored.display_name == "MSTIS Insurance"
    assert stored.profile["appeal_window_days"] == 45
    assert stored.profile["channels"]["shine_the_light"] == ["mail", "email"]
    assert stored.disclosures[-1].category == "Professional information"
    assert not page.save_button.isEnabled()
    assert "MSTIS Insurance" in page.heading.text()


def test_a_bad_entry_is_explained_and_kept(
    qtbot: Any, window: MainWindow, shown_errors: list[tuple[str, str]]
) -> None:
    page = open_organization(qtbot, window)
    page.privacy_email.setText("no-at-sign")
    page.privacy_email.textEdited.emit("no-at-sign")
    page.save()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=10_000)
    assert "Privacy email" in shown_errors[0][1]
    assert page.privacy_email.text() == "no-at-sign" and page.is_dirty()
    shown_errors.clear()
    page.revert()
    assert not page.is_dirty()


def test_a_new_year_copies_the_previous_years_third_parties(qtbot: Any, window: MainWindow) -> None:
    page = open_organization(qtbot, window)
    assert page.year_box.currentData() == 2025
    names_2025 = [page.stl_table.item(r, 0).text() for r in range(page.stl_table.rowCount())]
    page.add_year(2026)
    assert page.year_box.currentData() == 2026
    assert [page.stl_table.item(r, 0).text() for r in range(page.stl_table.rowCount())] == names_2025
    page.stl_table.item(0, 2).setText("Roadside memberships and towing")
    page.save()
    services = window.services
    assert services is not None
    qtbot.waitUntil(lambda: not page.is_dirty() and 2026 in page.stl_years, timeout=10_000)
    rows = [r for r in services.organizations.show("mstis").stl_disclosures if r.year == 2026]
    assert len(rows) == len(names_2025) and rows[0].nature_of_business == "Roadside memberships and towing"


def test_removing_a_row_asks_first(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_organization(qtbot, window)
    count = page.disclosure_table.rowCount()
    page.disclosure_table.setCurrentCell(0, 1)
    monkeypatch.setattr(org_module.ConfirmRemove, "ask", classmethod(lambda cls, *a: False))
    page.remove_disclosure()
    assert page.disclosure_table.rowCount() == count
    monkeypatch.setattr(org_module.ConfirmRemove, "ask", classmethod(lambda cls, *a: True))
    page.remove_disclosure()
    assert page.disclosure_table.rowCount() == count - 1 and page.is_dirty()
    page.revert()


def test_leaving_with_unsaved_edits_asks(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_organization(qtbot, window)
    page.signatory_title.setText("Chief Privacy Officer")
    answers = ["cancel", "discard"]
    monkeypatch.setattr(org_module.UnsavedChanges, "ask", classmethod(lambda cls, *a: answers.pop(0)))
    window.go("dashboard")
    assert window.current_page() is page and page.signatory_title.text() == "Chief Privacy Officer"
    window.go("dashboard")
    assert window.current_page() is window.pages["dashboard"] and not answers
    assert not page.is_dirty()


def test_logo_is_chosen_previewed_and_stored(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    page = open_organization(qtbot, window)
    logo = tmp_path / "logo.png"
    image = QImage(240, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#1f4e79"))
    assert image.save(str(logo))
    page.set_logo(logo)
    qtbot.waitUntil(lambda: not page.logo_preview.pixmap().isNull(), timeout=10_000)
    assert page.logo_name.text() == "logo.png"
    services = window.services
    assert services is not None
    assert services.organizations.logo("mstis") == logo.read_bytes()


def test_export_writes_a_profile_that_imports_again(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    page = open_organization(qtbot, window, "coverys")
    target = tmp_path / "coverys.toml"
    page.export_to(target)
    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    assert data["slug"] == "coverys"


def test_each_organization_is_one_line_of_the_list(qtbot: Any, window: MainWindow) -> None:
    page = open_organization(qtbot, window, "coverys")
    texts = [page.list.item(i).text() for i in range(page.list.count())]
    assert texts == ["Coverys (coverys)", "LossExpress (lossexpress)", "MSTIS (mstis)"]
