"""A case's main flows through real dialogs: phone call, verification, extension, denial, warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from privdesk.services.hub import Services
from privdesk.ui.dialogs import steps
from privdesk.ui.dialogs.new_case import NewCaseDialog
from privdesk.ui.main_window import MainWindow
from privdesk.ui.pages import case_view as case_view_module
from privdesk.ui.pages.case_view import CaseView
from tests.conftest import TODAY


def fill_phone_call(
    dialog: NewCaseDialog, *, name: str, number: str, types: list[str], email: str = "", asked: str = ""
) -> None:
    """A request heard on the phone, entered with New case (the call note is the way in while the
    caller is on the line; see test_intake_forms)."""
    dialog.organization.setCurrentIndex(dialog.organization.findData("mstis"))
    dialog.channel.setCurrentIndex(dialog.channel.findData("phone"))
    for code in types:
        dialog.check_type(code)
    dialog.name.setText(name)
    dialog.phone_number.setText(number)
    dialog.email.setText(email)
    dialog.subject.setText(f"Phone call from {number}")
    dialog.summary.setPlainText(asked)
    dialog.ca_resident.setChecked(True)


def create_by_phone(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, **fields: Any
) -> CaseView:
    def ask(cls: Any, parent: Any, orgs: Any, jurisdictions: Any, today: dt.date) -> Any:
        dialog = cls(parent, orgs, jurisdictions, today)
        qtbot.addWidget(dialog)
        fill_phone_call(dialog, **fields)
        assert dialog.problem() == ""
        return dialog.result_case()

    monkeypatch.setattr(NewCaseDialog, "ask", classmethod(ask))
    before = {v.reference for v in window.cases_page.case_views()}
    window.actions_by_id["new_case"].trigger()
    qtbot.waitUntil(lambda: len(window.cases_page.case_views()) > len(before), timeout=10_000)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    return view


def test_create_a_case_from_a_phone_call(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = create_by_phone(
        qtbot,
        window,
        monkeypatch,
        name="Ada Phone",
        number="916-555-0199",
        types=["delete"],
        asked="Please delete my account data",
    )
    case = view.case
    assert case is not None and case.channel == "phone"
    assert "916-555-0199" in case.subject and case.summary == "Please delete my account data"
    assert "Ada Phone" in view.title.text()
    clock = view.findChild(type(view.title), "clock_delete_respond_by")
    assert clock is not None and "Respond by" in clock.text()
    assert "Legal basis" in clock.toolTip()
    assert view.next_button.isEnabled() and view.next_button.text()


def test_verify_then_extend(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    view = create_by_phone(
        qtbot,
        window,
        monkeypatch,
        name="Vera Fied",
        number="916-555-0142",
        types=["know_specific"],
        email="vera@example.net",
    )

    def verify(cls: Any, parent: Any, level: str, prefilled: Any = ()) -> Any:
        assert prefilled == []  # a case made in the new-case form has no call note behind it
        dialog = cls(parent, level, prefilled)
        qtbot.addWidget(dialog)
        for row in range(3):  # name, email, postal address: asked, received and matched
            dialog.set_point(row, True, True, True)
        dialog.declaration.setChecked(True)
        assert dialog.problem() == ""
        return dialog.result_input()

    monkeypatch.setattr(steps.VerificationDialog, "ask", classmethod(verify))
    version = view.case.version  # type: ignore[union-attr]
    view.verify()
    qtbot.waitUntil(lambda: view.case is not None and view.case.version > version, timeout=10_000)
    # The tabs fill from the same reload; a change poll may start another one, so wait for the tabs.
    qtbot.waitUntil(
        lambda: any(
            "Verification recorded" in view.timeline.topLevelItem(i).text(2)
            for i in range(view.timeline.topLevelItemCount())
        ),
        timeout=10_000,
    )
    assert view.verification.topLevelItemCount() == 1
    events = [view.timeline.topLevelItem(i).text(2) for i in range(view.timeline.topLevelItemCount())]
    assert "Created — Right to know (specific pieces)" in events, events  # types in words, not code
    assert "Full name: matched" in view.verification.topLevelItem(0).text(3)

    def extend(cls: Any, parent: Any, today: dt.date, extended_to: Any) -> Any:
        dialog = cls(parent, today, extended_to)
        qtbot.addWidget(dialog)
        dialog.accept()
        assert dialog.message.isVisibleTo(dialog) and "reason" in dialog.message.text()  # reason required
        dialog.reason.setPlainText("Records are spread over three claims systems")
        return steps.Extension(today, dialog.reason.toPlainText())

    monkeypatch.setattr(steps.ExtensionDialog, "ask", classmethod(extend))
    version = view.case.version  # type: ignore[union-attr]
    window.actions_by_id["extend"].trigger()
    qtbot.waitUntil(lambda: view.case is not None and view.case.version > version, timeout=10_000)
    item = view.case.items[0]  # type: ignore[union-attr]
    assert item.extended_on == TODAY and item.extension_reason.startswith("Records")

    def extended_clock() -> str:  # the clocks are rebuilt on every redraw: look the label up each time
        clock = view.findChild(type(view.title), "clock_know_specific_extended_respond_by")
        return clock.text() if clock is not None else ""

    qtbot.waitUntil(lambda: extended_clock().startswith("Extended: respond by"), timeout=10_000)
    qtbot.waitUntil(
        lambda: any(
            "extension" in view.letters.topLevelItem(i).text(0).lower()
            for i in range(view.letters.topLevelItemCount())
        ),
        timeout=10_000,
    )


def test_second_shine_the_light_request_is_flagged(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = create_by_phone(
        qtbot,
        window,
        monkeypatch,
        name="Lorraine Castellanos",
        number="916-555-0102",
        types=["shine_the_light"],
        email="lorraine.castellanos@example.net",
    )
    assert view.warnings.isVisibleTo(view)
    label = view.findChild(QLabel, "warning_stl_already_answered_this_year")
    assert label is not None
    text = label.text()
    assert "Shine the Light" in text and "already answered" in text
    assert text.count('<a href="case:PD-2026-') == 1, text  # the earlier case is named once, as a link


def test_denial_needs_a_reason(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    items = services.cases.show("PD-2026-000023").items
    dialog = steps.RespondDialog(window, items, TODAY)
    qtbot.addWidget(dialog)
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("denied"))
    assert "reason" in dialog.problem()
    dialog.set_reason("exemption_glba")
    assert dialog.problem() == ""
    assert dialog.result_response().reasons == ("exemption_glba",)


def test_respond_offers_only_the_outcomes_the_request_type_has(qtbot: Any, window: MainWindow) -> None:
    services = window.services
    assert services is not None
    case = next(c for c in services.cases.list() if c.status != "closed")
    items = list(services.cases.show(case.reference).items)
    dialog = steps.RespondDialog(window, items, TODAY)
    qtbot.addWidget(dialog)
    for index in range(dialog.item.count()):
        dialog.item.setCurrentIndex(index)
        offered = [dialog.outcome.itemData(i) for i in range(dialog.outcome.count())]
        has_na = dialog.item.itemData(index) == "delete"
        assert ("not_applicable" in offered) == has_na, offered
        assert "denied" in offered


def test_stale_edit_shows_the_conflict_and_reapplies(
    qtbot: Any, window: MainWindow, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = create_by_phone(
        qtbot, window, monkeypatch, name="Con Flict", number="916-555-0177", types=["delete"]
    )
    reference = view.reference
    # Another workstation acts on the case after this window showed it.
    demo_services.workflow.request_verification(reference)
    asked: list[list[str]] = []

    def conflict(cls: Any, parent: Any, action: str, before: Any, after: Any, **who: Any) -> bool:
        asked.append(case_view_module.describe_changes(before, after))
        assert who["changed_by"].actor == "tester"
        return True

    monkeypatch.setattr(case_view_module.ConflictDialog, "ask", classmethod(conflict))
    monkeypatch.setattr(
        steps.AcknowledgeDialog,
        "ask",
        classmethod(lambda cls, parent, today: steps.Acknowledgement(today, "email")),
    )
    view.acknowledge()
    qtbot.waitUntil(
        lambda: view.case is not None and view.case.items[0].acknowledged_on == TODAY, timeout=10_000
    )
    assert asked and any(line.startswith("Status") for line in asked[0])
    assert view.case.status == "awaiting_verification"  # type: ignore[union-attr]


def test_close_asks_for_confirmation(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window.open_case("PD-2026-000023")
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    monkeypatch.setattr(case_view_module.ConfirmDialog, "ask", classmethod(lambda cls, *a: False))
    version = view.case.version  # type: ignore[union-attr]
    view.close_case()
    qtbot.wait(50)  # nothing was started: no task to wait for
    assert window.runner.running == 0 and view.case.version == version  # type: ignore[union-attr]
    assert Qt  # keep the import for readers comparing with the other tests


def test_case_file_export_writes_the_zip_for_counsel(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import json
    import zipfile

    from PySide6.QtWidgets import QFileDialog

    window.open_case("PD-2026-000023")
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    target = tmp_path / "for counsel.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(view.step_buttons["export_file"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Case file saved" in window.statusBar().currentMessage(), timeout=20_000)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("PD-2026-000023/manifest.json"))
    assert any(name.endswith(".pdf") and "timeline" in name for name in names)
    listed = {entry["path"] for entry in manifest["files"]}
    assert listed and all(f"PD-2026-000023/{path}" in names for path in listed)


def test_step_dialogs_name_what_their_button_does(qtbot: Any, demo_services: Services) -> None:
    case = demo_services.cases.show("PD-2026-000045")
    dialogs = {
        "Acknowledge": steps.AcknowledgeDialog(None, TODAY),
        "Record the check": steps.VerificationDialog(None, "reasonably_high"),
        "Extend the deadline": steps.ExtensionDialog(None, TODAY, None),
        "Record the answer": steps.RespondDialog(None, case.items, TODAY),
        "Add note": steps.NoteDialog(None),
        "Add agent": steps.AddAgentDialog(None),
    }
    for text, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        assert dialog.ok_button.text() == text


def test_request_type_lists_show_every_type_without_scrolling(qtbot: Any, demo_services: Services) -> None:
    new_case = NewCaseDialog(
        None,
        demo_services.organizations.list(),
        demo_services.ctx.rulebook.jurisdictions(),
        TODAY,
    )
    case = demo_services.cases.show("PD-2026-000045")
    authorization = steps.AuthorizationDialog(
        None, demo_services.agents.list(), case.consumer_id, case.consumer_name, TODAY
    )
    assert new_case.ok_button.text() == "Create the case"
    assert authorization.ok_button.text() == "Record authorization"
    for dialog, checklist in ((new_case, new_case.types), (authorization, authorization.scope)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        seen = checklist.viewport().rect()
        for row in range(checklist.count()):
            assert seen.contains(checklist.visualItemRect(checklist.item(row))), checklist.item(row).text()


def test_record_a_power_of_attorney_for_an_agent(
    qtbot: Any, window: MainWindow, demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privdesk.services.dto import CaseFilter

    row = next(r for r in demo_services.cases.list(CaseFilter(search="Evelyn Marchetti")))
    window.open_case(row.reference)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.file is not None, timeout=10_000)
    assert "no valid authorization yet" in view.agent_label.text()

    def ask(cls: Any, parent: Any, agents: Any, consumer_id: int, consumer_name: str, today: Any) -> Any:
        dialog = cls(parent, agents, consumer_id, consumer_name, today)
        qtbot.addWidget(dialog)
        dialog.agent.setCurrentIndex(dialog.agent.findText("Claire Marchetti"))
        for i in range(dialog.scope.count()):
            if dialog.scope.item(i).data(Qt.ItemDataRole.UserRole) in ("know_categories", "delete"):
                dialog.scope.item(i).setCheckState(Qt.CheckState.Checked)
        assert dialog.power_of_attorney() is None and dialog.poa_problems.text() == ""
        dialog.poa_box.setChecked(True)
        dialog.poa_dated.setChecked(True)
        dialog.poa_signed.setChecked(True)
        dialog.poa_witnesses.setValue(1)
        assert "neither notarized nor signed by two adult witnesses" in dialog.poa_problems.text()
        dialog.poa_notarized.setChecked(True)
        assert dialog.poa_problems.text().startswith("✓")
        return dialog.result_input()

    monkeypatch.setattr(steps.AuthorizationDialog, "ask", classmethod(ask))
    qtbot.mouseClick(view.findChild(QPushButton, "authorize_button"), Qt.MouseButton.LeftButton)

    def recorded() -> None:
        assert view.authorizations.topLevelItemCount() == 1
        assert view.authorizations.topLevelItem(0).text(6) == "yes, notarized"

    qtbot.waitUntil(recorded, timeout=10_000)
    qtbot.waitUntil(lambda: "the authorization holds" in view.agent_label.text(), timeout=10_000)


def test_new_case_records_the_period_a_know_request_covers(qtbot: Any, demo_services: Services) -> None:
    dialog = NewCaseDialog(
        None, demo_services.organizations.list(), demo_services.ctx.rulebook.jurisdictions(), TODAY
    )
    qtbot.addWidget(dialog)
    dialog.organization.setCurrentIndex(dialog.organization.findData("mstis"))
    dialog.jurisdiction.setCurrentIndex(dialog.jurisdiction.findData("US-CA"))
    dialog.check_type("know_categories")
    dialog.name.setText("Dana Whitcomb")
    assert not dialog.know_since.isEnabled()
    dialog.know_period.setCurrentIndex(dialog.know_period.findData("from"))
    assert dialog.know_since.isEnabled()
    dialog.know_since.setDate(dt.date(2023, 6, 1))
    case = demo_services.cases.create(dialog.result_case())
    assert case.items[0].know_since == dt.date(2023, 6, 1)
    dialog.know_period.setCurrentIndex(dialog.know_period.findData("all"))
    assert demo_services.cases.create(dialog.result_case()).items[0].know_since == dt.date(2022, 1, 1)


def test_an_answered_case_says_its_next_step_has_no_deadline(
    qtbot: Any, window: MainWindow, demo_services: Services
) -> None:
    from privdesk.services.dto import CaseFilter

    answered = demo_services.cases.list(CaseFilter(status="responded"))[0].reference
    window.open_case(answered)
    view = window.cases_page.current_case_view()
    assert view is not None
    qtbot.waitUntil(lambda: view.next_button.text().endswith("Close the request"), timeout=10_000)
    assert view.next_label.text() == "Next step (no deadline)"
