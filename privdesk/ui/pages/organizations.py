"""Organizations: edit the privacy notice profile, its disclosures, Shine-the-Light lists, letterhead.

Edits are made in the form and saved together (Save, Ctrl+S); Revert drops them. A save carries the
version the form was loaded from, so a colleague's newer save is never overwritten silently: the
conflict dialog shows both sides and lets the officer reapply or discard. Saved edits go on the
window's undo stack. Leaving the page or the organization with unsaved edits asks first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.errors import ConflictError, ValidationError
from privdesk.domain.types import Channel, RequestType
from privdesk.services.dto import DisclosureDTO, OrganizationDTO, StlDisclosureDTO
from privdesk.services.organizations import (
    EDIT_FIELD_LABELS,
    ROLES,
    ChangeInfo,
    OrganizationEdit,
    copy_stl_year,
    edit_from_dto,
)
from privdesk.ui import settings as ui_settings
from privdesk.ui.dialogs.conflict import ChangedBy, Choice, ConflictDialog, FieldDifference, short
from privdesk.ui.models.case_table import type_label
from privdesk.ui.pages.base import Page
from privdesk.ui.undo import push_saved
from privdesk.ui.widgets.files import open_file, save_file

if TYPE_CHECKING:
    from privdesk.ui.pages.host import PageHost

ROLE_LABELS = {"business": "Business", "service_provider": "Service provider", "both": "Both"}
CHANNEL_LABELS = {
    "mail": "Mail",
    "email": "Email",
    "phone": "Phone",
    "web": "Web form",
    "fax": "Fax",
    "in_person": "In person",
}
DISCLOSURE_COLUMNS = ("Kind", "Category", "Sources", "Purposes", "Recipients", "Sensitive")
STL_COLUMNS = ("Third party", "Address", "Nature of business", "Categories shared")


class UnsavedChanges:
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"

    @classmethod
    def ask(cls, parent: QWidget, name: str) -> str:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Save your changes to {name}?")
        box.setInformativeText("If you leave without saving, your edits are lost.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return cls.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return cls.DISCARD
        return cls.CANCEL


class ConfirmRemove:
    @classmethod
    def ask(cls, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


def _line(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    return edit


def _text_box(name: str, accessible: str, lines: int = 4) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def _edit_table(name: str, accessible: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    return table


def _cell(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item is not None else ""


def _describe(field: str, value: Any) -> str:
    if field == "channels":
        return short("; ".join(f"{type_label(t)}: {', '.join(c)}" for t, c in value))
    if field == "disclosures":
        return short(f"{len(value)} rows: " + "; ".join(d.category for d in value))
    if field == "stl_disclosures":
        return short(f"{len(value)} rows: " + "; ".join(f"{r.year} {r.recipient_name}" for r in value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return short(", ".join(str(v) for v in value))
    return short(value)


def _normal(edit: OrganizationEdit) -> OrganizationEdit:
    """Order-insensitive where order carries no meaning (for the unsaved-changes check)."""
    return dataclasses.replace(
        edit,
        channels=tuple(sorted((t, tuple(sorted(c))) for t, c in edit.channels if c)),
        stl_disclosures=tuple(sorted(edit.stl_disclosures, key=lambda r: r.year)),
        toll_free_phones=tuple(p.strip() for p in edit.toll_free_phones if p.strip()),
    )


class OrganizationsPage(Page):
    title = "Organizations"
    icon_name = "organizations"

    def __init__(self, window: PageHost) -> None:
        super().__init__(window)
        self.orgs: list[OrganizationDTO] = []
        self.base: OrganizationDTO | None = None  # as loaded into the form
        self.versions: dict[str, int] = {}  # newest version this window saved or loaded, per slug
        self.stl_years: dict[int, list[StlDisclosureDTO]] = {}
        self.shown_year: int | None = None
        self._loading = False
        self._selecting = False
        self._build()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("organization_list")
        self.list.setAccessibleName("Organizations")
        self.list.currentItemChanged.connect(self._org_selected)
        import_button = QPushButton("Import profile…")
        import_button.setObjectName("import_profile")
        import_button.setToolTip("Import or update an organization from a profile file (.toml)")
        import_button.clicked.connect(self.import_profile)
        export_button = QPushButton("Export profile…")
        export_button.setObjectName("export_profile")
        export_button.setToolTip("Save the selected organization's profile as a .toml file")
        export_button.clicked.connect(self.export_profile)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(import_button)
        left_layout.addWidget(export_button)

        self.heading = QLabel("")
        self.heading.setObjectName("organization_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.banner = QLabel("")
        self.banner.setObjectName("organization_banner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("organization_tabs")
        self.tabs.addTab(self._profile_tab(), "Profile")
        self.tabs.addTab(self._channels_tab(), "Accepted channels")
        self.tabs.addTab(self._disclosures_tab(), "Disclosures")
        self.tabs.addTab(self._stl_tab(), "Shine the Light")
        self.tabs.addTab(self._letterhead_tab(), "Letterhead")

        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("save_organization")
        self.save_button.setToolTip("Save the changes to this organization (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setObjectName("revert_organization")
        self.revert_button.setToolTip("Drop the unsaved changes and show what is stored")
        self.revert_button.clicked.connect(self.revert)
        self.dirty_label = QLabel("")
        self.dirty_label.setObjectName("organization_dirty")
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dirty_label, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addLayout(buttons)
        self.editor = right
        self.splitter = QSplitter()
        self.splitter.setObjectName("organizations_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 920])
        ui_settings.restore_splitter(self.splitter, "organizations")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)
        self.editor.setEnabled(False)
        self._update_dirty()

    def _profile_tab(self) -> QWidget:
        self.legal_name = _line("org_legal_name", "Legal name")
        self.display_name = _line("org_display_name", "Display name")
        self.role = QComboBox()
        self.role.setObjectName("org_role")
        self.role.setAccessibleName("Role")
        for code in ROLES:
            self.role.addItem(ROLE_LABELS[code], code)
        self.postal_address = _text_box("org_postal_address", "Designated postal address")
        self.privacy_email = _line("org_privacy_email", "Privacy email")
        self.toll_free = _line("org_toll_free", "Toll-free lines")
        self.toll_free.setPlaceholderText("one or more numbers, separated by commas")
        self.website = _line("org_website", "Website")
        self.stl_email = _line("org_stl_email", "Shine the Light email")
        self.stl_address = _text_box("org_stl_address", "Shine the Light address", 3)
        self.timezone = _line("org_timezone", "Time zone")
        self.timezone.setPlaceholderText("for example America/Los_Angeles")
        self.jurisdictions = _line("org_jurisdictions", "Jurisdictions")
        self.jurisdictions.setPlaceholderText("codes separated by commas, for example US-CA, US-VA")
        self.page_size = QComboBox()
        self.page_size.setObjectName("org_page_size")
        self.page_size.setAccessibleName("Paper size")
        self.page_size.addItem("US Letter", "letter")
        self.page_size.addItem("A4", "a4")
        self.sells_or_shares = QCheckBox("Sells or shares personal information")
        self.sells_or_shares.setObjectName("org_sells_or_shares")
        self.retention = QSpinBox()
        self.retention.setObjectName("org_retention_months")
        self.retention.setAccessibleName("Retention in months")
        self.retention.setRange(1, 1200)
        self.retention.setSuffix(" months")
        self.appeal_window = QSpinBox()
        self.appeal_window.setObjectName("org_appeal_window")
        self.appeal_window.setAccessibleName("Appeal window in days")
        self.appeal_window.setRange(0, 365)
        self.appeal_window.setSpecialValueText("not stated")
        self.appeal_window.setSuffix(" days")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for caption, widget in (
            ("Legal name:", self.legal_name),
            ("Display name:", self.display_name),
            ("Role:", self.role),
            ("Postal address:", self.postal_address),
            ("Privacy email:", self.privacy_email),
            ("Toll-free lines:", self.toll_free),
            ("Website:", self.website),
            ("Shine the Light email:", self.stl_email),
            ("Shine the Light address:", self.stl_address),
            ("Time zone:", self.timezone),
            ("Jurisdictions:", self.jurisdictions),
            ("Paper size:", self.page_size),
            ("", self.sells_or_shares),
            ("Keep records for:", self.retention),
            ("Appeal window:", self.appeal_window),
        ):
            form.addRow(caption, widget)
        for line in (
            self.legal_name,
            self.display_name,
            self.privacy_email,
            self.toll_free,
            self.website,
            self.stl_email,
            self.timezone,
            self.jurisdictions,
        ):
            line.textEdited.connect(self._edited)
        for box in (self.postal_address, self.stl_address):
            box.textChanged.connect(self._edited)
        for combo in (self.role, self.page_size):
            combo.currentIndexChanged.connect(self._edited)
        self.sells_or_shares.toggled.connect(self._edited)
        for spin in (self.retention, self.appeal_window):
            spin.valueChanged.connect(self._edited)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setObjectName("profile_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _channels_tab(self) -> QWidget:
        self.channels_table = QTableWidget(len(RequestType), len(Channel))
        self.channels_table.setObjectName("channels_table")
        self.channels_table.setAccessibleName("Accepted channels per request type")
        self.channels_table.setHorizontalHeaderLabels([CHANNEL_LABELS[c.value] for c in Channel])
        self.channels_table.setVerticalHeaderLabels([t.label for t in RequestType])
        self.channels_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.channels_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, request_type in enumerate(RequestType):
            for col, channel in enumerate(Channel):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{request_type.label} by {channel.value}")
                self.channels_table.setItem(row, col, item)
        self.channels_table.itemChanged.connect(self._edited)
        hint = QLabel(
            "Tick how the privacy notice lets consumers send each kind of request. A request that comes "
            "in another way is flagged when the case is logged."
        )
        hint.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addWidget(self.channels_table)
        return tab

    def _row_buttons(
        self, prefix: str, add: Callable[[], None], remove: Callable[[], None], what: str
    ) -> QHBoxLayout:
        add_button = QPushButton(f"Add {what}")
        add_button.setObjectName(f"{prefix}_add")
        add_button.clicked.connect(add)
        remove_button = QPushButton(f"Remove {what}…")
        remove_button.setObjectName(f"{prefix}_remove")
        remove_button.clicked.connect(remove)
        row = QHBoxLayout()
        row.addWidget(add_button)
        row.addWidget(remove_button)
        row.addStretch(1)
        return row

    def _disclosures_tab(self) -> QWidget:
        self.disclosure_table = _edit_table(
            "disclosure_table", "Disclosures: categories collected and sold or shared", DISCLOSURE_COLUMNS
        )
        self.disclosure_table.itemChanged.connect(self._edited)
        header = self.disclosure_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((130, 200, 220, 220, 220)):
            self.disclosure_table.setColumnWidth(col, width)
        ui_settings.restore_header(header, "organization_disclosures")
        hint = QLabel(
            "One row per category of personal information, as the privacy notice lists them. "
            "Double-click a cell to edit it; the response letters quote these rows."
        )
        hint.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addWidget(self.disclosure_table, 1)
        layout.addLayout(
            self._row_buttons("disclosure", self.add_disclosure, self.remove_disclosure, "category")
        )
        return tab

    def _stl_tab(self) -> QWidget:
        self.year_box = QComboBox()
        self.year_box.setObjectName("stl_year")
        self.year_box.setAccessibleName("Calendar year")
        self.year_box.currentIndexChanged.connect(self._year_changed)
        add_year = QPushButton("Add year…")
        add_year.setObjectName("stl_add_year")
        add_year.setToolTip("Start a calendar year's list from the previous year's third parties")
        add_year.clicked.connect(self.add_year)
        top = QHBoxLayout()
        top.addWidget(QLabel("Calendar year:"))
        top.addWidget(self.year_box)
        top.addWidget(add_year)
        top.addStretch(1)
        self.stl_table = _edit_table("stl_table", "Shine the Light third parties for the year", STL_COLUMNS)
        self.stl_table.itemChanged.connect(self._edited)
        header = self.stl_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((220, 260, 260)):
            self.stl_table.setColumnWidth(col, width)
        ui_settings.restore_header(header, "organization_stl")
        hint = QLabel(
            "Third parties that received personal information for their own direct marketing in the "
            "calendar year (Civil Code 1798.83). A Shine the Light answer lists the previous year."
        )
        hint.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addWidget(self.stl_table, 1)
        layout.addLayout(self._row_buttons("stl", self.add_stl_row, self.remove_stl_row, "third party"))
        return tab

    def _letterhead_tab(self) -> QWidget:
        self.signatory_name = _line("org_signatory_name", "Signatory")
        self.signatory_title = _line("org_signatory_title", "Signatory title")
        for line in (self.signatory_name, self.signatory_title):
            line.textEdited.connect(self._edited)
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setObjectName("logo_preview")
        self.logo_preview.setAccessibleName("Letterhead logo preview")
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setMinimumSize(320, 120)
        self.logo_preview.setFrameShape(QLabel.Shape.StyledPanel)
        self.logo_name = QLabel("")
        self.logo_name.setObjectName("logo_filename")
        choose = QPushButton("Choose logo…")
        choose.setObjectName("choose_logo")
        choose.setToolTip("A PNG or JPEG image, stored in the database; it is saved at once")
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton("Remove logo…")
        remove.setObjectName("remove_logo")
        remove.clicked.connect(self.remove_logo)
        logo_buttons = QHBoxLayout()
        logo_buttons.addWidget(choose)
        logo_buttons.addWidget(remove)
        logo_buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Signed by:", self.signatory_name)
        form.addRow("Title:", self.signatory_title)
        form.addRow("Logo:", self.logo_preview)
        form.addRow("", self.logo_name)
        form.addRow("", logo_buttons)
        tab = QWidget()
        tab.setLayout(form)
        return tab

    # -- loading ------------------------------------------------------------------------------
    @property
    def current_slug(self) -> str | None:
        return self.base.slug if self.base else None

    def refresh(self) -> None:
        self.call(self.services.organizations.list, self.show_list)

    def changed_elsewhere(self) -> None:
        """Another workstation saved something: reload unless the officer is in the middle of an edit."""
        if self.is_dirty():
            self.call(self.services.organizations.list, self._note_newer)
        else:
            self.refresh()

    def _note_newer(self, orgs: list[OrganizationDTO]) -> None:
        base = self.base
        fresh = next((o for o in orgs if base and o.slug == base.slug), None)
        if base is not None and fresh is not None and fresh.version != base.version:
            self.banner.setText(
                "⚠ Someone else saved this organization after you started editing. Your edits are "
                "kept; saving shows both versions side by side."
            )
            self.banner.show()

    def show_list(self, orgs: list[OrganizationDTO]) -> None:
        keep = self.current_slug
        self.orgs = orgs
        self._selecting = True
        try:
            self.list.clear()
            for org in orgs:
                # One line per organization, as the choosers write it: two lines read as two organizations.
                item = QListWidgetItem(f"{org.display_name} ({org.slug})")
                item.setData(Qt.ItemDataRole.UserRole, org.slug)
                item.setToolTip(org.legal_name)
                self.list.addItem(item)
        finally:
            self._selecting = False
        if not orgs:
            self.base = None
            self.editor.setEnabled(False)
            self.heading.setText("No organizations yet: import a profile (.toml)")
            return
        row = next((i for i, o in enumerate(orgs) if o.slug == keep), 0)
        if self.list.currentRow() == row:
            self._org_selected(self.list.item(row), None)
        else:
            self.list.setCurrentRow(row)

    def _org_selected(self, item: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._selecting or item is None:
            return
        slug = item.data(Qt.ItemDataRole.UserRole)
        org = next((o for o in self.orgs if o.slug == slug), None)
        if org is None:
            return
        if self.base is not None and self.base.slug != slug and not self.confirm_leave():
            self._selecting = True
            if previous is not None:
                self.list.setCurrentItem(previous)
            self._selecting = False
            return
        self.load(org)

    def load(self, org: OrganizationDTO) -> None:
        """Show ``org`` in the form, replacing whatever was there."""
        self._loading = True
        try:
            self.base = org
            self.versions[org.slug] = org.version
            self.editor.setEnabled(True)
            self.banner.hide()
            self.heading.setText(f"{org.display_name} · {org.slug} · version {org.version}")
            self.fill(edit_from_dto(org))
            self._show_logo(org)
        finally:
            self._loading = False
        self._update_dirty()

    def fill(self, edit: OrganizationEdit) -> None:
        self._loading, was_loading = True, self._loading
        try:
            self.legal_name.setText(edit.legal_name)
            self.display_name.setText(edit.display_name)
            self.role.setCurrentIndex(max(self.role.findData(edit.role), 0))
            self.postal_address.setPlainText(edit.postal_address)
            self.privacy_email.setText(edit.privacy_email)
            self.toll_free.setText(", ".join(edit.toll_free_phones))
            self.website.setText(edit.website)
            self.stl_email.setText(edit.stl_email)
            self.stl_address.setPlainText(edit.stl_address)
            self.timezone.setText(edit.timezone)
            self.jurisdictions.setText(", ".join(edit.jurisdictions))
            self.page_size.setCurrentIndex(max(self.page_size.findData(edit.page_size), 0))
            self.sells_or_shares.setChecked(edit.sells_or_shares)
            self.retention.setValue(edit.retention_months)
            self.appeal_window.setValue(edit.appeal_window_days or 0)
            self.signatory_name.setText(edit.signatory_name)
            self.signatory_title.setText(edit.signatory_title)
            accepted = edit.channel_map()
            for row, request_type in enumerate(RequestType):
                for col, channel in enumerate(Channel):
                    item = self.channels_table.item(row, col)
                    assert item is not None
                    checked = channel.value in accepted.get(request_type.value, [])
                    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.disclosure_table.setRowCount(0)
            for d in edit.disclosures:
                self._append_disclosure(d)
            self.disclosure_table.resizeRowsToContents()
            self.stl_years = {}
            for r in edit.stl_disclosures:
                self.stl_years.setdefault(r.year, []).append(r)
            self.shown_year = None
            self._fill_years(max(self.stl_years) if self.stl_years else None)
        finally:
            self._loading = was_loading
        self._update_dirty()

    def _append_disclosure(self, d: DisclosureDTO) -> None:
        row = self.disclosure_table.rowCount()
        self.disclosure_table.insertRow(row)
        kind = QComboBox()
        kind.setAccessibleName(f"Kind of disclosure, row {row + 1}")
        kind.addItem("Collected", "collected")
        kind.addItem("Sold or shared", "sold_shared")
        kind.setCurrentIndex(max(kind.findData(d.kind), 0))
        kind.currentIndexChanged.connect(self._edited)
        self.disclosure_table.setCellWidget(row, 0, kind)
        for col, value in enumerate((d.category, d.sources, d.purposes, d.recipients), start=1):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self.disclosure_table.setItem(row, col, item)
        sensitive = QTableWidgetItem("sensitive")
        sensitive.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        sensitive.setCheckState(Qt.CheckState.Checked if d.sensitive else Qt.CheckState.Unchecked)
        self.disclosure_table.setItem(row, 5, sensitive)

    def _fill_years(self, select: int | None) -> None:
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for year in sorted(self.stl_years):
            self.year_box.addItem(str(year), year)
        self.year_box.blockSignals(False)
        if select is not None:
            self.year_box.setCurrentIndex(self.year_box.findData(select))
        self._show_year(select)

    def _year_changed(self, _index: int) -> None:
        self._store_year()
        self._show_year(self.year_box.currentData())

    def _show_year(self, year: int | None) -> None:
        was_loading, self._loading = self._loading, True
        try:
            self.shown_year = year
            self.stl_table.setRowCount(0)
            for r in self.stl_years.get(year, []) if year is not None else []:
                row = self.stl_table.rowCount()
                self.stl_table.insertRow(row)
                for col, value in enumerate(
                    (r.recipient_name, r.recipient_address, r.nature_of_business, r.categories)
                ):
                    item = QTableWidgetItem(value)
                    item.setToolTip(value)
                    self.stl_table.setItem(row, col, item)
            self.stl_table.resizeRowsToContents()
        finally:
            self._loading = was_loading

    def _store_year(self) -> None:
        """Take the table's rows back into ``stl_years`` for the year it shows."""
        year = self.shown_year
        if year is None:
            return
        self.stl_years[year] = [
            StlDisclosureDTO(year, *(_cell(self.stl_table, row, col) for col in range(4)))
            for row in range(self.stl_table.rowCount())
        ]

    def _show_logo(self, org: OrganizationDTO) -> None:
        self.logo_preview.setPixmap(QPixmap())
        self.logo_preview.setText("No logo: letters carry the organization's name only")
        self.logo_name.setText("")
        if not org.profile.get("logo_sha256"):
            return
        self.logo_name.setText(str(org.profile.get("logo_filename", "")))
        slug = org.slug
        self.call(lambda: self.services.organizations.logo(slug), lambda data: self._preview(slug, data))

    def _preview(self, slug: str, data: bytes | None) -> None:
        if data is None or self.current_slug != slug:
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(QByteArray(data)):
            self.logo_preview.setText("The stored logo cannot be shown")
            return
        # Scaled in device pixels so that the preview stays sharp on high-DPI screens.
        ratio = self.devicePixelRatioF()
        size = (self.logo_preview.contentsRect().size() - QSize(8, 8)) * ratio
        scaled = pixmap.scaled(
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        self.logo_preview.setPixmap(scaled)

    # -- editing ------------------------------------------------------------------------------
    def collect_edit(self) -> OrganizationEdit:
        """The form as an edit (not yet validated: the service does that)."""
        assert self.base is not None
        self._store_year()
        channels = []

        def ticked(row: int, col: int) -> bool:
            item = self.channels_table.item(row, col)
            return item is not None and item.checkState() == Qt.CheckState.Checked

        for row, request_type in enumerate(RequestType):
            accepted = tuple(channel.value for col, channel in enumerate(Channel) if ticked(row, col))
            if accepted:
                channels.append((request_type.value, accepted))
        disclosures = []
        for row in range(self.disclosure_table.rowCount()):
            kind = self.disclosure_table.cellWidget(row, 0)
            sensitive = self.disclosure_table.item(row, 5)
            category, sources, purposes, recipients = (
                _cell(self.disclosure_table, row, col) for col in range(1, 5)
            )
            disclosures.append(
                DisclosureDTO(
                    kind.currentData() if isinstance(kind, QComboBox) else "collected",
                    category,
                    sources,
                    purposes,
                    recipients,
                    sensitive is not None and sensitive.checkState() == Qt.CheckState.Checked,
                )
            )
        stl = [r for year in sorted(self.stl_years) for r in self.stl_years[year]]
        window = self.appeal_window.value()
        return dataclasses.replace(
            edit_from_dto(self.base),
            legal_name=self.legal_name.text(),
            display_name=self.display_name.text(),
            role=str(self.role.currentData()),
            postal_address=self.postal_address.toPlainText(),
            privacy_email=self.privacy_email.text(),
            toll_free_phones=tuple(p.strip() for p in self.toll_free.text().split(",") if p.strip()),
            website=self.website.text(),
            stl_email=self.stl_email.text(),
            stl_address=self.stl_address.toPlainText(),
            timezone=self.timezone.text(),
            jurisdictions=tuple(j.strip().upper() for j in self.jurisdictions.text().split(",") if j.strip()),
            page_size=str(self.page_size.currentData()),
            sells_or_shares=self.sells_or_shares.isChecked(),
            retention_months=self.retention.value(),
            appeal_window_days=window or None,
            signatory_name=self.signatory_name.text(),
            signatory_title=self.signatory_title.text(),
            channels=tuple(channels),
            disclosures=tuple(disclosures),
            stl_disclosures=tuple(stl),
        )

    def is_dirty(self) -> bool:
        if self.base is None:
            return False
        return _normal(self.collect_edit()) != _normal(edit_from_dto(self.base))

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.dirty_label.setText("Unsaved changes" if dirty else "")

    def add_disclosure(self) -> None:
        self._append_disclosure(DisclosureDTO("collected", "", "", "", ""))
        row = self.disclosure_table.rowCount() - 1
        self.disclosure_table.setCurrentCell(row, 1)
        cell = self.disclosure_table.item(row, 1)
        if cell is not None:
            self.disclosure_table.editItem(cell)
        self._update_dirty()

    def remove_disclosure(self) -> None:
        row = self.disclosure_table.currentRow()
        if row < 0:
            return
        name = _cell(self.disclosure_table, row, 1) or "this empty row"
        if ConfirmRemove.ask(self, "Remove category", f"Remove “{name}” from the disclosures?"):
            self.disclosure_table.removeRow(row)
            self._update_dirty()

    def add_stl_row(self) -> None:
        if self.shown_year is None:
            self.add_year()
            if self.shown_year is None:
                return
        row = self.stl_table.rowCount()
        self.stl_table.insertRow(row)
        for col in range(len(STL_COLUMNS)):
            self.stl_table.setItem(row, col, QTableWidgetItem(""))
        self.stl_table.setCurrentCell(row, 0)
        cell = self.stl_table.item(row, 0)
        if cell is not None:
            self.stl_table.editItem(cell)
        self._store_year()
        self._update_dirty()

    def remove_stl_row(self) -> None:
        row = self.stl_table.currentRow()
        if row < 0:
            return
        name = _cell(self.stl_table, row, 0) or "this empty row"
        if ConfirmRemove.ask(self, "Remove third party", f"Remove “{name}” from the {self.shown_year} list?"):
            self.stl_table.removeRow(row)
            self._store_year()
            self._update_dirty()

    def add_year(self, year: int | None = None) -> None:
        if year is None:
            suggested = max(self.stl_years, default=self.services.ctx.today().year - 1) + 1
            value, ok = QInputDialog.getInt(
                self, "Add a calendar year", "Year of the disclosures:", suggested, 1990, 2200
            )
            if not ok:
                return
            year = value
        self._store_year()
        rows = [r for y in sorted(self.stl_years) for r in self.stl_years[y]]
        try:
            grown = copy_stl_year(rows, year)
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.stl_years = {}
        for r in grown:
            self.stl_years.setdefault(r.year, []).append(r)
        self.stl_years.setdefault(year, [])
        self.shown_year = None
        self._fill_years(year)
        self._update_dirty()

    def revert(self) -> None:
        if self.base is not None:
            self.load(self.base)

    def confirm_leave(self) -> bool:
        """Before another organization or page replaces the form: save, discard or stay."""
        if not self.is_dirty() or self.base is None:
            return True
        answer = UnsavedChanges.ask(self, self.base.display_name)
        if answer == UnsavedChanges.CANCEL:
            return False
        if answer == UnsavedChanges.SAVE:
            self.save()
        else:
            self.load(self.base)
        return True

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        if self.base is None or not self.is_dirty():
            return
        base = self.base
        edit = self.collect_edit()
        self._save(base, edit, base.version)

    def _save(self, base: OrganizationDTO, edit: OrganizationEdit, version: int) -> None:
        organizations = self.services.organizations
        slug = base.slug
        self.save_button.setEnabled(False)

        def saved(org: OrganizationDTO) -> None:
            self.window_.statusBar().showMessage(f"{org.display_name}: changes saved", 5000)
            self._record_undo(slug, org.display_name, edit_from_dto(base), edit)
            self._after_save(org)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ConflictError):
                self._conflict(base, edit)
                return
            self._update_dirty()
            self.show_error(exc)

        self.call(
            lambda: organizations.update(slug, edit, expected_version=version),
            saved,
            write=True,
            failed=failed,
        )

    def _after_save(self, org: OrganizationDTO) -> None:
        self.versions[org.slug] = org.version
        self.orgs = [org if o.slug == org.slug else o for o in self.orgs]
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == org.slug:
                item.setText(f"{org.display_name}\n{org.slug}")
        if self.current_slug == org.slug:
            self.load(org)

    def _record_undo(self, slug: str, name: str, before: OrganizationEdit, after: OrganizationEdit) -> None:
        organizations = self.services.organizations
        versions = self.versions

        def put(edit: OrganizationEdit) -> Callable[[], OrganizationDTO]:
            return lambda: organizations.update(slug, edit, expected_version=versions.get(slug))

        def done(org: OrganizationDTO) -> None:
            self.versions[org.slug] = org.version
            if self.current_slug == org.slug and not self.is_dirty():
                self._after_save(org)
            else:
                self.orgs = [org if o.slug == org.slug else o for o in self.orgs]

        push_saved(self.window_, f"edit of {name}", put(before), put(after), done)

    def _conflict(self, base: OrganizationDTO, mine: OrganizationEdit) -> None:
        organizations = self.services.organizations
        slug = base.slug

        def fetch() -> tuple[OrganizationDTO, ChangeInfo | None]:
            return organizations.show(slug), organizations.last_change(slug)

        def compare(answer: tuple[OrganizationDTO, ChangeInfo | None]) -> None:
            fresh, change = answer
            started = edit_from_dto(base)
            stored = edit_from_dto(fresh)
            differences = [
                FieldDifference(
                    label,
                    _describe(name, getattr(mine, name)),
                    _describe(name, getattr(stored, name)),
                    _describe(name, getattr(started, name)),
                )
                for name, label in EDIT_FIELD_LABELS.items()
                if getattr(mine, name) != getattr(stored, name)
                and (
                    getattr(mine, name) != getattr(started, name)
                    or getattr(stored, name) != getattr(started, name)
                )
            ]
            who = ChangedBy(change.actor, change.at) if change else None
            choice = ConflictDialog.ask(self, fresh.display_name, "your edit", differences, who)
            if choice is Choice.REAPPLY:
                # Fields the officer changed win; the rest keep the newer stored values.
                merged = dataclasses.replace(
                    stored,
                    **{
                        name: getattr(mine, name)
                        for name in EDIT_FIELD_LABELS
                        if getattr(mine, name) != getattr(started, name)
                    },
                )
                self._save(fresh, merged, fresh.version)
            else:
                self.orgs = [fresh if o.slug == slug else o for o in self.orgs]
                self.load(fresh)

        self.call(fetch, compare)

    # -- letterhead ---------------------------------------------------------------------------
    def choose_logo(self) -> None:
        if self.base is None:
            return
        path = open_file(self, "logos", "Choose the letterhead logo", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.set_logo(Path(path))

    def set_logo(self, path: Path) -> None:
        base = self.base
        if base is None:
            return
        organizations = self.services.organizations
        slug = base.slug
        version = self.versions.get(slug, base.version)

        def work() -> OrganizationDTO:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ValidationError(f"{path.name}: cannot be read ({exc.strerror})") from None
            return organizations.set_logo(slug, data, path.name, expected_version=version)

        self.call(work, self._logo_saved, write=True)

    def remove_logo(self) -> None:
        base = self.base
        if base is None or not base.profile.get("logo_sha256"):
            return
        if not ConfirmRemove.ask(
            self,
            "Remove logo",
            f"Remove the letterhead logo of {base.display_name}? Letters made from now "
            "on carry the name only; letters already made keep theirs.",
        ):
            return
        organizations = self.services.organizations
        slug = base.slug
        version = self.versions.get(slug, base.version)
        self.call(
            lambda: organizations.clear_logo(slug, expected_version=version), self._logo_saved, write=True
        )

    def _logo_saved(self, org: OrganizationDTO) -> None:
        """The logo is saved on its own: keep any unsaved form edits, move the form's version on."""
        self.versions[org.slug] = org.version
        self.orgs = [org if o.slug == org.slug else o for o in self.orgs]
        if self.current_slug != org.slug:
            return
        if self.is_dirty():
            pending = self.collect_edit()
            self.load(org)
            self.fill(pending)
        else:
            self.load(org)

    # -- import and export --------------------------------------------------------------------
    def import_profile(self) -> None:
        if not self.confirm_leave():
            return
        path = open_file(self, "profiles", "Import organization profile", "Profiles (*.toml)")
        if path:
            self.call(
                lambda: self.services.organizations.import_profile_file(Path(path)),
                lambda _: self.refresh(),
                write=True,
            )

    def export_profile(self) -> None:
        if self.base is None:
            return
        slug = self.base.slug
        path = save_file(self, "profiles", "Export organization profile", f"{slug}.toml", "Profiles (*.toml)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if self.base is None:
            return
        organizations = self.services.organizations
        slug = self.base.slug

        def work() -> Path:
            path.write_text(organizations.export_profile(slug), encoding="utf-8")
            return path

        self.call(work, lambda p: self.window_.statusBar().showMessage(f"Profile saved to {p.name}", 5000))

    def save_state(self) -> None:
        ui_settings.save_splitter(self.splitter, "organizations")
        ui_settings.save_header(self.disclosure_table.horizontalHeader(), "organization_disclosures")
        ui_settings.save_header(self.stl_table.horizontalHeader(), "organization_stl")
