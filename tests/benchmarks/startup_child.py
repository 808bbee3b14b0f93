"""Child process of the GUI benchmark; nothing here imports pytest, so the child starts as privdesk does.

    python startup_child.py bare        a bare PySide6 window (the baseline)
    python startup_child.py app DB      privdesk itself, as ``python -m privdesk --db DB``

Each prints ``SHOWN <rss MB>`` when its window is on screen and ``READY <rss MB>`` when it can be used;
privdesk also prints ``QUEUE <rss MB>`` once the Cases page shows its first rows, then quits.
"""

from __future__ import annotations

import importlib.machinery
import sys
from pathlib import Path
from types import ModuleType
from typing import Any


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def say(word: str) -> None:
    print(f"{word} {rss_mb():.1f}", flush=True)


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("bare"))
    window.show()
    app.processEvents()
    say("SHOWN")
    say("READY")


def watch_startup(module: ModuleType) -> None:
    """Follow privdesk's own start-up: ready when the dashboard shows its figures, then open the queue."""
    flow_class = module.StartupFlow
    original_init = flow_class.__init__

    def init(flow: Any, window: Any, *args: Any, **kwargs: Any) -> None:
        original_init(flow, window, *args, **kwargs)
        say("SHOWN")

        def queue_ready(_count: int) -> None:
            say("QUEUE")
            flow.quit(0)

        def first_screen() -> None:
            dashboard.summary_shown.disconnect(first_screen)
            say("READY")
            window.go("cases")
            window.cases_page.queue.model.count_changed.connect(queue_ready)

        def ready() -> None:
            nonlocal dashboard
            dashboard = window.pages["dashboard"]
            dashboard.summary_shown.connect(first_screen)

        dashboard: Any = None
        flow.ready.connect(ready)

    flow_class.__init__ = init


class AfterImport:
    """Calls ``then(module)`` right after ``name`` is imported, without importing anything earlier."""

    def __init__(self, name: str, then: Any) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        assert spec is not None and spec.loader is not None
        loader, then = spec.loader, self.then
        original_exec = loader.exec_module  # type: ignore[attr-defined]

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            then(module)

        loader.exec_module = exec_module  # type: ignore[attr-defined]
        return spec


def app(db: str) -> int:
    sys.meta_path.insert(0, AfterImport("privdesk.ui.application", watch_startup))
    from privdesk.app import main

    return main(["--db", db])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    if sys.argv[1] == "bare":
        bare()
    else:
        sys.exit(app(sys.argv[2]))
