"""Retention and purge: no trace of the person left in the database file, the §7101 record and the
metrics unchanged, legal holds and open cases never purged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import event, select

from privdesk.cli import run
from privdesk.domain.errors import ValidationError
from privdesk.services.hub import Services
from privdesk.services.reports import ReportService
from privdesk.store.base import Base
from privdesk.store.models import Case
from tests.conftest import cli_database
from tests.reports.cases import closed_delete_case, load_orgs, new_case

PURGE_DAY = dt.date(2029, 1, 1)  # cases closed on 2026-11-20 (the tests' today) are past 24 months
NAME, EMAIL = "Zebulon Quaxworth", "zq.unique@example.net"


@pytest.fixture
def svc(services: Services) -> Services:
    load_orgs(services)
    return services


def _log_without_purge_flag(reports: ReportService) -> list[object]:
    log = reports.request_log(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    return [dataclasses.replace(r, purged=False) for r in log.rows]


def _raw_database(services: Services) -> bytes:
    path = Path(str(services.db.url.database))
    services.close()
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def _without_default_secure_delete(services: Services) -> None:
    """Many SQLite builds zero deleted content by default; switch that off so the purge must do it."""

    def off(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA secure_delete=OFF")

    event.listen(services.db.engine, "connect", off)
    services.db.engine.dispose()


def _live_rows(services: Services) -> bytes:
    """Every value of every row the database still serves (PostgreSQL's files are the server's own)."""
    chunks: list[bytes] = []
    with services.db.read() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)):
                chunks += [v if isinstance(v, bytes) else str(v).encode() for v in row]
    services.close()
    return b"\n".join(chunks)


def test_purge_leaves_no_trace_and_keeps_the_record(svc: Services, tmp_path: Path) -> None:
    if svc.db.is_sqlite:
        _without_default_secure_delete(svc)
    purged = closed_delete_case(svc, NAME, EMAIL, deny=True)
    held = closed_delete_case(svc, "Hermione Heldworth", "hh.keep@example.net")
    open_case = new_case(svc, "Olive Openshaw", "oo.open@example.net")
    reports = ReportService(svc.ctx)
    reports.retention.set_legal_hold(held.reference, True, "litigation hold, matter 2027-14")
    log_before = _log_without_purge_flag(reports)
    metrics_before = reports.metrics(2026)

    assert [c.reference for c in reports.retention.preview(PURGE_DAY)] == [purged.reference]
    assert [c.reference for c in reports.retention.held(PURGE_DAY)] == [held.reference]
    assert reports.retention.preview(dt.date(2028, 10, 2)) == []  # last day of the 24 months

    result = reports.retention.purge(PURGE_DAY, confirm=True)
    assert [c.reference for c in result.record.cases] == [purged.reference]
    assert result.record.skipped_on_hold == (held.reference,)
    assert result.record.totals["documents"] == 3 and result.record.totals["consumers"] == 1
    assert result.vacuumed is svc.db.is_sqlite  # the SQLite file is rewritten; a server vacuums itself

    assert _log_without_purge_flag(reports) == log_before
    assert reports.metrics(2026) == metrics_before
    log_row = next(
        r
        for r in reports.request_log(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).rows
        if r.reference == purged.reference
    )
    assert log_row.purged and log_row.denial_reasons == ("exemption_glba",)
    assert log_row.responded_on == dt.date(2026, 10, 1) and log_row.channel == "email"

    shown = svc.cases.show(purged.reference)
    assert shown.consumer_name == "[purged]" and shown.consumer_email is None
    assert svc.cases.show(held.reference).consumer_name == "Hermione Heldworth"
    assert svc.cases.show(open_case.reference).consumer_name == "Olive Openshaw"
    assert svc.audit.verify().ok
    actions = [e.action for e in svc.audit.entries(purged.reference)]
    assert "case.purged" in actions

    record_text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert purged.reference in record_text and held.reference in record_text
    assert "Zebulon" not in record_text and "Hermione" not in record_text

    again = reports.retention.purge(PURGE_DAY, confirm=True)
    assert again.record.cases == ()

    # On SQLite the file itself is searched, freed pages and the write-ahead log included.
    raw = _raw_database(svc) if svc.db.is_sqlite else _live_rows(svc)
    traces = (NAME, "Zebulon", "Quaxworth", NAME.lower(), EMAIL, "Driver licence of Zebulon")
    assert [t for t in traces if t.encode() in raw] == []
    # The search finds what is still there, so its silence above means something.
    assert b"Hermione Heldworth" in raw and b"hh.keep@example.net" in raw and b"Olive Openshaw" in raw


def test_consumer_with_another_live_case_keeps_details(svc: Services) -> None:
    first = closed_delete_case(svc, NAME, EMAIL)
    from privdesk.services.cases import NewCase

    svc.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="US-CA",
            types=["know_categories"],
            channel="mail",
            received=dt.date(2026, 11, 1),
            name=NAME,
            consumer_id=first.consumer_id,
        )
    )
    result = ReportService(svc.ctx).retention.purge(PURGE_DAY, confirm=True)
    assert [c.reference for c in result.record.cases] == [first.reference]
    assert result.record.cases[0].consumer_purged is False and result.record.consumers_purged == 0
    assert svc.cases.show(first.reference).consumer_name == NAME
    assert svc.cases.show(first.reference).subject == "[purged]"


def test_open_cases_are_never_purged(svc: Services) -> None:
    case = new_case(svc, NAME, EMAIL, received=dt.date(2024, 1, 8))
    with svc.db.write() as s:  # a stray closure date on a case still open
        s.scalars(select(Case).where(Case.reference == case.reference)).one().closed_on = dt.date(2024, 2, 1)
    retention = ReportService(svc.ctx).retention
    assert retention.preview(PURGE_DAY) == []
    assert retention.purge(PURGE_DAY, confirm=True).record.cases == ()
    assert svc.cases.show(case.reference).consumer_name == NAME


def test_legal_hold_lifted_then_purged(svc: Services) -> None:
    case = closed_delete_case(svc, NAME, EMAIL)
    retention = ReportService(svc.ctx).retention
    with pytest.raises(ValidationError):
        retention.set_legal_hold(case.reference, True, "  ")
    assert retention.set_legal_hold(case.reference, True, "subpoena").legal_hold
    assert retention.purge(PURGE_DAY, confirm=True).record.cases == ()
    assert svc.cases.show(case.reference).consumer_name == NAME
    assert not retention.set_legal_hold(case.reference, False, "matter settled").legal_hold
    assert [c.reference for c in retention.purge(PURGE_DAY, confirm=True).record.cases] == [case.reference]
    actions = [e.action for e in svc.audit.entries(case.reference)]
    assert actions.count("case.legal_hold_set") == 1 and "case.legal_hold_lifted" in actions


def test_purge_needs_confirmation(svc: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = closed_delete_case(svc, NAME, EMAIL)
    with pytest.raises(ValidationError):
        ReportService(svc.ctx).retention.purge(PURGE_DAY)
    db = cli_database(svc)
    svc.close()
    assert run(["--db", db, "retention", "purge", "--today", "2029-01-01"]) == 1
    assert "--yes" in capsys.readouterr().err
    record = tmp_path / "purge.pdf"
    assert (
        run(["--db", db, "retention", "purge", "--yes", "--today", "2029-01-01", "--record", str(record)])
        == 0
    )
    assert case.reference in " ".join((p.extract_text() or "") for p in PdfReader(record).pages)
    assert (
        run(["--db", db, "case", "hold", case.reference, "--on", "--reason", "audit"]) == 1
    )  # already purged
