"""QSettings in IniFormat: window geometry, splitters, table columns, saved filters, preferences.

Organization and application names are set on the QApplication before the first QSettings exists.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, qVersion
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "privdesk", "privdesk")


def _key(kind: str, name: str) -> str:
    # Qt's saved states are not portable across Qt versions: key them by version (as Anki does).
    return f"{kind}/{name}_qt{qVersion().split('.')[0]}"


def save_geometry(widget: QWidget, name: str) -> None:
    settings().setValue(_key("geometry", name), widget.saveGeometry())


def restore_geometry(widget: QWidget, name: str) -> bool:
    value = settings().value(_key("geometry", name))
    return isinstance(value, QByteArray | bytes) and widget.restoreGeometry(value)


def save_splitter(splitter: QSplitter, name: str) -> None:
    settings().setValue(_key("splitter", name), splitter.saveState())


def restore_splitter(splitter: QSplitter, name: str) -> None:
    value = settings().value(_key("splitter", name))
    if isinstance(value, QByteArray | bytes):
        splitter.restoreState(value)


def save_header(header: QHeaderView, name: str) -> None:
    settings().setValue(_key("header", name), header.saveState())


def restore_header(header: QHeaderView, name: str) -> bool:
    value = settings().value(_key("header", name))
    return isinstance(value, QByteArray | bytes) and header.restoreState(value)


def get_json(key: str, default: Any) -> Any:
    raw = settings().value(key)
    if not isinstance(raw, str):
        return default
    try:
        return json.loads(raw)
    except ValueError:
        return default


def set_json(key: str, value: Any) -> None:
    settings().setValue(key, json.dumps(value))


def remove(key: str) -> None:
    store = settings()
    store.remove(key)
    store.sync()


def get_bool(key: str, default: bool = False) -> bool:
    raw = settings().value(key, default)
    if isinstance(raw, str):
        return raw.lower() in ("true", "1", "yes")
    return bool(raw)
