"""Icons: small SVGs from resources/icons, drawn for the palette in use.

The SVGs are drawn for light backgrounds (a mid grey-blue line, red/amber/green marks). On a dark
palette the same drawings get lighter shades of those colours, so they keep their contrast. The
engine renders each icon at the size and device pixel ratio asked for (sharp on high-DPI screens)
and looks at the palette on every paint, so a switch between light and dark repaints them right.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from privdesk.paths import resource
from privdesk.ui.theme import is_dark

# Light-background colour in the SVG files -> the shade used on dark backgrounds.
DARK_SHADES = {
    "#5b6b7f": "#b4c0cf",  # line colour of every plain icon
    "#c62828": "#ff8a80",  # overdue
    "#b26a00": "#ffb74d",  # due soon, warning
    "#2e7d32": "#81c784",  # ok
}


@cache
def _svg(name: str, dark: bool) -> QByteArray | None:
    path = resource("icons", f"{name}.svg")
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    if dark:
        for light, shade in DARK_SHADES.items():
            text = text.replace(light, shade)
    return QByteArray(text.encode("utf-8"))


_clones: list[QIconEngine] = []


class PaletteIconEngine(QIconEngine):
    """Renders one SVG for the current palette; pixmaps are cached per size, mode and shade."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._pixmaps: dict[tuple[int, int, int, bool], QPixmap] = {}

    def clone(self) -> QIconEngine:
        # Qt takes the copy (a QIcon detaching) but the binding does not hand it over: keep it alive.
        copy = PaletteIconEngine(self.name)
        _clones.append(copy)
        return copy

    def key(self) -> str:
        return "privdesk-palette-svg"

    def iconName(self) -> str:
        return self.name

    def isNull(self) -> bool:
        return _svg(self.name, False) is None

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size

    def _render(self, size: QSize, mode: QIcon.Mode) -> QPixmap:
        dark = is_dark()
        cache_key = (size.width(), size.height(), int(mode.value), dark)
        pixmap = self._pixmaps.get(cache_key)
        if pixmap is not None:
            return pixmap
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        data = _svg(self.name, dark)
        if data is not None and not size.isEmpty():
            renderer = QSvgRenderer(data)
            painter = QPainter(pixmap)
            # Square drawings, centred in whatever box is asked for.
            side = min(size.width(), size.height())
            target = QRectF((size.width() - side) / 2, (size.height() - side) / 2, side, side)
            renderer.render(painter, target)
            painter.end()
        if mode == QIcon.Mode.Disabled:
            pixmap = _disabled(pixmap)
        self._pixmaps[cache_key] = pixmap
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self._render(size, mode)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        device = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap = QPixmap(self._render(device, mode))  # a copy: the cached one keeps its ratio
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


def _disabled(pixmap: QPixmap) -> QPixmap:
    """Half-transparent, as the platform's own disabled icons look on either palette."""
    faded = QPixmap(pixmap.size())
    faded.fill(Qt.GlobalColor.transparent)
    painter = QPainter(faded)
    painter.setOpacity(0.4)
    painter.drawPixmap(QPoint(0, 0), pixmap)
    painter.end()
    return faded


@cache
def icon(name: str) -> QIcon:
    if _svg(name, False) is None:
        return QIcon()
    return QIcon(PaletteIconEngine(name))
