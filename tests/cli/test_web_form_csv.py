"""`privdesk inbox import-csv`: a web form's CSV export, each row an inbox item, the columns mapped once and
remembered for the next export of the same form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privdesk.services.hub import Services
from tests.cli.test_cli import cli
from tests.conftest import database_target

HEADER = "Submitted on,Full name,E-mail,Your request,Which right\n"


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    target = database_target(tmp_path)
    assert cli(capsys, "--db", target, "org", "import", "resources/demo/mstis.toml")[0] == 0
    return target


def export(path: Path, *rows: str) -> str:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_columns_mapped_once_then_remembered(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    first = export(
        tmp_path / "form-week-1.csv",
        '2026-11-30,Ada Lovelace,ada@example.net,"Please delete my data, I am in California",Delete',
        "2026-11-31,Bad Date,bad@example.net,Delete me,Delete",  # no such day: named, nothing stored
    )
    # New columns: nothing is imported on a guess; the guess is offered as the command to give.
    code, out, err = cli(capsys, "--db", db, "inbox", "import-csv", first, "--org", "mstis")
    assert code != 0 and out == ""
    assert "not been mapped yet" in err and "--map received='Submitted on'" in err
    assert "Full name" in err and len(err.strip().splitlines()) == 1
    mapping = [
        "--map",
        "received=Submitted on",
        "--map",
        "name=Full name",
        "--map",
        "email=E-mail",
        "--map",
        "request=Your request",
        "--map",
        "types=Which right",
    ]
    code, out, err = cli(
        capsys, "--db", db, "inbox", "import-csv", first, "--org", "mstis", *mapping, "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["rows"] == 2 and len(result["imported"]) == 1
    assert result["problems"] == ["row 3: no date received that could be read ('2026-11-31')"]
    # The next export of the same form (its columns in another order) needs only the organization.
    second = tmp_path / "form-week-2.csv"
    second.write_text(
        "Full name,Submitted on,Your request,E-mail,Which right\n"
        "Grace Hopper,2026-12-01,What personal information do you hold about me?,grace@example.org,Know\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "--db", db, "inbox", "import-csv", str(second), "--org", "mstis", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert len(result["imported"]) == 1 and result["mapping_remembered"] is True
    services = Services.open(db)
    try:
        items = {item.sender_name: item for item in services.intake.pending()}
        assert set(items) == {"Ada Lovelace", "Grace Hopper"}
        ada = items["Ada Lovelace"]
        assert ada.channel == "web" and ada.received_on.isoformat() == "2026-11-30"
        assert ada.sender_address == "ada@example.net"
        assert "delete" in ada.types
    finally:
        services.close()


def test_a_wrong_column_name_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    path = export(tmp_path / "form.csv", "2026-11-30,Ada Lovelace,ada@example.net,Delete my data,Delete")
    code, out, err = cli(
        capsys, "--db", db, "inbox", "import-csv", path, "--org", "mstis", "--map", "received=Date"
    )
    assert code != 0 and out == ""
    assert "no column named 'Date'" in err and "Submitted on" in err
    code, _out, err = cli(
        capsys, "--db", db, "inbox", "import-csv", path, "--org", "mstis", "--map", "received=Submitted on"
    )
    assert code != 0 and "Name (--map name=COLUMN)" in err and "What they asked" in err
    code, _out, err = cli(
        capsys, "--db", db, "inbox", "import-csv", str(tmp_path / "none.csv"), "--org", "mstis"
    )
    assert code != 0 and "cannot be read" in err
