"""Work that ends after its window closed: the answer, success or failure, has nobody to go to. It must
not raise in the event loop (a dialog of "Signal source has been deleted"); a failure is still logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject, Signal

from privdesk.ui.tasks import TaskRunner


class _Page(QObject):
    status_changed = Signal(str)


def _fail() -> None:
    raise OSError("the mail server went away")


@pytest.mark.parametrize("outcome", ["failure", "success"])
def test_an_answer_for_a_closed_page_is_dropped_quietly(
    qtbot: Any, caplog: pytest.LogCaptureFixture, outcome: str
) -> None:
    runner = TaskRunner()
    page = _Page()
    shiboken6.delete(page)  # the page closed while the work ran; its Python wrapper lives on
    caplog.set_level(logging.INFO)

    def tell(_: object) -> None:
        page.status_changed.emit("⚠ Mail could not be fetched")  # what the inbox's callback does

    if outcome == "failure":
        runner.run(_fail, None, tell)
    else:
        runner.run(lambda: 1, tell)
    qtbot.waitUntil(lambda: runner.running == 0, timeout=5000)  # pytest-qt fails on an exception in the loop
    if outcome == "failure":
        assert any("after its window closed" in r.getMessage() for r in caplog.records)
