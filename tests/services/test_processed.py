"""An opt-out processed (Cal. Code Regs. tit. 11 §§7025-7026): the day is recorded and audited, it meets
the 15-business-day deadline, and the confirmation letter says it was honored and when."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from privdesk.cli import run
from privdesk.domain.errors import TransitionRefused
from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from tests.conftest import database_target
from tests.letters.pdftext import flat_text


@pytest.fixture
def org_services(services: Services) -> Services:
    services.organizations.import_profile_file(resource("demo", "mstis.toml"))
    return services


def _opt_out(services: Services, types: tuple[str, ...] = ("opt_out_sale_share",)) -> str:
    case = services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=list(types),
            channel="email",
            received=dt.date(2026, 11, 2),
            name="Dana Whitcomb",
            email="dana.whitcomb@example.org",
            address="2217 Elm St, Torrance, CA 90503",
        )
    )
    return case.reference


def test_processed_meets_the_deadline_and_the_confirmation_says_when(org_services: Services) -> None:
    ref = _opt_out(org_services)
    item = org_services.cases.show(ref).items[0]
    # Received Mon 2026-11-02: 15 business days, Veterans Day (Wed 11-11) skipped.
    assert item.respond_by == dt.date(2026, 11, 24)

    case = org_services.workflow.record_processed(ref, "opt_out_sale_share", dt.date(2026, 11, 16))
    item = case.items[0]
    assert item.processed_on == dt.date(2026, 11, 16)
    assert item.status == "in_progress" and item.outcome is None
    assert case.next_action is not None
    assert case.next_action.code == "confirm" and case.next_action.due is None
    tasks = {t.kind: t for t in org_services.casefile.load(ref).tasks}
    assert tasks["respond"].done_on == dt.date(2026, 11, 16)
    assert tasks["confirm"].done_on is None
    entry = [e for e in org_services.audit.entries(ref) if e.action == "case.processed"][-1]
    assert entry.after is not None
    assert entry.after["on"] == "2026-11-16" and entry.after["in_time"] is True
    assert "7026" in str(entry.after["basis"])
    timeline = [t.text for t in org_services.casefile.load(ref).timeline]
    said = [t for t in timeline if t.startswith("Processed — on: 2026-11-16")]
    assert said and "due 2026-11-24, in time" in said[0]

    with pytest.raises(TransitionRefused, match="already recorded as processed on 2026-11-16"):
        org_services.workflow.record_processed(ref, "opt_out_sale_share", dt.date(2026, 11, 17))
    with pytest.raises(TransitionRefused, match="processed on 2026-11-16: it can only be confirmed"):
        org_services.workflow.deny(ref, "opt_out_sale_share", dt.date(2026, 11, 18), ["fraud"], "odd")

    done = org_services.workflow.respond(ref, "opt_out_sale_share", dt.date(2026, 11, 20), "fulfilled")
    assert (done.items[0].processed_on, done.items[0].responded_on) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 20),
    )
    assert {t.kind: t.done_on for t in org_services.casefile.load(ref).tasks}["confirm"] == dt.date(
        2026, 11, 20
    )
    [letter] = [x for x in org_services.letters.outbox(status="queued") if x.case_reference == ref]
    assert letter.kind == "opt_out_confirmed"
    org_services.letters.generate(letter.id)
    text = " ".join(flat_text(org_services.letters.stored_pdf(letter.id)).split())
    assert "Opt-Out Request Honored" in text
    assert "We processed your opt-out on November 16, 2026." in text
    assert "We received your request on November 2, 2026" in text


def test_processed_in_time_is_not_overdue_while_the_confirmation_is_owed(org_services: Services) -> None:
    """Received 2026-10-01, due 2026-10-23 (15 business days, Columbus Day skipped): processed 2026-10-20,
    not yet confirmed on 2026-11-20: the workload report neither lists it overdue nor counts it late."""
    ref = org_services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["opt_out_sale_share"],
            channel="web",
            received=dt.date(2026, 10, 1),
            name="Otto Intime",
        )
    ).reference
    assert org_services.cases.show(ref).items[0].respond_by == dt.date(2026, 10, 23)
    org_services.workflow.record_processed(ref, "opt_out_sale_share", dt.date(2026, 10, 20))
    assert ref not in {o.reference for o in org_services.reports.workload().overdue}
    org_services.workflow.respond(ref, "opt_out_sale_share", dt.date(2026, 11, 20), "fulfilled")
    report = org_services.reports.workload()
    assert (report.responded, report.on_time) == (1, 1)
    assert org_services.reports.on_time_by_type()["opt_out_sale_share"] == (1, 1)


def test_processing_late_is_recorded_as_late(org_services: Services) -> None:
    ref = _opt_out(org_services)
    org_services.workflow.record_processed(ref, "opt_out_sale_share", dt.date(2026, 11, 20))
    entry = [e for e in org_services.audit.entries(ref) if e.action == "case.processed"][-1]
    assert entry.after is not None and entry.after["in_time"] is True  # 11-20 is before 11-24
    late_ref = org_services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["limit_sensitive"],
            channel="email",
            received=dt.date(2026, 10, 1),
            name="Lee Late",
        )
    ).reference
    case = org_services.workflow.record_processed(
        late_ref, "limit_sensitive", dt.date(2026, 11, 2), confirm=True
    )
    assert case.items[0].status == "responded" and case.items[0].processed_on == dt.date(2026, 11, 2)
    entry = [e for e in org_services.audit.entries(late_ref) if e.action == "case.processed"][-1]
    assert entry.after is not None and entry.after["in_time"] is False


def test_only_opt_out_and_limit_requests_are_processed(org_services: Services) -> None:
    ref = _opt_out(org_services, ("delete", "opt_out_sale_share"))
    with pytest.raises(TransitionRefused, match="answered, not processed"):
        org_services.workflow.record_processed(ref, "delete", dt.date(2026, 11, 5))
    with pytest.raises(TransitionRefused, match="before the request was received"):
        org_services.workflow.record_processed(ref, "opt_out_sale_share", dt.date(2026, 10, 30))


def test_cli_processed_with_confirmation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = database_target(tmp_path)
    assert run(["--db", db, "org", "import", str(resource("demo", "mstis.toml")), "--json"]) == 0
    capsys.readouterr()
    assert run(["--db", db, "case", "new", "--org", "mstis", "--jurisdiction", "US-CA", "--type",
                "opt_out_sale_share", "--channel", "web", "--received", "2026-11-02", "--name",
                "Dana Whitcomb", "--json"]) == 0  # fmt: skip
    ref = json.loads(capsys.readouterr().out)["reference"]
    code = run(["--db", db, "case", "processed", ref, "--item", "opt_out_sale_share", "--on", "2026-11-09",
                "--confirm", "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    item = json.loads(out)["items"][0]
    assert (item["processed_on"], item["status"], item["outcome"]) == ("2026-11-09", "responded", "fulfilled")
    assert run(["--db", db, "case", "processed", ref, "--item", "opt_out_sale_share"]) != 0
    assert "\n" not in capsys.readouterr().err.strip()
