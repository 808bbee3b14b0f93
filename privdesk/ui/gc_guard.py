"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself the collector runs in whichever thread happens to allocate, often a worker; if the garbage
holds the wrapper of a Qt object, that object is then destroyed off the GUI thread, which crashes Qt.
So automatic collection is switched off and a timer on the GUI thread collects instead, generation by
generation, with the same thresholds Python would have used.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    INTERVAL_MS = 500

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("gui_thread_collector")
        self.thresholds = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(self.INTERVAL_MS)

    def collect(self) -> None:
        first, second, third = gc.get_count()
        if first > self.thresholds[0]:
            gc.collect(0)
            if second > self.thresholds[1]:
                gc.collect(1)
                if third > self.thresholds[2]:
                    gc.collect(2)

    def remove(self) -> None:
        """Give collection back to Python (tests that end their Qt part)."""
        self.timer.stop()
        self.setObjectName("")  # a later install() makes a new one
        if self.was_enabled:
            gc.enable()
        gc.collect()


def install(parent: QObject) -> GuiThreadCollector:
    """Collect on the GUI thread for as long as ``parent`` (the application) lives; once per process."""
    existing = parent.findChild(GuiThreadCollector, "gui_thread_collector")
    return existing if isinstance(existing, GuiThreadCollector) else GuiThreadCollector(parent)
