"""Cyclic garbage is collected by the GUI thread's timer, never by whichever worker allocates."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from privdesk.ui import gc_guard


class Node:
    me: Any = None


def test_cycles_are_collected_by_the_gui_thread_timer(qtbot: Any, qapp: Any) -> None:
    collector = gc_guard.install(qapp)
    assert gc_guard.install(qapp) is collector  # one per application
    assert not gc.isenabled()
    node = Node()
    node.me = node
    ref = weakref.ref(node)
    del node
    allocations = [[] for _ in range(gc.get_threshold()[0] * 2)]  # past the first generation's threshold
    assert ref() is not None  # nothing collected it on the spot
    qtbot.waitUntil(lambda: ref() is None, timeout=5_000)
    del allocations
