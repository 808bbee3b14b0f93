"""The clock of a request item: the UK relevant time and clarification pause, recorded and audited;
California know requests reaching back to 2022-01-01."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from privdesk.cli import run
from privdesk.domain.errors import TransitionRefused, ValidationError
from privdesk.paths import resource
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from tests.conftest import database_target


@pytest.fixture
def org_services(services: Services) -> Services:
    for slug in ("mstis", "coverys"):
        services.organizations.import_profile_file(resource("demo", f"{slug}.toml"))
    return services


def _uk_case(services: Services, received: dt.date = dt.date(2026, 9, 1)) -> str:
    case = services.cases.create(
        NewCase(
            organization="coverys",
            jurisdiction="GB",
            types=["know_specific"],
            channel="email",
            received=received,
            name="Harriet Lane",
            email="harriet.lane@example.org",
            address="4 Mill Road, Cambridge CB1 2AD",
        )
    )
    return case.reference


def test_uk_relevant_time_with_a_pause_worked_example(org_services: Services) -> None:
    """Received Tue 2026-09-01; identity documents asked for arrive 2026-09-08 (the relevant time);
    clarification asked for on 2026-09-15 arrives on 2026-09-22: one month from 2026-09-08 is
    2026-10-08, plus the 7 days the clock stood still: 2026-10-15; three months: 2026-12-15."""
    ref = _uk_case(org_services)
    first = org_services.cases.show(ref).items[0]
    assert first.respond_by == dt.date(2026, 10, 1)
    [option] = org_services.clock.options(ref)  # what the law lets this clock do
    assert option.item_type == "know_specific" and option.relevant_time
    assert [code for code, _ in option.pauses] == ["clarification"]

    started = org_services.clock.set_relevant_time(ref, "know_specific", dt.date(2026, 9, 8)).items[0]
    assert (started.clock_started_on, started.respond_by) == (dt.date(2026, 9, 8), dt.date(2026, 10, 8))
    assert "art. 12A" in started.basis["clock_start"]

    paused = org_services.clock.pause(ref, "know_specific", dt.date(2026, 9, 15)).items[0]
    assert paused.paused_since == dt.date(2026, 9, 15)
    # Today is 2026-11-20 (the test clock): still paused, the dates move with every paused day.
    assert paused.respond_by == dt.date(2026, 10, 8) + (dt.date(2026, 11, 20) - dt.date(2026, 9, 15))

    resumed = org_services.clock.resume(ref, "know_specific", dt.date(2026, 9, 22)).items[0]
    assert resumed.paused_since is None
    assert (resumed.respond_by, resumed.extended_respond_by) == (dt.date(2026, 10, 15), dt.date(2026, 12, 15))
    assert "clarification" in resumed.basis["clock_pauses"]

    actions = [e.action for e in org_services.audit.entries(ref)]
    assert {"case.clock_started", "case.clock_paused", "case.clock_resumed"} <= set(actions)

    # Recomputing from the rule files keeps the recorded clock.
    with pytest.raises(TransitionRefused, match="already follow"):
        org_services.workflow.recompute_deadlines(ref)


def test_a_law_without_such_a_clock_refuses_with_its_reason(org_services: Services) -> None:
    ca = org_services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["delete"],
            channel="mail",
            received=dt.date(2026, 11, 2),
            name="Dana Whitcomb",
            address="2217 Elm St, Torrance, CA 90503",
        )
    )
    with pytest.raises(TransitionRefused, match="runs from receipt"):
        org_services.clock.set_relevant_time(ca.reference, "delete", dt.date(2026, 11, 5))
    with pytest.raises(TransitionRefused, match="keeps running"):
        org_services.clock.pause(ca.reference, "delete", dt.date(2026, 11, 5))
    uk_before_the_change = _uk_case(org_services, dt.date(2026, 1, 20))
    with pytest.raises(TransitionRefused, match="runs from receipt"):
        org_services.clock.set_relevant_time(uk_before_the_change, "know_specific", dt.date(2026, 2, 9))


def test_pause_mistakes_are_refused_with_one_line(org_services: Services) -> None:
    ref = _uk_case(org_services)
    with pytest.raises(TransitionRefused, match="not stopped"):
        org_services.clock.resume(ref, "know_specific", dt.date(2026, 9, 10))
    with pytest.raises(ValidationError, match="future"):
        org_services.clock.pause(ref, "know_specific", dt.date(2026, 12, 1))
    with pytest.raises(ValidationError, match="before the request was received"):
        org_services.clock.set_relevant_time(ref, "know_specific", dt.date(2026, 8, 30))
    org_services.clock.pause(ref, "know_specific", dt.date(2026, 9, 10))
    with pytest.raises(TransitionRefused, match="already stopped"):
        org_services.clock.pause(ref, "know_specific", dt.date(2026, 9, 11))
    with pytest.raises(ValidationError, match="before it stopped"):
        org_services.clock.resume(ref, "know_specific", dt.date(2026, 9, 9))


def test_california_know_request_reaching_back_to_2022(org_services: Services) -> None:
    """A know request received 2026-03-02 asking for everything: it covers 2022-01-01 onwards, and the
    dates are the usual 45/90 days."""
    case = org_services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["know_specific", "delete"],
            channel="mail",
            received=dt.date(2026, 3, 2),
            name="Dana Whitcomb",
            address="2217 Elm St, Torrance, CA 90503",
            know_everything=True,
        )
    )
    items = {i.type: i for i in case.items}
    assert items["know_specific"].know_since == dt.date(2022, 1, 1)
    assert items["delete"].know_since is None
    assert items["know_specific"].respond_by == dt.date(2026, 4, 16)
    with pytest.raises(ValidationError, match="reaches back to 2022-01-01 at the earliest"):
        org_services.cases.create(
            NewCase(
                organization="mstis",
                jurisdiction="US-CA",
                types=["know_categories"],
                channel="mail",
                received=dt.date(2026, 3, 2),
                name="Dana Whitcomb",
                know_since=dt.date(2021, 6, 1),
            )
        )


def test_cli_know_since_clock_start_and_pause(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = database_target(tmp_path)

    def cli(*args: str) -> dict[str, object]:
        code = run(["--db", db, *args, "--json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        result: dict[str, object] = json.loads(out)
        return result

    cli("org", "import", str(resource("demo", "mstis.toml")))
    cli("org", "import", str(resource("demo", "coverys.toml")))
    common = ["--channel", "mail", "--received", "2026-09-01", "--name", "Dana Whitcomb"]
    ca = cli("case", "new", "--org", "mstis", "--jurisdiction", "US-CA", "--type", "know_categories", *common,
             "--know-since", "all")  # fmt: skip
    assert ca["items"][0]["know_since"] == "2022-01-01"  # type: ignore[index]
    uk = cli("case", "new", "--org", "coverys", "--jurisdiction", "GB", "--type", "know_specific", *common)
    ref = str(uk["reference"])
    cli("case", "clock-start", ref, "--item", "know_specific", "--on", "2026-09-08")
    cli("case", "pause", ref, "--item", "know_specific", "--on", "2026-09-15")
    shown = run(["--db", db, "case", "show", ref])
    assert shown == 0 and "clock PAUSED since 2026-09-15" in capsys.readouterr().out
    done = cli("case", "resume", ref, "--item", "know_specific", "--on", "2026-09-22")
    assert done["items"][0]["respond_by"] == "2026-10-15"  # type: ignore[index]
    assert run(["--db", db, "case", "pause", "NOPE-1", "--item", "know_specific"]) != 0
    assert "\n" not in capsys.readouterr().err.strip()


def test_a_right_not_yet_in_force_gets_no_dates_and_a_warning(org_services: Services) -> None:
    case = org_services.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["admt_opt_out"],
            channel="email",
            received=dt.date(2026, 11, 2),
            name="Dana Whitcomb",
            email="dana.whitcomb@example.com",
        )
    )
    assert case.items[0].respond_by is None
    [warning] = [w for w in case.warnings if w.code == "not_in_force"]
    assert warning.message == (
        "California's rules for automated decisions: opt-out apply to requests received from 2027-01-01; "
        "no statutory dates"
    )
    assert "[S]" in warning.basis


def _case(services: Services, org: str, jurisdiction: str, types: list[str], received: dt.date) -> str:
    return services.cases.create(
        NewCase(
            organization=org,
            jurisdiction=jurisdiction,
            types=types,
            channel="email",
            received=received,
            name="Harriet Lane",
            email="harriet.lane@example.org",
        )
    ).reference


def test_iowa_authentication_pause_worked_example(org_services: Services) -> None:
    """Iowa deletion received 2026-03-02: 90 days to 2026-05-31, extended 135 to 2026-07-15. Information
    to authenticate the request is asked for on 2026-03-10 and arrives 2026-03-24 (Iowa Code
    §715D.3(2)(d)): 14 days later, 2026-06-14 and 2026-07-29, marked as resting on a [U] reading."""
    ref = _case(org_services, "coverys", "US-IA", ["delete"], dt.date(2026, 3, 2))
    first = org_services.cases.show(ref).items[0]
    assert (first.respond_by, first.extended_respond_by) == (dt.date(2026, 5, 31), dt.date(2026, 7, 15))
    paused = org_services.clock.pause(ref, "delete", dt.date(2026, 3, 10)).items[0]  # the law's only pause
    assert paused.clock_pauses[0].reason == "authentication"
    resumed = org_services.clock.resume(ref, "delete", dt.date(2026, 3, 24)).items[0]
    assert (resumed.respond_by, resumed.extended_respond_by) == (dt.date(2026, 6, 14), dt.date(2026, 7, 29))
    assert "715D.3(2)(d)" in resumed.basis["clock_pauses"] and "[U]" in resumed.basis["clock_pauses"]
    entry = [e for e in org_services.audit.entries(ref) if e.action == "case.clock_paused"][-1]
    assert entry.after is not None and "715D.3(2)(d)" in str(entry.after["basis"])
    with pytest.raises(ValidationError, match="unknown pause reason 'clarification'"):
        org_services.clock.pause(ref, "delete", dt.date(2026, 4, 1), reason="clarification")


def test_gdpr_identity_pause_worked_example(org_services: Services) -> None:
    """EU access received Tue 2026-03-10: one month to 2026-04-10, three to 2026-06-10. Information to
    confirm identity (art. 12(6)) is asked for on 2026-03-12 and arrives 2026-03-19: 7 days later."""
    ref = _case(org_services, "coverys", "EU", ["know_specific"], dt.date(2026, 3, 10))
    org_services.clock.pause(ref, "know_specific", dt.date(2026, 3, 12), reason="identity")
    resumed = org_services.clock.resume(ref, "know_specific", dt.date(2026, 3, 19)).items[0]
    assert (resumed.respond_by, resumed.extended_respond_by) == (dt.date(2026, 4, 17), dt.date(2026, 6, 17))
    assert "art. 12(6)" in resumed.basis["clock_pauses"] and "[S]" in resumed.basis["clock_pauses"]
    # California's clock runs whatever verification takes (§7021(b)): no pause there.
    ca = _case(org_services, "mstis", "US-CA", ["know_specific"], dt.date(2026, 3, 10))
    with pytest.raises(TransitionRefused, match="keeps running"):
        org_services.clock.pause(ca, "know_specific", dt.date(2026, 3, 12), reason="identity")
