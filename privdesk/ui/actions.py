"""One registry of the window's actions: menus, toolbar and Help > Keyboard shortcuts come from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from privdesk.ui.icons import icon


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    menu: str  # File, Edit, View, Case, Help
    shortcut: str | QKeySequence.StandardKey | None = None
    icon: str | None = None
    toolbar: bool = False
    tip: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_case",
        "&New case…",
        "File",
        QKeySequence.StandardKey.New,
        "new_case",
        True,
        "Log a new request received by mail, email, web or fax",
    ),
    ActionSpec(
        "open_case",
        "&Open a case, person or phone number…",
        "File",
        "Ctrl+K",
        "open",
        False,
        "Type a case number, a name, an email or a phone number",
    ),
    ActionSpec(
        "export_calendar",
        "Export deadlines &calendar (.ics)…",
        "File",
        None,
        "extend",
        False,
        "Write the open cases' deadlines as an .ics file for a calendar program (references only)",
    ),
    ActionSpec(
        "import_files",
        "&Import emails…",
        "File",
        "Ctrl+I",
        "inbox",
        False,
        "Import .eml or .msg files into the inbox",
    ),
    # The one way in for a phone call: the note goes to the inbox, where "Make case…" turns it into a
    # case as for every other channel (one entry point per action).
    ActionSpec(
        "log_call",
        "&Log a phone call…",
        "File",
        "Ctrl+Shift+L",
        "phone",
        True,
        "Write down a call to the privacy line as it happens; it goes to the inbox, where Make case… "
        "turns it into a case",
    ),
    ActionSpec(
        "log_letter",
        "Log a &scanned letter…",
        "File",
        "Ctrl+Shift+M",
        None,
        False,
        "Add a letter received by post, with its scanned pages, to the inbox",
    ),
    ActionSpec("quit", "&Quit", "File", QKeySequence.StandardKey.Quit, None),
    ActionSpec(
        "undo", "&Undo", "Edit", QKeySequence.StandardKey.Undo, "undo", False, "Take back the last edit"
    ),
    ActionSpec("redo", "&Redo", "Edit", QKeySequence.StandardKey.Redo, "redo", False, "Make the edit again"),
    ActionSpec(
        "find",
        "&Find cases…",
        "Edit",
        QKeySequence.StandardKey.Find,
        "search",
        False,
        "Search names, emails, references and notes",
    ),
    ActionSpec(
        "refresh",
        "&Refresh",
        "View",
        QKeySequence.StandardKey.Refresh,
        "refresh",
        True,
        "Reload what this page shows",
    ),
    ActionSpec("go_dashboard", "&Dashboard", "Go", "Ctrl+1", "dashboard", False),
    ActionSpec("go_cases", "&Cases", "Go", "Ctrl+2", "cases", False),
    ActionSpec("go_consumers", "C&onsumers", "Go", "Ctrl+3", "consumers", False),
    ActionSpec("go_agents", "&Agents", "Go", "Ctrl+4", "agents", False),
    ActionSpec("go_organizations", "O&rganizations", "Go", "Ctrl+5", "organizations", False),
    ActionSpec("go_reports", "R&eports", "Go", "Ctrl+6", "reports", False),
    ActionSpec("go_inbox", "&Inbox", "Go", "Ctrl+7", "inbox", False),
    ActionSpec("go_outbox", "O&utbox", "Go", "Ctrl+8", "outbox", False),
    ActionSpec("go_settings", "&Settings", "Go", "Ctrl+,", "settings", False),
    ActionSpec(
        "next_action",
        "Do the &next step",
        "Case",
        "Ctrl+Return",
        "next",
        True,
        "Carry out what is due next on the open case",
    ),
    ActionSpec("acknowledge", "&Acknowledge receipt…", "Case", "Ctrl+Shift+A", None),
    ActionSpec("verify", "&Verify identity…", "Case", "Ctrl+Shift+V", "verify", False),
    ActionSpec("extend", "E&xtend the deadline…", "Case", "Ctrl+Shift+E", "extend", False),
    ActionSpec("respond", "&Respond or deny…", "Case", "Ctrl+Shift+R", "respond", False),
    ActionSpec("authorize", "Record agent a&uthorization…", "Case", "Ctrl+Shift+U", None),
    ActionSpec("add_note", "Add a n&ote…", "Case", "Ctrl+Shift+O", "note", False),
    ActionSpec("close_case", "&Close the case…", "Case", "Ctrl+Shift+W", None),
    ActionSpec("close_tab", "Close &tab", "Case", QKeySequence.StandardKey.Close, None),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "Help", "F1", "help", False),
    ActionSpec("about", "&About privdesk", "Help", None, None),
)

MENUS = ("File", "Edit", "View", "Go", "Case", "Help")


def build_actions(parent: QWidget, slots: Mapping[str, Callable[[], object]]) -> dict[str, QAction]:
    """One QAction per spec, connected to ``slots[id]`` (a spec without a slot is disabled)."""
    out: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.id}")
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.icon:
            action.setIcon(icon(spec.icon))
        tip = spec.tip or spec.text.replace("&", "").rstrip("…")
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        if spec.id == "quit":
            action.setMenuRole(QAction.MenuRole.QuitRole)
        elif spec.id == "about":
            action.setMenuRole(QAction.MenuRole.AboutRole)
        slot = slots.get(spec.id)
        if slot is None:
            action.setEnabled(False)
        else:
            action.triggered.connect(slot)
        out[spec.id] = action
    return out


def shortcut_rows(actions: dict[str, QAction]) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action that has a shortcut, in menu order."""
    rows = []
    for spec in ACTIONS:
        keys = actions[spec.id].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            rows.append((spec.menu, spec.text.replace("&", "").rstrip("…"), keys))
    return rows
