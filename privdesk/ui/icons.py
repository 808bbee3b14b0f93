"""Icons: small SVGs from resources/icons (drawn in a mid grey that reads on light and dark palettes)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from privdesk.paths import resource


@cache
def icon(name: str) -> QIcon:
    path = resource("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
