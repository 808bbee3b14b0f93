"""Every jurisdiction's periods checked against its own rule file for every receipt day 2025-2030.

The expected dates are worked out here from the raw TOML (read with ``tomllib``, not the loader):
the version in force on the day, calendar days and months by plain date arithmetic, business days by
counting the jurisdiction's business days (the calendars themselves are checked against the statute
list and the ``holidays`` library in test_calendar.py and test_holiday_library.py).
"""

from __future__ import annotations

import calendar as stdcal
import json
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from privdesk.cli import run
from privdesk.domain.rules import load_rulebook
from privdesk.paths import resource

RULEBOOK = load_rulebook()
FIRST, LAST = date(2025, 1, 1), date(2030, 12, 31)
TODAY = date(2031, 1, 1)
FILES = sorted(resource("rules").glob("*.toml"))
US_STATES = [path.stem for path in FILES if path.stem.startswith("US-")]


def _raw(path: Any) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _versions(data: dict[str, Any], request_type: str) -> list[dict[str, Any]]:
    value = data["types"][request_type]
    found = value if isinstance(value, list) else [value]
    return [{**data.get("defaults", {}), **version} for version in found]


def _covers(effective: dict[str, Any] | None, day: date) -> bool:
    if not effective:
        return True
    return effective.get("from", date.min) <= day <= effective.get("until", date.max)


def _months(start: date, months: int) -> date:
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month0 + 1, min(start.day, stdcal.monthrange(year, month0 + 1)[1]))


def _expected(code: str, period: dict[str, Any], received: date) -> date | None:
    if period.get("none"):
        return None
    length = period.get("period", period.get("total"))
    assert isinstance(length, int)
    if period["unit"] == "calendar_days":
        return received + timedelta(days=length)
    if period["unit"] == "months":
        return _months(received, length)
    cal = RULEBOOK.calendar(code)
    day, counted = received, 0
    while counted < length:
        day += timedelta(days=1)
        counted += cal.is_business_day(day)
    return day


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_type_and_every_receipt_day_follows_the_rule_file(path: Any) -> None:
    data = _raw(path)
    code, law_from = data["jurisdiction"], data.get("effective", {}).get("from")
    checked = 0
    for request_type in data["types"]:
        versions = _versions(data, request_type)
        day = FIRST
        while day <= LAST:
            d = RULEBOOK.deadlines(code, request_type, day, today=TODAY)
            in_force = [v for v in versions if _covers(v.get("effective"), day)]
            if law_from is not None and day < law_from:
                assert not d.in_force and d.respond_by is None and d.acknowledge_by is None
                assert d.note == f"{data['name']}'s law applies to requests received from {law_from}"
            elif not in_force:
                assert not d.in_force and d.respond_by is None and d.note is not None
            else:
                (rule,) = in_force
                respond = _expected(code, rule["respond"], day)
                extended = _expected(code, rule["extension"], day) if respond else None
                assert (d.acknowledge_by, d.respond_by, d.extended_respond_by) == (
                    _expected(code, rule["acknowledge"], day),
                    respond,
                    extended,
                ), (code, request_type, day)
                assert d.extension_notice_by == (respond if extended else None)
                assert rule["respond"]["cite"] in d.basis["respond_by"]
                assert (
                    d.basis["respond_by"].endswith(f"[{rule['respond']['tag']}]")
                    or "business days" in (d.basis["respond_by"])
                )
                checked += 1
            day += timedelta(days=1)
    assert checked > 0


@pytest.mark.parametrize("code", US_STATES)
def test_deadlines_command_answers_for_every_state(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's acceptance check: a delete request received 2026-11-20, with citations under basis."""
    args = ["deadlines", "--jurisdiction", code, "--type", "delete", "--received", "2026-11-20", "--json"]
    assert run(args) == 0
    data = json.loads(capsys.readouterr().out)
    state = _raw(resource("rules", f"{code}.toml"))
    law_from = state.get("effective", {}).get("from")
    if law_from is not None and date(2026, 11, 20) < law_from:
        assert data["respond_by"] is None and data["note"].endswith(f"from {law_from}")
        assert data["in_force"] is False and "in_force" in data["basis"]
        return
    assert data["in_force"] is True and data["respond_by"] is not None
    assert all(text.endswith(("[C]", "[S]", "[U]")) for text in data["basis"].values())
    assert state["name"] and any(c.isdigit() for c in data["basis"]["respond_by"])


@pytest.mark.parametrize(
    ("code", "received", "respond", "extended"),
    [
        ("US-IA", "2025-03-03", "2025-06-01", "2025-07-16"),  # 90 days, then 45 more
        ("US-NJ", "2025-03-03", "2025-04-17", "2025-06-01"),
        ("US-MT", "2024-10-01", "2024-11-15", "2024-12-30"),  # the first day Montana's law applies
        ("US-OK", "2027-01-04", "2027-02-18", "2027-04-04"),
        ("US-AL", "2027-05-03", "2027-06-17", "2027-08-01"),
    ],
)
def test_new_state_worked_examples(code: str, received: str, respond: str, extended: str) -> None:
    d = RULEBOOK.deadlines(code, "delete", date.fromisoformat(received), today=TODAY)
    expected = (date.fromisoformat(respond), date.fromisoformat(extended))
    assert (d.respond_by, d.extended_respond_by) == expected


@pytest.mark.parametrize(
    ("code", "before", "message"),
    [
        ("US-OK", "2026-12-31", "Oklahoma's law applies to requests received from 2027-01-01"),
        ("US-LA", "2026-12-31", "Louisiana's law applies to requests received from 2027-01-01"),
        ("US-AL", "2027-04-30", "Alabama's law applies to requests received from 2027-05-01"),
        ("US-IN", "2025-12-31", "Indiana's law applies to requests received from 2026-01-01"),
        ("US-MN", "2025-07-30", "Minnesota's law applies to requests received from 2025-07-31"),
    ],
)
def test_requests_before_a_law_applies_get_a_reason(code: str, before: str, message: str) -> None:
    d = RULEBOOK.deadlines(code, "delete", date.fromisoformat(before), today=TODAY, allow_future=True)
    assert d.note == message and d.respond_by is None and not d.in_force


def test_minnesota_appeal_worked_example() -> None:
    """Minnesota: 45 days to decide an appeal, extendable by 60 more (105 from receipt of the appeal)."""
    info = RULEBOOK.appeal_info("US-MN", date(2026, 3, 2))
    assert (info.decide_by, info.extension_notice_by, info.extended_decide_by) == (
        date(2026, 4, 16),
        date(2026, 4, 16),
        date(2026, 6, 15),
    )
    assert info.complaint_authority == "Minnesota Attorney General's Office"
    assert info.filing_window is None


@pytest.mark.parametrize("code", US_STATES)
def test_every_state_names_its_appeal_and_complaint_route(code: str) -> None:
    data = _raw(resource("rules", f"{code}.toml"))
    info = RULEBOOK.appeal_info(code)
    assert info.complaint_url is not None and info.complaint_url.startswith("https://")
    assert info.available == ("appeal" in data["types"])
    if info.available:
        assert "[" in info.basis["decide_by"] and "[" in info.basis["complaint"]


def test_readme_jurisdiction_table_lists_every_file() -> None:
    from privdesk.domain.rules_summary import markdown_table, summarize

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- rules-table")
    table = readme[readme.index("\n", start) + 1 : readme.index("<!-- /rules-table -->")].strip()
    assert table == markdown_table(summarize(RULEBOOK)), "run `privdesk rules --markdown` into README"
    assert all(f"`{path.name}`" in table for path in FILES)
