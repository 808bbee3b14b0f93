"""Organizations: the profile from the privacy notice, its disclosures and Shine-the-Light lists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.dto import OrganizationDTO
from privdesk.ui import settings as ui_settings
from privdesk.ui.models.case_table import type_label
from privdesk.ui.models.records import Column, RecordTableModel
from privdesk.ui.pages.base import Page
from privdesk.ui.pages.consumers import table

if TYPE_CHECKING:
    from privdesk.ui.main_window import MainWindow

PROFILE_FIELDS = (
    ("Legal name", "legal_name"),
    ("Role", "role"),
    ("Postal address", "postal_address"),
    ("Privacy email", "privacy_email"),
    ("Toll-free phone", "toll_free_phone"),
    ("Shine the Light email", "stl_email"),
    ("Shine the Light address", "stl_address"),
    ("Signatory", "signatory_name"),
    ("Signatory title", "signatory_title"),
    ("Time zone", "timezone"),
    ("Jurisdictions", "jurisdictions"),
    ("Sells or shares", "sells_or_shares"),
    ("Retention (months)", "retention_months"),
)


class OrganizationsPage(Page):
    title = "Organizations"
    icon_name = "organizations"

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.list = QListWidget()
        self.list.setObjectName("organization_list")
        self.list.setAccessibleName("Organizations")
        self.list.currentItemChanged.connect(lambda item, _: self.show_org(item))
        import_button = QPushButton("Import profile…")
        import_button.setObjectName("import_profile")
        import_button.setToolTip("Import or update an organization from a profile file (.toml)")
        import_button.clicked.connect(self.import_profile)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(import_button)
        self.profile = QWidget()
        self.profile_form = QFormLayout(self.profile)
        self.labels: dict[str, QLabel] = {}
        for caption, key in PROFILE_FIELDS:
            label = QLabel()
            label.setObjectName(f"org_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.labels[key] = label
            self.profile_form.addRow(f"{caption}:", label)
        self.channels = QLabel()
        self.channels.setWordWrap(True)
        self.profile_form.addRow("Accepted channels:", self.channels)
        self.disclosures = RecordTableModel(
            [
                Column("Kind", lambda d: "Sold or shared" if d.kind == "sold_shared" else "Collected"),
                Column("Category", lambda d: d.category + (" (sensitive)" if d.sensitive else "")),
                Column("Sources", lambda d: d.sources),
                Column("Purposes", lambda d: d.purposes),
                Column("Recipients", lambda d: d.recipients, tooltip=lambda d: d.recipients),
            ],
            self,
        )
        self.stl = RecordTableModel(
            [
                Column("Year", lambda d: d.year),
                Column("Recipient", lambda d: d.recipient_name),
                Column("Address", lambda d: d.recipient_address.replace("\n", ", ")),
                Column("Business", lambda d: d.nature_of_business),
                Column("Categories", lambda d: d.categories),
            ],
            self,
        )
        tabs = QTabWidget()
        tabs.addTab(self.profile, "Profile")
        tabs.addTab(table("disclosure_table", self.disclosures), "Disclosures")
        tabs.addTab(table("stl_table", self.stl), "Shine the Light")
        note = QLabel("Profiles are edited in their .toml file and imported again; editing here comes later.")
        note.setEnabled(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(tabs)
        right_layout.addWidget(note)
        self.splitter = QSplitter()
        self.splitter.setObjectName("organizations_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([240, 900])
        ui_settings.restore_splitter(self.splitter, "organizations")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)
        self.orgs: list[OrganizationDTO] = []

    def refresh(self) -> None:
        self.call(self.services.organizations.list, self.show_list)

    def show_list(self, orgs: list[OrganizationDTO]) -> None:
        current = self.list.currentRow()
        self.orgs = orgs
        self.list.clear()
        for org in orgs:
            item = QListWidgetItem(f"{org.display_name}\n{org.slug}")
            item.setData(Qt.ItemDataRole.UserRole, org.slug)
            self.list.addItem(item)
        if orgs:
            self.list.setCurrentRow(min(max(current, 0), len(orgs) - 1))

    def show_org(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        org = next((o for o in self.orgs if o.slug == item.data(Qt.ItemDataRole.UserRole)), None)
        if org is None:
            return
        for _, key in PROFILE_FIELDS:
            value = getattr(org, key)
            if isinstance(value, bool):
                text = "yes" if value else "no"
            elif isinstance(value, list):
                text = ", ".join(value)
            else:
                text = str(value or "—")
            self.labels[key].setText(text)
        channels = org.profile.get("channels", {})
        self.channels.setText(
            "\n".join(f"{type_label(t)}: {', '.join(c)}" for t, c in channels.items()) or "—"
        )
        self.disclosures.set_records(org.disclosures)
        self.stl.set_records(org.stl_disclosures)

    def import_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import organization profile", "", "Profiles (*.toml)")
        if path:
            self.call(
                lambda: self.services.organizations.import_profile_file(Path(path)),
                lambda _: self.refresh(),
                write=True,
            )

    def save_state(self) -> None:
        ui_settings.save_splitter(self.splitter, "organizations")
