"""Light and dark palettes: the queue's deadline marks, icons, messages and charts stay readable in both,
and a switch while privdesk runs is picked up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QChartView
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from privdesk.services.dto import CaseFilter, CaseRow
from privdesk.ui.icons import icon
from privdesk.ui.models.case_table import CaseTableModel
from privdesk.ui.theme import (
    READABLE_CONTRAST,
    contrast_ratio,
    dark_palette,
    emphasize,
    is_dark,
    theme_watcher,
)

DAY = dt.date(2026, 11, 20)
FG = Qt.ItemDataRole.ForegroundRole
# Lines and glyphs (not text): WCAG's minimum for graphical objects.
GRAPHIC_CONTRAST = 3.0


@pytest.fixture
def light(qapp: QApplication) -> Iterator[QPalette]:
    original = QPalette(qapp.palette())
    theme_watcher()  # made while the palette is still the original one, as at start-up
    yield original
    qapp.setPalette(original)


@pytest.fixture
def dark(light: QPalette, qapp: QApplication) -> QPalette:
    qapp.setPalette(dark_palette())
    assert is_dark()
    return qapp.palette()


def switch(qapp: QApplication, palette: QPalette) -> None:
    """As a desktop switching light/dark: a new application palette; widgets hear of it in the loop."""
    qapp.setPalette(palette)
    qapp.processEvents()


def case_row(number: int, *, overdue: bool = False, due_soon: bool = False) -> CaseRow:
    return CaseRow(
        id=number,
        reference=f"PD-2026-{number:06d}",
        organization="coverys",
        consumer_name=f"Consumer {number}",
        jurisdiction="US-CA",
        channel="email",
        received_on=DAY - dt.timedelta(days=40),
        types=["deletion"],
        status="received",
        next_due_on=DAY + dt.timedelta(days=-3 if overdue else 4 if due_soon else 30),
        overdue=overdue,
        due_soon=due_soon,
    )


def queue_model() -> CaseTableModel:
    rows = [case_row(1, overdue=True), case_row(2, due_soon=True), case_row(3)]

    def run(work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        done(work())  # synchronous: the model's own logic, without worker threads

    model = CaseTableModel(run, lambda _f: len(rows), lambda _f, _s, _d: list(rows))
    model.set_filter(CaseFilter())
    return model


def ink(image: QImage) -> QColor:
    """The most opaque pixel's colour: the line an icon is drawn with."""
    best, best_alpha = QColor(), -1
    for y in range(image.height()):
        for x in range(image.width()):
            color = image.pixelColor(x, y)
            if color.alpha() > best_alpha:
                best, best_alpha = color, color.alpha()
    return best


