"""Effective-dated rules, projections and the appeal API (rules_model / rules_loader / rules)."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from privdesk.cli import run
from privdesk.domain.errors import RuleFileError, ValidationError
from privdesk.domain.rules import load_rulebook
from privdesk.domain.types import RequestType
from privdesk.paths import resource

RULEBOOK = load_rulebook()
TODAY = date(2030, 1, 1)


# --------------------------------------------------------------------------------- effective dates


def test_request_before_the_law_took_effect_gets_no_dates_and_one_line_reason() -> None:
    before = RULEBOOK.deadlines("US-CT", "delete", date(2023, 6, 30), today=TODAY)
    assert not before.in_force
    assert (before.acknowledge_by, before.respond_by, before.extended_respond_by) == (None, None, None)
    assert before.note == "Connecticut's law applies to requests received from 2023-07-01"
    assert "\n" not in before.note and "[S]" in before.basis["in_force"]
    first_day = RULEBOOK.deadlines("US-CT", "delete", date(2023, 7, 1), today=TODAY)
    assert first_day.in_force and first_day.respond_by == date(2023, 8, 15)
    assert first_day.to_json()["in_force"] is True and first_day.note is None


def test_type_versions_follow_the_receipt_date() -> None:
    old = RULEBOOK.rule("US-CT", "know_specific", on=date(2026, 6, 30))
    new = RULEBOOK.rule("US-CT", "know_specific", on=date(2026, 7, 1))
    assert old.note == "" and "inferences" in new.note
    assert old.respond == new.respond  # the amendment added rights, not time
    assert RULEBOOK.jurisdiction("US-CT").types[RequestType.KNOW_SPECIFIC] is new


def test_appeal_decision_is_linked_to_every_version() -> None:
    for version in RULEBOOK.jurisdiction("US-CT").type_versions(RequestType.KNOW_SPECIFIC):
        assert version.appeal.decision is not None and version.appeal.decision.period is not None
        assert version.appeal.decision.period.length == 60


# ----------------------------------------------------------------------------------------- projection


def test_future_receipt_is_a_projection_only_when_asked() -> None:
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    with pytest.raises(ValidationError, match="future"):
        RULEBOOK.deadlines("US-CA", "delete", monday)
    projected = RULEBOOK.deadlines("US-CA", "delete", monday, allow_future=True)
    assert projected.projection and projected.respond_by == monday + timedelta(days=45)
    assert "projection" in (projected.note or "")
    assert RULEBOOK.deadlines("US-CA", "delete", date.today(), allow_future=True).projection is False


def test_cli_deadlines_answers_a_future_date_as_a_projection(capsys: pytest.CaptureFixture[str]) -> None:
    future = (date.today() + timedelta(days=30)).isoformat()
    args = ["deadlines", "--jurisdiction", "US-VA", "--type", "delete", "--received", future]
    assert run([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["projection"] is True
    assert data["respond_by"] == (date.fromisoformat(future) + timedelta(days=45)).isoformat()
    assert run(args) == 0
    assert capsys.readouterr().out.startswith(f"PROJECTION: received {future} is in the future")


# ---------------------------------------------------------------------------------------------- appeals


@pytest.mark.parametrize(
    ("jurisdiction", "decide_by", "extended", "authority"),
    [
        ("US-CT", "2026-03-06", None, "Connecticut Office of the Attorney General"),
        ("US-VA", "2026-03-06", None, "Office of the Attorney General of Virginia"),
        ("US-CO", "2026-02-19", "2026-04-20", "Colorado Attorney General"),
        ("US-OR", "2026-02-19", None, "Oregon Department of Justice"),
        ("US-TX", "2026-03-06", None, "Office of the Attorney General of Texas"),
    ],
)
def test_appeal_info_dates_and_complaint_route(
    jurisdiction: str, decide_by: str, extended: str | None, authority: str
) -> None:
    info = RULEBOOK.appeal_info(jurisdiction, date(2026, 1, 5))
    assert info.available
    assert info.decide_by == date.fromisoformat(decide_by)
    assert info.extended_decide_by == (date.fromisoformat(extended) if extended else None)
    assert info.extension_notice_by == (info.decide_by if extended else None)
    assert info.complaint_authority is not None and info.complaint_authority.startswith(authority)
    assert info.complaint_url is not None and info.complaint_url.startswith("https://")
    payload = info.to_json()
    assert payload["decide_by"] == decide_by and "[" in payload["basis"]["decide_by"]


def test_appeal_info_without_a_date_gives_the_periods_only() -> None:
    info = RULEBOOK.appeal_info("US-CO")
    assert info.decide_by is None and str(info.decision_period) == "45 calendar days"
    assert str(info.extension_total) == "105 calendar days"
    assert info.filing_window is None  # "a reasonable period": the statute sets no number of days


@pytest.mark.parametrize("jurisdiction", ["US-CA", "US-UT", "EU", "GB"])
def test_no_appeal_process_still_names_where_to_complain(jurisdiction: str) -> None:
    info = RULEBOOK.appeal_info(jurisdiction, date(2026, 1, 5))
    assert not info.available and info.decide_by is None and info.decision_period is None
    assert info.complaint_url is not None and info.complaint_url.startswith("https://")


def test_every_jurisdiction_with_an_appeal_type_answers_appeal_info() -> None:
    for code in RULEBOOK.jurisdictions():
        found = RULEBOOK.jurisdiction(code)
        info = RULEBOOK.appeal_info(code)
        assert info.available == bool(found.type_versions(RequestType.APPEAL)), code
        assert found.appeal is not None, f"{code} names no appeal process or complaint route"
        assert info.complaint_authority, code


def test_cli_appeal_info(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["appeal-info", "--jurisdiction", "US-CT", "--received", "2026-01-05", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decide_by"] == "2026-03-06" and data["complaint_url"] == "https://portal.ct.gov/ag"


# ------------------------------------------------------------------------------------------------ loader


@pytest.fixture
def ct_copy(tmp_path: Path) -> Path:
    shutil.copy(resource("rules", "US-CT.toml"), tmp_path / "US-CT.toml")
    return tmp_path / "US-CT.toml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(path: Path) -> str:
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(path.parent)
    return str(caught.value)


def test_defaults_fill_every_type_and_a_type_overrides_them(ct_copy: Path) -> None:
    found = load_rulebook(ct_copy.parent).jurisdiction("US-CT")
    assert found.types[RequestType.DELETE].respond.period is not None
    assert found.types[RequestType.APPEAL].respond.period is not None
    assert found.types[RequestType.APPEAL].respond.period.length == 60
    assert found.types[RequestType.OPT_OUT_SALE_SHARE].verification.forbidden
    assert not found.types[RequestType.DELETE].verification.forbidden


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("until = 2026-06-30", "until = 2026-07-01", "types.know_specific: versions in force"),
        (
            "from = 2023-07-01",
            "from = 2023-07-01\nuntil = 2023-01-01",
            "effective.until: expected a date not",
        ),
        (
            'url = "https://portal.ct.gov/ag"',
            'url = "portal.ct.gov/ag"',
            "appeal.complaint.url: expected an https",
        ),
        ("from = 2023-07-01", 'from = "2023-07-01"', "effective.from: expected a date (YYYY-MM-DD)"),
        (
            'value = "receipt", cite = "Conn. Gen. Stat. §42-518(c)(1)',
            'value = "later", cite = "x',
            "clock_start.value",
        ),
    ],
)
def test_effective_and_appeal_schema_errors(ct_copy: Path, old: str, new: str, expected: str) -> None:
    _replace(ct_copy, old, new)
    message = _error(ct_copy)
    assert message.startswith("US-CT.toml: ") and expected in message, message


def test_utah_correction_from_2026_07_01_and_colorado_opt_out_without_extension() -> None:
    before = RULEBOOK.deadlines("US-UT", "correct", date(2026, 6, 30), today=TODAY)
    assert before.note == "Utah's rules for correction apply to requests received from 2026-07-01"
    after = RULEBOOK.deadlines("US-UT", "correct", date(2026, 7, 1), today=TODAY)
    assert (after.respond_by, after.extended_respond_by) == (date(2026, 8, 15), date(2026, 9, 29))
    opt_out = RULEBOOK.deadlines("US-CO", "opt_out_sale_share", date(2026, 7, 1), today=TODAY)
    assert opt_out.extended_respond_by is None
    assert "as soon as feasibly possible" in opt_out.basis["respond_by"]
    assert "as soon as feasibly possible" in RULEBOOK.rule("US-CO", "opt_out_sale_share").note


def test_connecticut_cites_the_response_and_appeal_subsections() -> None:
    d = RULEBOOK.deadlines("US-CT", "delete", date(2026, 1, 5), today=TODAY)
    assert "§42-518(c)" in d.basis["respond_by"] and "42-520" not in json.dumps(d.basis)
    assert "§42-518(d)" in RULEBOOK.appeal_info("US-CT").basis["decide_by"]
    opt_out = RULEBOOK.rule("US-CT", "opt_out_sale_share")
    assert opt_out.verification.forbidden and "documented belief" in opt_out.verification.note


def test_california_2026_rules() -> None:
    know = RULEBOOK.rule("US-CA", "know_specific", on=date(2026, 1, 2))
    assert know.look_back is not None and know.look_back.earliest == date(2022, 1, 1)
    assert "2022-01-01" in know.note
    assert "processed" in RULEBOOK.rule("US-CA", "opt_out_sale_share", on=date(2026, 1, 2)).note
    admt = RULEBOOK.deadlines("US-CA", "admt_opt_out", date(2027, 1, 4), today=TODAY)
    assert admt.respond_by == date(2027, 1, 26)  # 15 business days, Martin Luther King Day skipped
    early = RULEBOOK.deadlines("US-CA", "admt_access", date(2026, 12, 1), today=TODAY)
    assert not early.in_force and early.note is not None and early.note.endswith("from 2027-01-01")


def test_uk_relevant_time_and_pause_in_the_engine() -> None:
    from privdesk.domain.rules import ClockPause

    d = RULEBOOK.deadlines(
        "GB",
        "know",
        date(2026, 9, 1),
        today=TODAY,
        clock_started=date(2026, 9, 8),
        pauses=[ClockPause(date(2026, 9, 15), date(2026, 9, 22))],
    )
    assert (d.clock_started, d.paused_days, d.respond_by) == (date(2026, 9, 8), 7, date(2026, 10, 15))
    before_the_act = RULEBOOK.deadlines(
        "GB", "know", date(2026, 1, 20), today=TODAY, clock_started=date(2026, 1, 27)
    )
    assert before_the_act.respond_by == date(2026, 2, 20)  # receipt still starts the clock
    ack = RULEBOOK.deadlines("GB", "complaint", date(2026, 7, 1), today=TODAY)
    # 30 days beginning when the complaint is received (s.164A(3)): 2026-07-01 is the first of them.
    assert ack.acknowledge_by == date(2026, 7, 30) and ack.respond_by is None
