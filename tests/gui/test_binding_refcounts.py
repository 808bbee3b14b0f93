"""The Qt binding must not lose references to True and False.

PySide6 6.12.0's ``SignalInstance.emit()`` returns ``True`` without taking a new
reference, so every emit from Python drops one reference to ``True``. On Python
3.11, where ``True`` is not immortal, a desktop session aborts with "Fatal Python
error: bool_dealloc" after some minutes of work (about eight minutes of continuous
intake, backups and checks). The dependency range excludes that release; this test
keeps it excluded: it fails, rather than crashes, on a binding with the fault.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

EMITS = 300  # far below True's reference count, so a faulty binding fails the assertion instead of aborting


class _Emitter(QObject):
    flag = Signal(bool)
    text = Signal(str)
    bare = Signal()


def _drift(action: Any) -> tuple[int, int]:
    true_before, false_before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(EMITS):
        action()
    return sys.getrefcount(True) - true_before, sys.getrefcount(False) - false_before


def test_emitting_signals_keeps_true_and_false_alive(qapp: Any) -> None:
    emitter = _Emitter()
    received: list[int] = []  # counts only: keeping the values would hold references to True
    emitter.flag.connect(lambda _value: received.append(1))
    emitter.text.connect(lambda _value: received.append(1))
    emitter.bare.connect(lambda: received.append(1))

    for name, action in (
        ("Signal(bool).emit(True)", lambda: emitter.flag.emit(True)),
        ("Signal(bool).emit(False)", lambda: emitter.flag.emit(False)),
        ("Signal(str).emit", lambda: emitter.text.emit("x")),
        ("Signal().emit", emitter.bare.emit),
    ):
        received.clear()
        true_drift, false_drift = _drift(action)
        assert len(received) == EMITS, name
        # A few references may come and go with caches; a fault loses one per emit.
        assert abs(true_drift) < EMITS // 10, f"{name}: True lost {-true_drift} references"
        assert abs(false_drift) < EMITS // 10, f"{name}: False lost {-false_drift} references"


def test_timers_and_queued_slots_keep_true_and_false_alive(qapp: Any, qtbot: Any) -> None:
    fired: list[int] = []
    true_before = sys.getrefcount(True)
    for _ in range(EMITS):
        QTimer.singleShot(0, lambda: fired.append(1))
    qtbot.waitUntil(lambda: len(fired) == EMITS, timeout=5000)
    assert abs(sys.getrefcount(True) - true_before) < EMITS // 10