def check_marks(model: CaseTableModel, palette: QPalette) -> None:
    base = palette.color(QPalette.ColorRole.Base)
    for row, words, icon_name in ((0, "overdue", "overdue"), (1, "due soon", "due_soon")):
        index = model.index(row, 0)
        color = model.data(index, FG).color()
        assert contrast_ratio(color, base) >= READABLE_CONTRAST, (words, color.name(), base.name())
        # Not by colour alone: the words and an icon say it too.
        assert words in model.data(index, Qt.ItemDataRole.DisplayRole)
        decoration = model.data(index, Qt.ItemDataRole.DecorationRole)
        assert isinstance(decoration, QIcon) and not decoration.isNull()
        line = ink(decoration.pixmap(QSize(16, 16)).toImage())
        assert contrast_ratio(line, base) >= GRAPHIC_CONTRAST, (icon_name, line.name(), base.name())
    assert model.data(model.index(0, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(2, 0), FG) is None  # ordinary rows keep the palette's text colour


def test_deadline_marks_readable_in_light(light: QPalette) -> None:
    check_marks(queue_model(), light)


def test_deadline_marks_readable_in_dark(dark: QPalette) -> None:
    check_marks(queue_model(), dark)


def test_queue_picks_up_a_switch_to_dark(qtbot: Any, light: QPalette, qapp: QApplication) -> None:
    model = queue_model()
    before = model.data(model.index(0, 0), FG).color()
    with qtbot.waitSignal(model.dataChanged, timeout=2000) as changed:
        qapp.setPalette(dark_palette())
    assert FG in changed.args[2]
    after = model.data(model.index(0, 0), FG).color()
    assert after != before
    check_marks(model, qapp.palette())


@pytest.mark.parametrize("name", ["cases", "settings", "ok", "warning"])
def test_icons_visible_on_both_palettes(name: str, light: QPalette, qapp: QApplication) -> None:
    for palette in (light, dark_palette()):
        switch(qapp, palette)
        window = palette.color(QPalette.ColorRole.Window)
        line = ink(icon(name).pixmap(QSize(24, 24)).toImage())
        assert contrast_ratio(line, window) >= GRAPHIC_CONTRAST, (name, line.name(), window.name())


def test_icons_sharp_on_high_dpi(light: QPalette) -> None:
    pixmap = icon("overdue").pixmap(QSize(16, 16), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.size() == QSize(32, 32)  # drawn at device pixels, not scaled up
    copy = QIcon(icon("overdue"))
    copy.addPixmap(pixmap)  # a detached copy clones the engine
    assert not copy.pixmap(QSize(16, 16)).isNull()


def test_problem_message_follows_the_palette(qtbot: Any, light: QPalette, qapp: QApplication) -> None:
    label = QLabel("Name is required")
    qtbot.addWidget(label)
    emphasize(label)
    assert label.font().bold()

    def readable() -> float:
        palette = label.palette()
        return contrast_ratio(
            palette.color(QPalette.ColorRole.WindowText), qapp.palette().color(QPalette.ColorRole.Window)
        )

    assert readable() >= READABLE_CONTRAST
    qapp.setPalette(dark_palette())
    assert readable() >= READABLE_CONTRAST
    emphasize(label, False)
    assert not label.font().bold()
    assert label.palette().color(QPalette.ColorRole.WindowText) == qapp.palette().color(
        QPalette.ColorRole.WindowText
    )


def corner(view: QChartView) -> QColor:
    return view.grab().toImage().pixelColor(4, 4)


def test_charts_follow_the_palette(qtbot: Any, light: QPalette, qapp: QApplication) -> None:
    from privdesk.ui.pages.dashboard import DashboardPage
    from privdesk.ui.pages.reports import ReportsPage

    stub: Any = SimpleNamespace(services=None, runner=None)  # neither page is refreshed here
    dashboard, reports = DashboardPage(stub), ReportsPage(stub)
    views = [dashboard.chart_view, reports.metrics_chart_view, reports.workload_chart_view]
    for page in (dashboard, reports):
        qtbot.addWidget(page)
        page.resize(800, 600)
        page.show()
    qtbot.waitExposed(reports)
    # A series on the metrics chart: its labels sit above the bars, on the page.
    bars = QBarSet("Received")
    bars.append([3, 5])
    series = QBarSeries()
    series.append(bars)
    reports.metrics_chart.addSeries(series)
    # Dark, then back to light: each is a switch while the pages are on screen.
    for palette, theme in (
        (dark_palette(), QChart.ChartTheme.ChartThemeDark),
        (light, QChart.ChartTheme.ChartThemeLight),
    ):
        switch(qapp, palette)
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        for view in views:
            assert view.chart().theme() == theme
            assert corner(view) == window  # drawn on the window's own background
        assert bars.labelColor() == text
        axis_labels = dashboard.chart.titleBrush().color()
        assert contrast_ratio(axis_labels, window) >= READABLE_CONTRAST


def _drawn_check_box(style: Any, palette: QPalette) -> QImage:
    """An unchecked check box in a list, as ``style`` draws it, on the list's background."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    image = QImage(24, 24, QImage.Format.Format_ARGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    option = QStyleOptionViewItem()
    option.rect = QRect(4, 4, 16, 16)
    option.palette = palette
    option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Off
    painter = QPainter(image)
    style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, option, painter, None)
    painter.end()
    return image


def _best_contrast(image: QImage, background: QColor) -> float:
    return max(
        contrast_ratio(image.pixelColor(x, y), background)
        for x in range(image.width())
        for y in range(image.height())
    )


def test_check_boxes_in_lists_stay_visible_on_a_dark_fusion_palette(light: QPalette) -> None:
    from PySide6.QtWidgets import QStyleFactory

    from privdesk.ui.theme import CheckOutlineStyle

    fusion = QStyleFactory.create("Fusion")
    outlined = CheckOutlineStyle(QStyleFactory.create("Fusion"))
    night = dark_palette()
    base = night.color(QPalette.ColorRole.Base)
    assert _best_contrast(_drawn_check_box(fusion, night), base) < GRAPHIC_CONTRAST  # what Fusion alone does
    assert _best_contrast(_drawn_check_box(outlined, night), base) >= GRAPHIC_CONTRAST
    # In light, Fusion's pale grey box read as "disabled" in the identity check's table: outlined too.
    day_base = light.color(QPalette.ColorRole.Base)
    assert _best_contrast(_drawn_check_box(outlined, light), day_base) >= GRAPHIC_CONTRAST


def _hue_family(color: QColor) -> str:
    hue = color.hslHue()
    if 80 <= hue <= 160:
        return "green"
    if 180 <= hue <= 230:
        return "blue"
    if 20 <= hue <= 50:
        return "amber"
    if 240 <= hue <= 290:
        return "violet"
    return f"other {hue}"


def test_chart_colours_keep_their_meaning_in_both_palettes(light: QPalette) -> None:
    """The chart themes colour bars by their order, and the dark theme's order differs: "closed" turned
    from green into another colour. Each meaning keeps its colour family, visible on either background."""
    from privdesk.ui.theme import GRAPHIC_CONTRAST as GRAPHICS
    from privdesk.ui.theme import Meaning, meaning_color

    families = {
        Meaning.RECEIVED: "blue",
        Meaning.DONE: "green",
        Meaning.LATE: "amber",
        Meaning.DENIED: "violet",
    }
    assert set(families) == set(Meaning)
    for palette in (light, dark_palette()):
        window = palette.color(QPalette.ColorRole.Window)
        for meaning, family in families.items():
            color = meaning_color(meaning, palette)
            assert _hue_family(color) == family, (meaning, color.name())
            assert contrast_ratio(color, window) >= GRAPHICS, (meaning, color.name())


def test_bars_keep_their_colour_through_a_switch_to_dark_and_back(
    qtbot: Any, light: QPalette, qapp: QApplication
) -> None:
    from privdesk.ui.pages.dashboard import DashboardPage
    from privdesk.ui.theme import Meaning, paint_bars

    stub: Any = SimpleNamespace(services=None, runner=None)
    dashboard = DashboardPage(stub)
    qtbot.addWidget(dashboard)
    dashboard.show()
    received, closed = QBarSet("Received"), QBarSet("Closed")
    paint_bars(received, Meaning.RECEIVED)
    paint_bars(closed, Meaning.DONE)
    series = QBarSeries()
    series.append(received)
    series.append(closed)
    dashboard.chart.addSeries(series)
    for palette in (dark_palette(), light):
        switch(qapp, palette)  # the chart theme is set again, which recolours series by their order
        assert _hue_family(received.color()) == "blue"
        assert _hue_family(closed.color()) == "green"


def test_the_close_tab_cross_is_a_plain_line_not_a_red_box(qtbot: Any, light: QPalette, window: Any) -> None:
    """Some styles draw a tab's close button as a red box, which reads as an error: a case tab's × is
    the plain line icon in the text's grey, visible on the window's background."""
    from PySide6.QtWidgets import QTabBar, QToolButton

    reference = window.services.cases.list(CaseFilter(open_only=True, limit=1))[0].reference
    window.open_case(reference)
    tabs = window.cases_page.tabs
    index = tabs.currentIndex()
    button = tabs.tabBar().tabButton(index, QTabBar.ButtonPosition.RightSide)
    assert isinstance(button, QToolButton) and button.objectName() == "close_case_tab"
    image = button.icon().pixmap(QSize(20, 20)).toImage()
    inked = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 128
    ]
    assert inked, "the cross is drawn"
    assert all(color.hslSaturation() < 80 for color in inked)  # grey, not red
    background = light.color(QPalette.ColorRole.Window)
    assert max(contrast_ratio(color, background) for color in inked) >= GRAPHIC_CONTRAST
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=10_000)
