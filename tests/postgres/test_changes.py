"""Another workstation's change is noticed without a restart."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import text

from privdesk.services.changes import ChangeWatcher, notify_change
from privdesk.services.hub import Services
from tests.conftest import TODAY
from tests.postgres.conftest import load_organizations
from tests.postgres.test_concurrency import _new_case


def _quiet(watcher: ChangeWatcher) -> bool:
    """Polling settles: no further change is reported once the last one was seen."""
    return watcher.poll() is False or watcher.poll() is False


def _seen(watcher: ChangeWatcher) -> bool:
    """A notification travels after the commit: give it a moment, as the GUI's next timer tick would."""
    for _ in range(20):
        if watcher.poll():
            return True
        time.sleep(0.02)
    return False


def test_a_second_clients_change_is_seen(shared_target: str, open_client: Callable[..., Services]) -> None:
    gui = open_client(shared_target, actor="alice")
    load_organizations(gui)
    other = open_client(shared_target, actor="bob")
    with ChangeWatcher(gui.db) as watcher:
        assert watcher.poll() is False
        case = other.cases.create(_new_case("w", 0))
        assert watcher.poll() is True
        assert _quiet(watcher)
        gui.cases.show(case.reference)  # reading changes nothing
        assert watcher.poll() is False
        other.workflow.acknowledge(case.reference, TODAY, "email")
        assert watcher.poll() is True
        assert _quiet(watcher)


def test_a_failed_write_is_not_a_change(shared_target: str, open_client: Callable[..., Services]) -> None:
    svc = open_client(shared_target)
    load_organizations(svc)
    other = open_client(shared_target)
    with ChangeWatcher(svc.db) as watcher:
        with pytest.raises(ZeroDivisionError), other.db.write() as s:
            notify_change(s)
            s.execute(text("DELETE FROM notes"))
            raise ZeroDivisionError
        assert watcher.poll() is False


@pytest.mark.postgres
def test_notify_without_audit_is_seen_on_postgresql(
    pg_url: str, open_client: Callable[..., Services]
) -> None:
    """A write that leaves no audit event (a settings change) still reaches listeners by NOTIFY."""
    svc = open_client(pg_url)
    other = open_client(pg_url)
    with ChangeWatcher(svc.db) as watcher:
        assert watcher.poll() is False
        with other.db.write() as s:
            s.execute(text("INSERT INTO settings (key, value) VALUES ('ui', '{}')"))
        assert _seen(watcher)  # sent by the session hook installed with the watcher
        assert _quiet(watcher)
        with other.db.write() as s:
            notify_change(s, "explicit")
        assert _seen(watcher)
        assert _quiet(watcher)
