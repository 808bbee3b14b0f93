"""Bad input on the command line gets a one-line reason naming what is wrong, never "unexpected
error"; text from outside is shown with control and bidirectional characters as visible markers."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from privdesk.cli import run
from privdesk.services.cases import NewCase
from privdesk.services.hub import Services
from tests.conftest import TODAY, database_target
from tests.letters.pdftext import flat_text

HOSTILE = "Evil\x1b[31m\u202eName"


@pytest.fixture
def db(tmp_path: Path) -> str:
    target = database_target(tmp_path)
    assert run(["--db", target, "org", "import", "resources/demo/mstis.toml"]) == 0
    svc = Services.open(target)
    svc.cases.create(
        NewCase(
            organization="mstis",
            jurisdiction="US-CA",
            types=["delete"],
            channel="mail",
            received=TODAY,
            name=HOSTILE,
            address="1 Main St\nFresno, CA 93701",
        )
    )
    svc.close()
    return target


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "unexpected error" not in lines[0] and "Traceback" not in err
    return lines[0]


def test_an_argument_that_is_not_utf8(capsys: pytest.CaptureFixture[str], db: str) -> None:
    raw = os.fsdecode(b"PD-\xff\xfe")  # what Python makes of raw bytes from the shell
    code, _, err = _run(capsys, "--db", db, "case", "show", raw)
    assert code == 2
    assert "argument 5" in _one_line(err) and "not valid UTF-8 (byte 0xff)" in err


def test_a_huge_id(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, _, err = _run(capsys, "--db", db, "inbox", "show", "99999999999999999999999")
    assert code == 2
    assert "there is no id 99999999999999999999999" in _one_line(err)


def test_db_naming_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    code, _, err = _run(capsys, "--db", str(folder), "case", "list")
    assert code == 1
    assert f"--db {folder} is a folder" in _one_line(err)
    assert list(folder.iterdir()) == []  # nothing created inside it


def test_out_naming_a_folder(capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path) -> None:
    code, _, err = _run(capsys, "--db", db, "case", "export", "PD-2026-000001", "--out", str(tmp_path))
    assert code == 2
    assert f"{tmp_path} is a folder" in _one_line(err)


def test_a_damaged_salt_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "firm.db"
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "a long enough passphrase")
    Services.open(str(target), passphrase="a long enough passphrase").close()
    salt = target.with_name("firm.db.salt")
    for damage, reason in (
        (b"\x00\xff not json", "is not JSON text"),
        (b'{"kdf": "argon2id", "salt": "00", "time_cost": 1, "memory_kib": 64, "parallelism": 1}', "shorter"),
        (
            b'{"kdf": "argon2id", "salt": "0011223344556677", "time_cost": 1, '
            b'"memory_kib": 0, "parallelism": 1}',
            "memory 0 KiB",
        ),
    ):
        salt.write_bytes(damage)
        code, _, err = _run(capsys, "--db", str(target), "case", "list")
        assert code == 1
        line = _one_line(err)
        assert f"the salt file {salt} is damaged" in line and reason in line


def test_a_malformed_recovery_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keyed.db"
    Services.open(str(target), encrypt=True).close()
    for key, reason in (
        ("zz" * 32, "is not a recovery key (64 hexadecimal digits expected)"),
        ("abcd", "is not a recovery key (64 hexadecimal digits expected)"),
    ):
        monkeypatch.setenv("PRIVDESK_RECOVERY_KEY", key)
        code, _, err = _run(capsys, "--db", str(target), "recovery-key", "--import")
        assert code == 1
        assert reason in _one_line(err)


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_output_piped_into_head(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    code = run(["--db", db, "case", "list"])
    err = capsys.readouterr().err
    assert code == 1
    assert "output was closed before all of it was written (broken pipe)" in _one_line(err)


def test_an_unreachable_postgresql_server_is_not_a_damaged_file(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://officer:secret-pw@127.0.0.1:1/privdesk"
    code, _, err = _run(capsys, "--db", url, "case", "list")
    assert code == 1
    line = _one_line(err)
    assert "cannot use the PostgreSQL database at 127.0.0.1:1/privdesk" in line
    assert "damaged" not in line and "secret-pw" not in line


def test_a_long_unbroken_note_is_exported_whole(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    svc = Services.open(db)
    svc.workflow.add_note("PD-2026-000001", "x" * 6000)
    svc.close()
    out = tmp_path / "case.zip"
    code, _, err = _run(capsys, "--db", db, "case", "export", "PD-2026-000001", "--out", str(out))
    assert code == 0, err
    with zipfile.ZipFile(out) as archive:
        pdf = next(archive.read(n) for n in archive.namelist() if n.endswith(".pdf"))
    assert flat_text(pdf).count("x") >= 6000  # every character, wrapped over lines and pages


def test_hostile_names_are_shown_with_visible_markers(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = _run(capsys, "--db", db, "case", "list")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "Evil⟨U+001B⟩[31m⟨U+202E⟩Name" in out
    code, out, _ = _run(capsys, "--db", db, "case", "list", "--json")
    assert "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)[0]["consumer_name"] == HOSTILE  # the data itself is unchanged
