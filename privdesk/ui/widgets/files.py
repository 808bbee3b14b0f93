"""File dialogs that remember the last folder for each purpose ("scans", "letters", "case files", …).

Qt's own dialog is used on Linux: the desktop portal's dialog took seconds to appear on a desktop
without one running, Qt's appears at once and looks the same everywhere. Windows and macOS keep theirs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from privdesk.ui import settings as ui_settings

KEY = "folders/{purpose}"


def _options() -> QFileDialog.Option:
    if sys.platform.startswith("linux"):
        return QFileDialog.Option.DontUseNativeDialog
    return QFileDialog.Option(0)


def last_folder(purpose: str) -> str:
    folder = ui_settings.get_json(KEY.format(purpose=purpose), "")
    return folder if isinstance(folder, str) and folder and Path(folder).is_dir() else str(Path.home())


def remember_folder(purpose: str, path: str) -> None:
    """Keep the folder of ``path`` (a file, or a folder itself) for the next dialog of this purpose."""
    if not path:
        return
    chosen = Path(path)
    folder = chosen if chosen.is_dir() else chosen.parent
    ui_settings.set_json(KEY.format(purpose=purpose), str(folder))


def save_file(parent: QWidget | None, purpose: str, title: str, suggested: str, filters: str) -> str:
    """The path chosen to save to ("" when cancelled), starting in this purpose's last folder."""
    start = str(Path(last_folder(purpose)) / suggested)
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters, "", _options())
    remember_folder(purpose, path)
    return str(path or "")


def open_file(parent: QWidget | None, purpose: str, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(purpose), filters, "", _options())
    remember_folder(purpose, path)
    return str(path or "")


def open_files(parent: QWidget | None, purpose: str, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, last_folder(purpose), filters, "", _options())
    if paths:
        remember_folder(purpose, paths[0])
    return [str(p) for p in paths]


def choose_folder(parent: QWidget | None, purpose: str, title: str) -> str:
    folder = QFileDialog.getExistingDirectory(
        parent, title, last_folder(purpose), QFileDialog.Option.ShowDirsOnly | _options()
    )
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
