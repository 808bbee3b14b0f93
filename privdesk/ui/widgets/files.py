"""File dialogs that remember the last folder for each purpose ("scans", "letters", "case files", …).

Qt's own dialog is used on Linux (``use_qt_dialogs``, set once for the application): the desktop
portal's dialog took seconds to appear on a desktop without one running, Qt's appears at once. Windows
and macOS keep theirs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from privdesk.ui import settings as ui_settings

KEY = "folders/{purpose}"


def use_qt_dialogs(app: QCoreApplication) -> None:
    if sys.platform.startswith("linux"):
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)


def last_folder(purpose: str) -> str:
    """The folder the last dialog of this purpose ended in, or "" (the dialog's own default)."""
    folder = ui_settings.get_json(KEY.format(purpose=purpose), "")
    return folder if isinstance(folder, str) and folder and Path(folder).is_dir() else ""


def remember_folder(purpose: str, path: str) -> None:
    """Keep the folder of ``path`` (a file, or a folder itself) for the next dialog of this purpose."""
    if not path:
        return
    chosen = Path(path)
    folder = chosen if chosen.is_dir() else chosen.parent
    ui_settings.set_json(KEY.format(purpose=purpose), str(folder))


def save_file(parent: QWidget | None, purpose: str, title: str, suggested: str, filters: str) -> str:
    """The path chosen to save to ("" when cancelled), starting in this purpose's last folder."""
    folder = last_folder(purpose)
    start = str(Path(folder) / suggested) if folder else suggested
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    remember_folder(purpose, path)
    return str(path or "")


def open_file(parent: QWidget | None, purpose: str, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(purpose), filters)
    remember_folder(purpose, path)
    return str(path or "")


def open_files(parent: QWidget | None, purpose: str, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, last_folder(purpose), filters)
    if paths:
        remember_folder(purpose, paths[0])
    return [str(p) for p in paths]


def choose_folder(parent: QWidget | None, purpose: str, title: str) -> str:
    folder = QFileDialog.getExistingDirectory(parent, title, last_folder(purpose))
    remember_folder(purpose, folder)
    return str(folder or "")


def write_file(path: Path, data: bytes) -> None:
    """Worker thread: write to a temporary name beside the target, then rename, so a crash never leaves
    half a file under the chosen name."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.part")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
