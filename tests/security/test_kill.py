"""Crash safety: SIGKILL a process creating cases at random moments, then prove nothing is half done."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privdesk.services.hub import Services
from privdesk.store import crypto
from privdesk.store.models import Case, RequestItem
from tests.conftest import fixed_now, sqlite_only
from tests.security.kill_worker import create_cases_forever
from tests.security.support import fill, new_case

ROUNDS = 6

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
    sqlite_only("kills a process writing an SQLite file and checks the file's journal recovery"),
]


def run_and_kill(db: Path, tag: str, rng: random.Random) -> None:
    """Fork a worker (its own process, its own connections), let it write, then SIGKILL it."""
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    proc = context.Process(target=create_cases_forever, args=(str(db), tag, ready.set), daemon=True)
    proc.start()
    try:
        assert ready.wait(timeout=15), "the worker did not start"
        time.sleep(rng.uniform(0.0, 0.4))
    finally:
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=10)
    assert proc.exitcode == -signal.SIGKILL


def test_killed_batches_leave_a_consistent_database(tmp_path: Path) -> None:
    db = tmp_path / "batch.db"
    svc = Services.open(str(db), actor="tester", now=fixed_now)
    fill(svc, cases=1)
    svc.close()
    rng = random.Random(int(os.environ.get("PRIVDESK_KILL_SEED", "20261120")))
    started = time.monotonic()
    for round_no in range(ROUNDS):
        run_and_kill(db, str(round_no), rng)
    assert time.monotonic() - started < 20

    assert crypto.integrity_problems(db, None) == []
    svc = Services.open(str(db), actor="tester", now=fixed_now)
    try:
        with svc.db.read() as s:
            cases = s.scalar(select(func.count()).select_from(Case)) or 0
            empty = s.scalar(select(func.count()).select_from(Case).where(~Case.items.any()))
            item_counts = s.execute(
                select(RequestItem.case_id, func.count()).group_by(RequestItem.case_id)
            ).all()
            references = s.scalars(select(Case.reference)).all()
        assert cases > 1, "the worker never created a case: the test proves nothing"
        assert empty == 0
        assert {n for _, n in item_counts} == {2}  # every case has both of its items
        assert len(references) == len(set(references))
        report = svc.audit.verify()
        assert report.ok, report.reason
        resumed = svc.cases.create(new_case("After The Crash", "after@example.org"))
        assert resumed.reference not in references
    finally:
        svc.close()
