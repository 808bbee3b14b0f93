from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from privdesk.cli import run
from tests.conftest import database_target


@pytest.fixture
def db(tmp_path: Path) -> str:
    return database_target(tmp_path)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_deadlines_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "deadlines",
        "--jurisdiction",
        "US-CA",
        "--type",
        "delete",
        "--received",
        "2025-09-02",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["acknowledge_by"] == "2025-09-17"
    assert data["respond_by"] == "2025-10-17"
    assert data["extended_respond_by"] == "2025-12-01"
    assert set(data) >= {
        "acknowledge_by",
        "respond_by",
        "extension_notice_by",
        "extended_respond_by",
        "basis",
    }
    assert "7021" in json.dumps(data["basis"])


def test_case_new_show_list(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert cli(capsys, "--db", db, "org", "import", "resources/demo/mstis.toml")[0] == 0
    code, out, err = cli(
        capsys,
        "--db",
        db,
        "case",
        "new",
        "--org",
        "mstis",
        "--jurisdiction",
        "US-CA",
        "--type",
        "delete,know_categories",
        "--channel",
        "mail",
        "--received",
        "2026-11-02",
        "--name",
        "Zoé Lefèvre",
        "--json",
    )
    assert code == 0, err
    case = json.loads(out)
    assert set(case) >= {"reference", "status", "items", "warnings"}
    assert [i["type"] for i in case["items"]] == ["delete", "know_categories"]
    assert all(
        {"acknowledge_by", "respond_by", "extended_respond_by", "status"} <= set(i) for i in case["items"]
    )
    code, out, _ = cli(capsys, "--db", db, "case", "show", case["reference"], "--json")
    assert json.loads(out)["consumer_name"] == "Zoé Lefèvre"
    code, out, _ = cli(capsys, "--db", db, "case", "list", "--json")
    assert [r["reference"] for r in json.loads(out)] == [case["reference"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "case",
                "new",
                "--org",
                "nope",
                "--jurisdiction",
                "US-CA",
                "--type",
                "delete",
                "--channel",
                "mail",
                "--received",
                "2026-11-02",
                "--name",
                "X",
            ],
            "unknown organization",
        ),
        (
            [
                "case",
                "new",
                "--org",
                "mstis",
                "--jurisdiction",
                "US-CA",
                "--type",
                "delete",
                "--channel",
                "mail",
                "--received",
                "2025-02-30",
                "--name",
                "X",
            ],
            "not a real date",
        ),
        (
            [
                "case",
                "new",
                "--org",
                "mstis",
                "--jurisdiction",
                "US-CA",
                "--type",
                "forget",
                "--channel",
                "mail",
                "--received",
                "2026-11-02",
                "--name",
                "X",
            ],
            "unknown request type",
        ),
        (
            [
                "case",
                "new",
                "--org",
                "mstis",
                "--jurisdiction",
                "US-CA",
                "--type",
                "delete",
                "--channel",
                "telex",
                "--received",
                "2026-11-02",
                "--name",
                "X",
            ],
            "unknown channel",
        ),
        (["case", "show", "PD-2026-999999"], "no case"),
        (["case", "list", "--status", "sleeping"], "unknown status"),
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit(
    capsys: pytest.CaptureFixture[str], db: str, args: list[str], message: str
) -> None:
    cli(capsys, "--db", db, "org", "import", "resources/demo/mstis.toml")
    code, _out, err = cli(capsys, "--db", db, *args)
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_corrupt_or_unwritable_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"\x00garbage" * 500)
    code, _, err = cli(capsys, "--db", str(corrupt), "case", "list")
    assert code != 0 and "not a privdesk database" in err and "Traceback" not in err
    assert corrupt.read_bytes() == b"\x00garbage" * 500  # nothing written
    code, _, err = cli(capsys, "--db", str(tmp_path / "missing" / "x.db"), "case", "list")
    assert code != 0 and "does not exist" in err


def test_seed_demo_then_list(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = cli(capsys, "--db", db, "seed-demo", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["cases"] >= 38
    code, out, _ = cli(capsys, "--db", db, "case", "list", "--json")
    rows = json.loads(out)
    assert len(rows) == summary["cases"]
    assert {r["organization"] for r in rows} == {"mstis", "coverys", "lossexpress"}
    code, out, _ = cli(capsys, "--db", db, "case", "list", "--overdue", "--json")
    assert json.loads(out), "the demo must contain overdue cases"
    code, out, _ = cli(capsys, "--db", db, "audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"]
    # What the officer types: a bare number, a phone number in any format.
    code, out, err = cli(capsys, "--db", db, "case", "show", "46", "--json")
    assert code == 0, err
    assert json.loads(out)["reference"].endswith("-000046")
    code, out, _ = cli(capsys, "--db", db, "case", "list", "--search", "(916) 555-0102", "--json")
    assert code == 0 and {r["consumer_name"] for r in json.loads(out)} == {"Lorraine Castellanos"}
    code, _, err = cli(capsys, "--db", db, "case", "show", "99999")
    assert code != 0 and "no case" in err and "Traceback" not in err
    # The deadlines calendar: one event per open case with a deadline, and no personal data.
    out_file = Path(tempfile.mkdtemp()) / "deadlines.ics"
    code, out, err = cli(capsys, "--db", db, "calendar", "--out", str(out_file), "--json")
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    open_cases = json.loads(cli(capsys, "--db", db, "case", "list", "--open", "--json")[1])
    assert (
        json.loads(out)["events"]
        == text.count("BEGIN:VEVENT")
        == len([r for r in open_cases if r["next_due_on"]])
    )
    for row in open_cases:
        assert row["consumer_name"] not in text
