"""Background work: every service call runs on a worker thread; results come back on the GUI thread.

Reads run on a small pool; writes go through a one-thread pool so that edits from this window are
applied in the order the officer made them (the database has a single writer anyway).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from privdesk.logsafe import log_exception

log = logging.getLogger(__name__)


def _owner_gone(exc: RuntimeError) -> bool:
    """Whether ``exc`` is Qt's way of saying the object a callback reaches was deleted meanwhile."""
    text = str(exc)
    return "already deleted" in text or "has been deleted" in text


class CancelToken:
    """Passed to long work that wants to stop early; the work checks it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class TaskRelay(QObject):
    """Lives on the GUI thread; signals emitted by the worker are queued to its slots."""

    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)  # done, total
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.on_success: Callable[[Any], None] | None = None
        self.on_error: Callable[[BaseException], None] | None = None
        self.on_progress: Callable[[int, int], None] | None = None
        self.on_finished: Callable[[], None] | None = None
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)
        self.progress.connect(self._progress)
        self.finished.connect(self._finished)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        if self.on_success is not None:
            try:
                self.on_success(result)
            except RuntimeError as exc:
                if not _owner_gone(exc):
                    raise
                # the page that asked was closed meanwhile: the answer has nobody to go to

    @Slot(object)
    def _failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        if self.on_error is not None:
            try:
                self.on_error(exc)
            except RuntimeError as gone:
                if not _owner_gone(gone):
                    raise
                # nobody left to tell (the window closed while the work ran): the log keeps the failure
                log_exception(log, "background task failed after its window closed", exc)
        else:
            log_exception(log, "background task failed", exc)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(done, total)

    @Slot()
    def _finished(self) -> None:
        if self.on_finished is not None:
            self.on_finished()
        self.on_success = self.on_error = self.on_progress = self.on_finished = None
        self.deleteLater()


def _deliver(signal: Any, *args: Any) -> None:
    """Emit from the worker; if the window that asked was destroyed meanwhile, there is no one to tell."""
    try:
        signal.emit(*args)
    except RuntimeError:  # "Signal source has been deleted"
        log.debug("a task finished after its window closed")


class Task(QRunnable):
    def __init__(self, work: Callable[..., Any], relay: TaskRelay, *, with_progress: bool = False) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner drops it once the result is delivered
        self.work = work
        self.relay = relay
        self.with_progress = with_progress
        self.token = CancelToken()

    def run(self) -> None:  # worker thread: no widget may be touched here
        relay = self.relay
        try:
            result = self.work(self.token, relay.progress.emit) if self.with_progress else self.work()
        except BaseException as exc:
            _deliver(relay.failed, exc)
        else:
            _deliver(relay.succeeded, result)
        finally:
            _deliver(relay.finished)

    def cancel(self) -> None:
        self.token.cancel()


class TaskRunner(QObject):
    """Starts tasks and counts those running (tests and the status bar wait for ``idle``)."""

    busy_changed = Signal(bool)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(3)
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self.running = 0
        # Python owns the relays and tasks: keep them alive until the work reported back.
        self._alive: set[Task] = set()
        self.default_error: Callable[[BaseException], None] | None = None

    def run(
        self,
        work: Callable[..., Any],
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> Task:
        """Run ``work`` off the GUI thread; the callbacks run on the GUI thread.

        With ``progress``, ``work`` is called as ``work(token, report)``: it reports ``(done, total)``
        and stops early once ``token.cancelled`` is true.
        """
        relay = TaskRelay()
        relay.on_success = on_success
        relay.on_error = on_error or self.default_error
        relay.on_progress = progress
        task = Task(work, relay, with_progress=progress is not None)
        relay.on_finished = lambda: self._done(task)
        self._alive.add(task)
        self.running += 1
        if self.running == 1:
            self.busy_changed.emit(True)
        (self.write_pool if write else self.read_pool).start(task)
        return task

    def _done(self, task: Task) -> None:
        self._alive.discard(task)
        self.running -= 1
        if self.running == 0:
            try:
                self.busy_changed.emit(False)
                self.idle.emit()
            except RuntimeError:  # the runner's window was destroyed while the work ran
                log.debug("a task finished after its runner was destroyed")

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every task ended (shutdown and tests only)."""
        return self.read_pool.waitForDone(msecs) and self.write_pool.waitForDone(msecs)
