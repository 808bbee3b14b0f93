"""The §7101 request log (CSV, JSON, PDF) and the case file export ZIP."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from privdesk.cli import run
from privdesk.domain.errors import ValidationError
from privdesk.domain.reports import LOG_COLUMNS
from privdesk.services.hub import Services
from privdesk.services.reports import ReportService
from tests.conftest import cli_database
from tests.reports.cases import closed_delete_case, load_orgs, new_case


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def svc(services: Services) -> Services:
    load_orgs(services)
    return services


def test_request_log_rows_and_columns(svc: Services, tmp_path: Path) -> None:
    denied = closed_delete_case(svc, "Odile Marchetti", "odile@example.org", deny=True)
    open_case = new_case(
        svc,
        "Ravi Anand",
        "ravi@example.org",
        types=("know_categories", "opt_out_sale_share"),
        received=dt.date(2026, 10, 15),
        org="coverys",
        channel="mail",
    )
    svc.workflow.respond(open_case.reference, "opt_out_sale_share", dt.date(2026, 10, 20), "fulfilled")
    new_case(svc, "Outside Range", "out@example.org", received=dt.date(2026, 6, 1))
    reports = ReportService(svc.ctx)
    log = reports.request_log(dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    out = tmp_path / "log.csv"
    assert (
        run(
            [
                "--db",
                cli_database(svc),
                "report",
                "log",
                "--from",
                "2026-08-01",
                "--to",
                "2026-10-31",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert tuple(rows[0]) == LOG_COLUMNS
    assert rows[0][3:11] == [
        "date_of_request",
        "nature_of_request",
        "request_type",
        "manner",
        "date_of_response",
        "nature_of_response",
        "outcome",
        "basis_for_denial",
    ]
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(body) == len(log.rows) == 3
    first = body[0]
    assert first["reference"] == denied.reference
    assert (first["date_of_request"], first["nature_of_request"], first["manner"]) == (
        "2026-09-01",
        "Deletion",
        "email",
    )
    assert (first["date_of_response"], first["nature_of_response"]) == ("2026-10-01", "denied")
    assert first["basis_for_denial"] == "exempt: financial information under GLBA/CalFIPA"
    by_type = {r["request_type"]: r for r in body[1:]}
    assert by_type["opt_out_sale_share"]["nature_of_response"] == "complied with in whole"
    assert by_type["opt_out_sale_share"]["manner"] == "mail"
    assert by_type["know_categories"]["date_of_response"] == ""
    assert by_type["know_categories"]["nature_of_response"] == "no response yet"
    assert not list(tmp_path.glob(".log.csv.*"))  # the temporary file was renamed away

    only_coverys = reports.request_log(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "coverys")
    assert {r.organization for r in only_coverys.rows} == {"coverys"} and len(only_coverys.rows) == 2

    data = json.loads(reports.render_log(log, "json"))
    assert [r["reference"] for r in data["rows"]] == [r["reference"] for r in body]
    assert data["rows"][0]["denial_codes"] == ["exemption_glba"]

    text = pdf_text(reports.render_log(log, "pdf"))
    assert "Record of consumer privacy requests" in text
    assert denied.reference in text and "2026-09-01" in text and "GLBA/CalFIPA" in text
    assert "Odile" not in text  # the log names requests, not people


def test_log_refuses_a_backwards_period(svc: Services) -> None:
    with pytest.raises(ValidationError):
        ReportService(svc.ctx).request_log(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_case_export_zip_with_manifest(svc: Services, tmp_path: Path) -> None:
    case = closed_delete_case(svc, "Odile Marchetti", "odile@example.org")
    out = tmp_path / "case.zip"
    summary = ReportService(svc.ctx).export_case(case.reference, out)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        prefix = case.reference + "/"
        manifest = json.loads(zf.read(prefix + "manifest.json"))
        listed = {f["path"]: f for f in manifest["files"]}
        assert set(names) == {prefix + p for p in listed} | {prefix + "manifest.json"}
        for path, entry in listed.items():
            data = zf.read(prefix + path)
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        assert zf.read(
            prefix + "documents/" + next(p.split("/", 1)[1] for p in listed if p.endswith("request.eml"))
        ).startswith(b"From: Odile")
        assert any(p.startswith("letters/") and p.endswith(".pdf") for p in listed)
        audit = json.loads(zf.read(prefix + "audit.json"))
        actions = [e["action"] for e in audit]
        assert actions[0] == "case.created" and "case.closed" in actions
        timeline = pdf_text(zf.read(prefix + "timeline.pdf"))
    assert f"Case file {case.reference}" in timeline
    assert "Odile Marchetti" in timeline and "delete" in timeline and "2026-10-01" in timeline
    assert "Called Odile Marchetti" in timeline  # the note, in order with the events
    assert summary.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert len(summary.files) == len(listed)


def test_export_of_unknown_case_writes_nothing(svc: Services, tmp_path: Path) -> None:
    from privdesk.domain.errors import NotFound

    with pytest.raises(NotFound):
        ReportService(svc.ctx).export_case("PD-2026-999999", tmp_path / "x.zip")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("x.zip", ".x.zip"))]


def test_workload_report(svc: Services) -> None:
    closed_delete_case(svc, "Odile Marchetti", "odile@example.org")
    late = new_case(
        svc, "Ravi Anand", "ravi@example.org", types=("opt_out_sale_share",), received=dt.date(2026, 9, 1)
    )
    report = ReportService(svc.ctx).workload()
    assert report.responded == 1 and report.on_time == 1 and report.on_time_rate == 1.0
    assert [(o.officer, o.cases, o.open_cases) for o in report.per_officer] == [("tester", 2, 1)]
    assert [(t.request_type, t.mean_days) for t in report.per_type] == [("delete", 30.0)]
    assert [(o.reference, o.request_type) for o in report.overdue] == [(late.reference, "opt_out_sale_share")]
    assert report.overdue[0].days_overdue == (dt.date(2026, 11, 20) - report.overdue[0].due).days > 0
