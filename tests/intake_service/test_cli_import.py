"""The command-line contract: ``privdesk import FILE... --json`` and the inbox commands."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from privdesk.cli import run
from privdesk.paths import resource
from tests.conftest import database_target
from tests.intake_service.support import DATA, EXTRA, ORGS, email_bytes, sample_files

FIELDS = ("types", "jurisdiction", "agent", "organization", "is_request")


def cli(*args: str) -> tuple[int, Any, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(args))
    text = out.getvalue()
    return code, (json.loads(text) if text.strip().startswith(("[", "{")) else text), err.getvalue()


def _database_with_organizations(folder: Path) -> str:
    target = database_target(folder)
    for slug in ORGS:
        assert cli("--db", target, "org", "import", str(resource("demo", f"{slug}.toml")))[0] == 0
    return target


@pytest.fixture
def db(tmp_path: Path) -> str:
    return _database_with_organizations(tmp_path)


def _labelled(folder: Path) -> dict[str, dict[str, Any]]:
    labels: dict[str, dict[str, Any]] = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return labels


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    out = {k: record[k] for k in FIELDS}
    out["types"] = sorted(out["types"])
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every sample imported once, in one command, into a database of its own."""
    db = _database_with_organizations(tmp_path_factory.mktemp("samples"))
    code, payload, err = cli("--db", db, "import", *map(str, sample_files()), "--json")
    assert code == 0, err
    assert len(payload) == len(sample_files())
    return {record["file"]: record for record in payload}


def test_every_sample_matches_its_label(imported: dict[str, dict[str, Any]]) -> None:
    for name, label in _labelled(DATA).items():
        record = imported[name]
        assert "error" not in record
        assert _comparable(record) == _comparable(label), name
        assert record["intake_id"] > 0 and record["duplicate_of"] is None
        assert set(record) >= {"intake_id", "file", "sender", "subject", "received", "warnings"}


def test_extra_set_through_the_command_line(imported: dict[str, dict[str, Any]]) -> None:
    labels = _labelled(EXTRA)
    wrong = {
        name: (_comparable(label), _comparable(imported[name]))
        for name, label in labels.items()
        if _comparable(label) != _comparable(imported[name])
    }
    assert 1 - len(wrong) / len(labels) >= 0.9, wrong


def test_received_is_the_email_date_in_the_organizations_zone(imported: dict[str, dict[str, Any]]) -> None:
    record = imported["sample-01.eml"]
    assert record["received"] == "2025-02-03"
    assert record["sender"] == "Dana Whitcomb <dana.whitcomb@example.com>"


def test_duplicates_and_exit_codes(db: str, tmp_path: Path) -> None:
    first = str(DATA / "sample-02.eml")
    code, payload, _ = cli("--db", db, "import", first, "--json")
    assert code == 0 and payload[0]["duplicate_of"] is None
    code, again, _ = cli("--db", db, "import", first, "--json")
    assert code == 0
    assert again[0]["duplicate_of"] == payload[0]["intake_id"] == again[0]["intake_id"]

    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    code, payload, _ = cli("--db", db, "import", str(empty), str(tmp_path / "missing.eml"), "--json")
    assert code == 1
    assert [set(p) for p in payload] == [{"file", "error"}, {"file", "error"}]
    assert "empty" in payload[0]["error"]

    good = tmp_path / "good.eml"
    good.write_bytes(email_bytes(1))
    code, payload, _ = cli("--db", db, "import", str(empty), str(good), "--json")
    assert code == 0 and "error" in payload[0] and payload[1]["types"] == ["delete"]


def test_inbox_commands(db: str, tmp_path: Path) -> None:
    cli("--db", db, "import", str(DATA / "sample-01.eml"), str(DATA / "sample-07.eml"), "--json")
    code, rows, _ = cli("--db", db, "inbox", "list", "--json")
    assert code == 0 and len(rows) == 2
    request, claim = rows
    code, _, err = cli("--db", db, "inbox", "set-aside", str(claim["id"]), "--reason", " ", "--json")
    assert code == 1 and "reason" in err
    code, item, _ = cli(
        "--db", db, "inbox", "set-aside", str(claim["id"]), "--reason", "claims question", "--json"
    )
    assert code == 0 and item["status"] == "set_aside" and item["set_aside_reason"] == "claims question"

    code, case, err = cli(
        "--db", db, "inbox", "make-case", str(request["id"]), "--name", "Dana Whitcomb", "--json"
    )
    assert code == 0, err
    assert case["channel"] == "email" and case["received_on"] == "2025-02-03"
    assert sorted(i["type"] for i in case["items"]) == ["delete", "know_categories"]
    code, rows, _ = cli("--db", db, "inbox", "list", "--json")
    assert rows == []
    code, _, err = cli("--db", db, "inbox", "make-case", str(request["id"]), "--json")
    assert code == 1 and "already been dealt with" in err


def test_call_note_command(db: str) -> None:
    code, note, err = cli(
        "--db", db, "call-note", "--org", "mstis", "--caller", "(310) 555-0142", "--name", "Rosa Diaz",
        "--asked", "I want you to delete all my personal information", "--number", "800-555-0100",
        "--at", "2026-11-19T10:30", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert note["types"] == ["delete"] and note["organization"] == "mstis"
    assert note["received"] == "2026-11-19"
    code, case, err = cli(
        "--db", db, "inbox", "make-case", str(note["intake_id"]), "--jurisdiction", "US-CA", "--json"
    )
    assert code == 0, err
    assert case["channel"] == "phone" and case["consumer_phone"] == "+13105550142"
