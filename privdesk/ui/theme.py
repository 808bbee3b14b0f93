"""Light and dark: colours chosen for the palette in use, and notice when the palette changes.

privdesk draws with the platform's palette; the few colours of its own (overdue and due-soon marks,
warning frames, error lines, chart themes) come from here, picked for the current palette and checked
against its background so they stay readable. ``theme_watcher().changed`` fires when the desktop
switches between light and dark (or the application palette is replaced) so cached colours are redone.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable

from PySide6.QtCharts import QAbstractBarSeries, QBarSet, QChart
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

# WCAG 2 minimum contrast for normal text.
READABLE_CONTRAST = 4.5
# WCAG 2.1 minimum contrast for graphical objects (bars, lines).
GRAPHIC_CONTRAST = 3.0


class Tone(enum.Enum):
    """What a colour says; each has a shade for light backgrounds and one for dark backgrounds."""

    OVERDUE = ("#c62828", "#ff8a80")
    DUE_SOON = ("#b26a00", "#ffb74d")
    ERROR = ("#c0392b", "#ff8a80")
    WARNING = ("#b26a00", "#ffb74d")

    @property
    def on_light(self) -> QColor:
        return QColor(self.value[0])

    @property
    def on_dark(self) -> QColor:
        return QColor(self.value[1])


def relative_luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour, 0 (black) to 1 (white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    rgb = color.toRgb()
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF())


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def current_palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    """Dark when the window background is darker than the text drawn on it."""
    palette = palette or current_palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return relative_luminance(window) < relative_luminance(text)


def readable_on(color: QColor, background: QColor, minimum: float = READABLE_CONTRAST) -> QColor:
    """``color``, lightened or darkened in small steps until it reaches ``minimum`` contrast."""
    result = QColor(color)
    towards_light = relative_luminance(background) < 0.18
    for _ in range(40):
        if contrast_ratio(result, background) >= minimum:
            break
        lightness = result.lightnessF()
        lightness = min(1.0, lightness + 0.025) if towards_light else max(0.0, lightness - 0.025)
        hue = max(result.hslHueF(), 0.0)  # -1 for greys
        result = QColor.fromHslF(hue, result.hslSaturationF(), lightness, result.alphaF())
    return result


def tone_color(
    tone: Tone, palette: QPalette | None = None, role: QPalette.ColorRole = QPalette.ColorRole.Base
) -> QColor:
    """The shade of ``tone`` for the palette, readable on its ``role`` colour (Base: lists and fields)."""
    palette = palette or current_palette()
    background = palette.color(role)
    base = tone.on_dark if is_dark(palette) else tone.on_light
    return readable_on(base, background)


def tone_css(
    tone: Tone, palette: QPalette | None = None, role: QPalette.ColorRole = QPalette.ColorRole.Window
) -> str:
    """``tone`` as a style sheet colour (``#rrggbb``), for text on the window background by default."""
    return tone_color(tone, palette, role).name()


def tint(tone: Tone, palette: QPalette | None = None, alpha: int = 60) -> QColor:
    """A translucent wash of ``tone`` to mark a line or a field behind normal text."""
    color = QColor(tone.on_dark if is_dark(palette) else tone.on_light)
    color.setAlpha(alpha)
    return color


def chart_theme(palette: QPalette | None = None) -> QChart.ChartTheme:
    return QChart.ChartTheme.ChartThemeDark if is_dark(palette) else QChart.ChartTheme.ChartThemeLight


class Meaning(enum.Enum):
    """What a chart's bars say. The chart themes colour series by their order, and the light and dark
    themes use different orders, so "closed" was green in one and another colour in the other: each
    meaning has its own colour family instead, a shade for each palette."""

    RECEIVED = ("#1f6fb2", "#64b5f6")  # blue: work coming in
    DONE = ("#2e7d32", "#81c784")  # green: closed, complied with, answered on time
    DENIED = ("#6d5d8b", "#b39ddb")  # violet: refused (not late, not an error)
    LATE = ("#b26a00", "#ffb74d")  # amber: answered after the deadline


MEANING_PROPERTY = "privdesk_meaning"


def meaning_color(meaning: Meaning, palette: QPalette | None = None) -> QColor:
    """The shade of ``meaning`` for ``palette``, visible on its window background (3:1, as graphics)."""
    palette = palette or current_palette()
    shade = QColor(meaning.value[1] if is_dark(palette) else meaning.value[0])
    return readable_on(shade, palette.color(QPalette.ColorRole.Window), GRAPHIC_CONTRAST)


def paint_bars(bar_set: QBarSet, meaning: Meaning, palette: QPalette | None = None) -> None:
    """Colour ``bar_set`` by what it means; ``style_chart`` colours it again after a theme change."""
    bar_set.setProperty(MEANING_PROPERTY, meaning.name)
    color = meaning_color(meaning, palette)
    bar_set.setColor(color)
    bar_set.setBorderColor(color)


def style_chart(chart: QChart, palette: QPalette) -> None:
    """The chart theme for ``palette``, drawn straight on the window (no box of the theme's own colour).

    ``setTheme`` resets series colours, fonts and label colours: the bars are coloured again by their
    meaning here; fonts and label colours are the caller's.
    """
    chart.setTheme(chart_theme(palette))
    chart.setBackgroundVisible(False)
    for series in chart.series():
        if isinstance(series, QAbstractBarSeries):
            for bar_set in series.barSets():
                name = bar_set.property(MEANING_PROPERTY)
                if isinstance(name, str) and name in Meaning.__members__:
                    paint_bars(bar_set, Meaning[name], palette)


class ThemeWatcher(QObject):
    """Emits ``changed`` once per palette change of the application, whatever caused it.

    A desktop switching light/dark reaches Qt as ``colorSchemeChanged`` followed by a new application
    palette; a palette set by the program only as the latter. Both end up in ``changed``.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dark = is_dark()
        app = QGuiApplication.instance()
        assert app is not None, "the watcher needs the application"
        app.installEventFilter(self)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._scheme_changed)

    def _scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        self._emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is QGuiApplication.instance() and event.type() == QEvent.Type.ApplicationPaletteChange:
            self._emit()
        return False

    def _emit(self) -> None:
        self._dark = is_dark()
        self.changed.emit()

    @property
    def dark(self) -> bool:
        return self._dark


_watcher: ThemeWatcher | None = None


def theme_watcher() -> ThemeWatcher:
    """The application's watcher, made on first use (parented to the application)."""
    global _watcher
    app = QGuiApplication.instance()
    if _watcher is None or _watcher.parent() is not app:
        _watcher = ThemeWatcher(app)
    return _watcher


def dark_palette() -> QPalette:
    """A dark palette in the manner of the common dark desktop themes (Breeze Dark's colours)."""
    window, base, text = QColor("#2a2e32"), QColor("#1b1e20"), QColor("#fcfcfc")
    button, highlight = QColor("#31363b"), QColor("#3daee9")
    palette = QPalette(window)
    roles = QPalette.ColorRole
    colors = {
        roles.Window: window,
        roles.WindowText: text,
        roles.Base: base,
        roles.AlternateBase: QColor("#232629"),
        roles.ToolTipBase: QColor("#31363b"),
        roles.ToolTipText: text,
        roles.PlaceholderText: QColor("#a1a9b1"),
        roles.Text: text,
        roles.Button: button,
        roles.ButtonText: text,
        roles.BrightText: QColor("#ffffff"),
        roles.Light: QColor("#40464c"),
        roles.Midlight: QColor("#363b40"),
        roles.Mid: QColor("#25292c"),
        roles.Dark: QColor("#151719"),
        roles.Shadow: QColor("#0e0f10"),
        roles.Highlight: highlight,
        roles.HighlightedText: text,
        roles.Link: QColor("#1d99f3"),
        roles.LinkVisited: QColor("#9b59b6"),
        roles.Accent: highlight,
    }
    for role, color in colors.items():
        palette.setColor(QPalette.ColorGroup.All, role, color)
    disabled = QColor("#6e7175")
    for role in (roles.WindowText, roles.Text, roles.ButtonText, roles.HighlightedText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    palette.setColor(QPalette.ColorGroup.Disabled, roles.Highlight, QColor("#3b4045"))
    return palette


def apply_dark_scheme() -> None:
    """Switch the running application to dark as a dark desktop would.

    Asks the platform first (Qt 6.8's ``QStyleHints.setColorScheme``); platforms that cannot switch
    (plain X11, offscreen) get the Fusion style and :func:`dark_palette`.
    """
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(Qt.ColorScheme.Dark)
        QGuiApplication.processEvents()
        if is_dark():
            return
    QApplication.setStyle("Fusion")
    QApplication.setPalette(dark_palette())
    install_check_outlines()


@functools.cache
def _check_indicators() -> tuple[QStyle.PrimitiveElement, ...]:
    # Looked up on first use: reading QStyle's enums costs a hundredth of a second at import.
    return (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    )


class CheckOutlineStyle(QProxyStyle):
    """Fusion with check boxes outlined in the text colour.

    Fusion draws a check box's outline from the window colour made darker, which on a dark palette all
    but vanishes against a list's background, and on a light one is a pale grey that reads as a disabled
    box; desktop styles (Breeze, Windows) need no help.
    """

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in _check_indicators():
            palette: QPalette = option.palette
            outline = QColor(palette.color(QPalette.ColorRole.Text))
            enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
            outline.setAlpha(170 if enabled else 70)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(outline, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            box = option.rect.adjusted(0, 0, -1, -1)
            painter.drawRoundedRect(box, 2, 2)
            painter.restore()


def install_check_outlines(app: QApplication | None = None) -> None:
    """Wrap the application's style in :class:`CheckOutlineStyle` when it is Fusion (once)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        return
    style = app.style()
    if isinstance(style, CheckOutlineStyle) or style.name().lower() != "fusion":
        return
    base = QStyleFactory.create("Fusion")
    if base is not None:
        app.setStyle(CheckOutlineStyle(base))


class _PaletteFollower(QObject):
    """Calls ``apply(parent)`` after each palette change; a child of the widget, so it dies with it."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.apply: Callable[[QWidget], None] | None = None
        theme_watcher().changed.connect(self.reapply)

    def reapply(self) -> None:
        widget = self.parent()
        if isinstance(widget, QWidget) and self.apply is not None:
            self.apply(widget)


def follow_palette(widget: QWidget, apply: Callable[[QWidget], None]) -> None:
    """Run ``apply(widget)`` now and again whenever the palette changes, for as long as ``widget`` lives.

    For colours Qt cannot take from a palette role by itself: style sheets (their ``palette(...)`` is
    resolved once) and colours picked by :func:`tone_color`. A later call replaces the earlier one.
    """
    follower = widget.findChild(_PaletteFollower, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if follower is None:
        follower = _PaletteFollower(widget)
    follower.apply = apply
    follower.reapply()


def _set_message_colour(widget: QWidget, on: bool, tone: Tone | None) -> None:
    font = QFont(widget.font())
    font.setBold(on)
    widget.setFont(font)
    if not on:
        widget.setPalette(QPalette())  # back to the inherited palette
        return
    palette = current_palette()
    window = palette.color(QPalette.ColorRole.Window)
    if tone is None:
        color = readable_on(palette.color(QPalette.ColorRole.Highlight), window)
    else:
        color = tone_color(tone, palette, QPalette.ColorRole.Window)
    own = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        own.setColor(group, QPalette.ColorRole.WindowText, color)
    widget.setPalette(own)


def emphasize(widget: QWidget, on: bool = True, tone: Tone | None = None) -> None:
    """Bold text in the palette's highlight colour (or ``tone``'s), readable on the window background.

    ``on=False`` makes it plain again. The colour is redone when the palette changes.
    """
    follow_palette(widget, lambda w: _set_message_colour(w, on, tone))
