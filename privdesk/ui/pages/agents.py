"""Agents: the registry of people and businesses acting for consumers, and their authorizations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout

from privdesk.services.agents import AgentDTO
from privdesk.ui import settings as ui_settings
from privdesk.ui.dialogs.steps import AddAgentDialog
from privdesk.ui.icons import icon
from privdesk.ui.models.case_table import type_label
from privdesk.ui.models.records import RECORD_ROLE, Column, RecordTableModel
from privdesk.ui.pages.base import Page
from privdesk.ui.widgets.records import table

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost


class AgentsPage(Page):
    title = "Agents"
    icon_name = "agents"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.agents = RecordTableModel(
            [
                Column(
                    "Name",
                    lambda a: a.name,
                    icon=lambda a: icon("warning") if a.warnings else None,
                    tooltip=lambda a: "\n".join(a.warnings),
                ),
                Column("Kind", lambda a: a.kind),
                Column("SoS registration", lambda a: a.sos_registration or "—"),
                Column("Cases", lambda a: a.case_count),
                Column("Email", lambda a: a.email),
                Column("Phone", lambda a: a.phone),
            ],
            self,
        )
        self.agents_view = table(
            "agent_table",
            self.agents,
            "No agent yet. Use Add agent… when a person or a business writes for a consumer.",
        )
        self.auths = RecordTableModel(
            [
                Column("Consumer", lambda x: x.consumer_name),
                Column("Signed", lambda x: x.signed_permission),
                Column("Signed on", lambda x: x.signed_on),
                Column("Covers", lambda x: ", ".join(type_label(t) for t in x.scope) or "everything"),
                Column("Expires", lambda x: x.expires_on),
                Column("Expired", lambda x: x.expired),
                Column("Consumer confirmed", lambda x: x.consumer_confirmed_on),
            ],
            self,
        )
        self.auths_view = table(
            "authorization_table",
            self.auths,
            "No authorization on file for this agent. An authorization is recorded from the case: "
            "open it, then Agent and authorization › Record authorization…",
            refit=True,
        )
        self.warnings = QLabel("")
        self.warnings.setObjectName("agent_warnings")
        self.warnings.setWordWrap(True)
        add = QPushButton("Add agent…")
        add.setObjectName("add_agent_button")
        add.clicked.connect(self.add_agent)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addStretch(1)
        auth_box = QGroupBox("Authorizations of the selected agent")
        auth_layout = QVBoxLayout(auth_box)
        auth_layout.addWidget(self.warnings)
        auth_layout.addWidget(self.auths_view)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("agents_splitter")
        self.splitter.addWidget(self.agents_view)
        self.splitter.addWidget(auth_box)
        ui_settings.restore_splitter(self.splitter, "agents")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter)
        self.agents_view.selectionModel().selectionChanged.connect(lambda *_: self._selected())

    def refresh(self) -> None:
        self.call(self.services.agents.list, self.agents.set_records)

    def _selected(self) -> None:
        rows = self.agents_view.selectionModel().selectedRows()
        if not rows:
            return
        agent: AgentDTO = self.agents.data(rows[0], RECORD_ROLE)
        self.warnings.setText("\n".join(f"⚠ {w[:1].upper()}{w[1:]}" for w in agent.warnings))
        self.call(lambda: self.services.agents.authorizations(agent_id=agent.id), self.auths.set_records)

    def add_agent(self) -> None:
        data = AddAgentDialog.ask(self)
        if data is not None:
            self.call(lambda: self.services.agents.add(**data), lambda _: self.refresh(), write=True)

    def save_state(self) -> None:
        ui_settings.save_splitter(self.splitter, "agents")
